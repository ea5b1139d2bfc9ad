"""Validate the Kubernetes manifests: build each overlay, then check every object it makes.

    .cache/k8s/venv/bin/python deploy/k8s_check.py   (what `make k8s-check` runs)

- `kustomize build` of every overlay under deploy/k8s/overlays (a build error fails);
- the core kinds with `kubernetes-validate --strict` (unknown fields fail), at the oldest and
  the newest Kubernetes version the manifests claim to support;
- the operators' kinds (Strimzi, CloudNativePG, KEDA, prometheus-operator) against the
  openAPIV3Schema of their CRDs, fetched once into .cache/k8s/crds by `make k8s-tools`,
  strictly: a field a schema does not declare fails, as the API server's strict field
  validation would reject it (a bare CRD schema would only prune it, silently);
- every PromQL query of the alerts and the Grafana dashboard parses (promql-parser);
- checkov on the built output, with the skipped checks (and why) in deploy/k8s/checkov.yaml.

A kind that is neither core nor has a schema here fails too, so nothing goes unchecked.
Runs in the tools venv (checkov, kubernetes-validate, jsonschema, promql-parser), not the
project's.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import promql_parser
import yaml

ROOT = Path(__file__).resolve().parent.parent
OVERLAYS = ROOT / "deploy/k8s/overlays"
# Where deploy/k8s/tools.sh put the tools (K8S_CACHE, as in the Makefile).
CACHE = Path(os.environ.get("K8S_CACHE") or ROOT / ".cache/k8s")
OUT = ROOT / ".artifacts/k8s"
CORE_GROUPS = {"v1", "apps/v1", "policy/v1", "networking.k8s.io/v1", "autoscaling/v2"}
# The oldest Kubernetes the manifests need (preStop `sleep`, topology spread matchLabelKeys
# are on by default from 1.30) and the newest kubernetes-validate 1.37.0 knows.
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")

Doc = dict[str, Any]
SchemaKey = tuple[str, str]  # (apiVersion, kind)


def build(overlay: Path, kustomize: str) -> list[Doc]:
    done = subprocess.run(
        [kustomize, "build", str(overlay)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"kustomize build {overlay.name} failed:\n{done.stderr}")
    docs = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    for doc in docs:
        if not {"apiVersion", "kind", "metadata"} <= doc.keys():
            raise SystemExit(f"{overlay.name}: an object without apiVersion/kind/metadata: {doc}")
    return docs


def crd_schemas(crd_dir: Path) -> dict[SchemaKey, Doc]:
    """Every served version of every CRD file under crd_dir, keyed by apiVersion and kind."""
    schemas: dict[SchemaKey, Doc] = {}
    for path in sorted(crd_dir.rglob("*.y*ml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                if version.get("served", True):
                    key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                    schemas[key] = strict(version["schema"]["openAPIV3Schema"])
    return schemas


def strict(schema: Doc) -> Doc:
    """The schema with `additionalProperties: false` wherever an object lists its properties
    and does not say it keeps unknown fields."""
    schema = copy.deepcopy(schema)
    # fabric8's generated schemas (Strimzi's) leave out what every object has.
    for name, kind in (("apiVersion", "string"), ("kind", "string"), ("metadata", "object")):
        schema.setdefault("properties", {}).setdefault(name, {"type": kind})
    for node in _objects(schema):
        keeps = node.get("x-kubernetes-preserve-unknown-fields") is True
        if "properties" in node and "additionalProperties" not in node and not keeps:
            node["additionalProperties"] = False
    return schema


def _objects(node: Any) -> Iterator[Doc]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def check_custom(docs: list[Doc], schemas: dict[SchemaKey, Doc]) -> list[str]:
    problems = []
    for doc in docs:
        key = (doc["apiVersion"], doc["kind"])
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        if key not in schemas:
            problems.append(f"{where}: no schema for {key[0]} {key[1]}")
            continue
        validator = jsonschema.Draft7Validator(schemas[key])
        for error in validator.iter_errors(doc):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"{where}: {path}: {error.message}")
    return problems


def queries(docs: list[Doc]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) of every alert rule and every Grafana dashboard panel."""
    for doc in docs:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] == "PrometheusRule":
            for group in doc["spec"]["groups"]:
                for rule in group["rules"]:
                    yield f"{name} {rule.get('alert') or rule.get('record')}", rule["expr"]
        labels = doc["metadata"].get("labels") or {}
        if doc["kind"] == "ConfigMap" and "grafana_dashboard" in labels:
            for key, text in doc["data"].items():
                for panel in json.loads(text)["panels"]:
                    for target in panel.get("targets", []):
                        yield f"{name} {key}: {panel['title']}", target["expr"]


