#!/usr/bin/env bash
# Installs the manifest validators under .cache/k8s, pinned, once (a later run finds them):
# kustomize (built with Go from the module proxy), checkov, kubernetes-validate and promql-parser
# (PyPI, in their own venv: checkov's ~290 MB of dependencies stay out of the project lock), and
# the operators' CRDs that deploy/k8s_check.py validates against:
# - CloudNativePG, KEDA, prometheus-operator: config/crd YAML inside their Go module zips;
# - Strimzi publishes no CRD YAML to a registry (its io.strimzi:api jar holds the Java model,
#   its own crd-generator is not published), so its CRDs are generated from that model
#   (io.strimzi:api on Maven Central) with fabric8's crd-generator-cli. Those schemas check
#   field names and types everywhere except under polymorphic fields (listener
#   `authentication`, user `authorization` with its ACLs, which they leave open); the unit test
#   tests/unit/deploy/test_k8s_manifests.py checks the ACLs against the code instead.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUSTOMIZE_VERSION=v5.7.1
CNPG_VERSION=v1.28.0
KEDA_VERSION=v2.18.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0
STRIMZI_VERSION=0.49.0
CRD_GENERATOR_VERSION=8.0.0
CHECKOV_VERSION=3.3.30
KUBERNETES_VALIDATE_VERSION=1.37.0
# A PromQL parser (Rust, from PyPI): the alerts' and the dashboard's queries must parse.
PROMQL_PARSER_VERSION=0.11.0

CACHE=${K8S_CACHE:-$PWD/.cache/k8s}
# One install at a time into a cache that several checkouts share (.ci/run keeps it in the
# user's cache): a second run waits for the first, then finds the tools in place.
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9
# Go's module and build caches stay where Go keeps them (outside the checkout), so a fresh
# clone on the same machine links kustomize in seconds rather than compiling it again.
export PATH="$PATH:/usr/local/go/bin"
# No Go on the machine (the platform asks only for Python, Java, Maven and make): Go's own
# toolchain as the module proxy serves it (golang.org/toolchain, what `go` itself downloads).
GO_TOOLCHAIN=go1.24.4
if ! command -v go > /dev/null; then
  if [ ! -x "$CACHE/go/bin/go" ]; then
    echo "k8s-tools: fetching the Go toolchain $GO_TOOLCHAIN from the module proxy (once)"
    python3 deploy/k8s/go_toolchain.py "$GO_TOOLCHAIN" "$CACHE/go"
  fi
  export PATH="$CACHE/go/bin:$PATH"
fi

if [ "$("$CACHE/bin/kustomize" version 2>/dev/null)" != "$KUSTOMIZE_VERSION" ]; then
  echo "k8s-tools: building kustomize $KUSTOMIZE_VERSION (once, about 2 minutes)"
  GOBIN="$CACHE/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi

# (Asking checkov its version takes seconds: a file records what the venv holds.)
venv_pins="checkov==$CHECKOV_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
venv_pins="$venv_pins promql-parser==$PROMQL_PARSER_VERSION"
if [ "$(cat "$CACHE/venv/PINS" 2>/dev/null)" != "$venv_pins" ]; then
  echo "k8s-tools: installing $venv_pins (once, a few minutes)"
  [ -x "$CACHE/venv/bin/pip" ] || python3 -m venv "$CACHE/venv"
  # shellcheck disable=SC2086
  "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check $venv_pins
  echo "$venv_pins" > "$CACHE/venv/PINS"
fi

pins="cnpg=$CNPG_VERSION keda=$KEDA_VERSION prometheus-operator=$PROMETHEUS_OPERATOR_VERSION"
pins="$pins strimzi=$STRIMZI_VERSION crd-generator=$CRD_GENERATOR_VERSION strimzi-api=v1"
if [ "$(cat "$CACHE/crds/PINS" 2>/dev/null)" != "$pins" ]; then
  echo "k8s-tools: fetching the operators' CRDs ($pins)"
  rm -rf "$CACHE/crds" && mkdir -p "$CACHE/crds/strimzi"
  module_dir() { go mod download -json "$1@$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }
  cnpg=$(module_dir github.com/cloudnative-pg/cloudnative-pg "$CNPG_VERSION")
  cp "$cnpg"/config/crd/bases/postgresql.cnpg.io_{clusters,scheduledbackups}.yaml "$CACHE/crds/"
  keda=$(module_dir github.com/kedacore/keda/v2 "$KEDA_VERSION")
  cp "$keda"/config/crd/bases/keda.sh_{scaledobjects,triggerauthentications}.yaml "$CACHE/crds/"
  promop=$(module_dir github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION")
  cp "$promop"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml "$CACHE/crds/"
  jars="$CACHE/jars" && mkdir -p "$jars"
  for artifact in "io.strimzi:api:$STRIMZI_VERSION" "io.fabric8:crd-generator-cli:$CRD_GENERATOR_VERSION"; do
    mvn -q -B dependency:get -Dtransitive=false -Dartifact="$artifact" -Ddest="$jars/"
  done
  java -jar "$jars/crd-generator-cli-$CRD_GENERATOR_VERSION.jar" -o "$CACHE/crds/strimzi" \
    "$jars/api-$STRIMZI_VERSION.jar" io.strimzi.api.kafka.model.kafka.Kafka \
    io.strimzi.api.kafka.model.nodepool.KafkaNodePool io.strimzi.api.kafka.model.topic.KafkaTopic \
    io.strimzi.api.kafka.model.user.KafkaUser > /dev/null
  # Strimzi 0.49 serves v1 of all four (v1beta2 is deprecated) and reads every version into
  # this one Java model; fabric8 names a schema after the model's client version, which is
  # still v1beta2 for Kafka and KafkaNodePool. Name it v1, the version the manifests use.
  sed -i 's/^  - name: "v1beta2"$/  - name: "v1"/' "$CACHE"/crds/strimzi/*.yml
  echo "$pins" > "$CACHE/crds/PINS"
fi