def check_promql(docs: list[Doc]) -> list[str]:
    problems, count = [], 0
    for where, expr in queries(docs):
        count += 1
        try:
            promql_parser.parse(expr)
        except ValueError as error:
            problems.append(f"{where}: {error}")
    print(f"PromQL: {count} queries parsed, {len(problems)} problems")
    return problems


def run(argv: list[str]) -> int:
    """Run a validator, echo what it printed, return its exit code."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return report(argv, done.returncode, done.stdout + done.stderr)


def report(argv: list[str], returncode: int, output: str) -> int:
    shown = " ".join(Path(a).name if a.startswith("/") else a for a in argv)
    print(f"$ {shown}  → rc={returncode}")
    if output.strip():
        print(output.strip())
    return returncode


def build_all(overlays: list[Path], kustomize: str) -> dict[Path, list[Doc]]:
    OUT.mkdir(parents=True, exist_ok=True)
    built = {}
    for overlay in overlays:
        docs = build(overlay, kustomize)
        path = OUT / f"{overlay.name}.yaml"
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        core = [d for d in docs if d["apiVersion"] in CORE_GROUPS]
        (OUT / f"{overlay.name}-core.yaml").write_text(yaml.safe_dump_all(core, sort_keys=False))
        print(f"kustomize build {overlay.name}: {len(docs)} objects, {len(core)} of core kinds")
        built[path] = docs
    return built


def check(overlays: list[Path], args: argparse.Namespace, schemas: dict[SchemaKey, Doc]) -> bool:
    """Each validator runs once over every overlay (checkov alone takes ~15 s to start)."""
    built = build_all(overlays, args.kustomize)
    config = str(ROOT / "deploy/k8s/checkov.yaml")
    checkov = [args.checkov, "--framework", "kubernetes", "--skip-download", "--quiet",
               "--compact", "--config-file", config, "-f", *map(str, built)]  # fmt: skip
    # checkov runs beside the others (it spends most of its time importing itself).
    checkov_run = subprocess.Popen(checkov, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    core_files = [str(path.with_name(f"{path.stem}-core.yaml")) for path in built]
    ok = True
    for version in KUBERNETES_VERSIONS:
        validate = [args.kubernetes_validate, "--strict", "--quiet", "-k", version]
        ok &= run([*validate, *core_files]) == 0
    custom = [d for docs in built.values() for d in docs if d["apiVersion"] not in CORE_GROUPS]
    problems = check_custom(custom, schemas)
    print(f"CRD schemas: {len(custom)} objects checked, {len(problems)} problems")
    for problem in problems:
        print(f"  {problem}")
    ok &= not problems
    # Alerts and dashboards are the same in every overlay: the first one's are checked.
    promql_problems = check_promql(next(iter(built.values())))
    for problem in promql_problems:
        print(f"  {problem}")
    ok &= not promql_problems
    output, _ = checkov_run.communicate()
    ok &= report(checkov, checkov_run.returncode, output.decode()) == 0
    return ok


def main() -> int:
    bin_dir = Path(sys.executable).parent
    parser = argparse.ArgumentParser(prog="k8s_check")
    parser.add_argument("--kustomize", default=str(CACHE / "bin/kustomize"))
    parser.add_argument("--kubernetes-validate", default=str(bin_dir / "kubernetes-validate"))
    parser.add_argument("--checkov", default=str(bin_dir / "checkov"))
    parser.add_argument("--crds", type=Path, default=CACHE / "crds")
    parser.add_argument("overlays", nargs="*", type=Path)
    args = parser.parse_args()
    schemas = crd_schemas(args.crds)
    if not schemas:
        print(f"no CRD schemas under {args.crds}: run `make k8s-tools`", file=sys.stderr)
        return 2
    overlays = args.overlays or sorted(p for p in OVERLAYS.iterdir() if p.is_dir())
    started = time.monotonic()
    ok = check(overlays, args, schemas)
    print(f"k8s manifests: {'ok' if ok else 'FAILED'} in {time.monotonic() - started:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
