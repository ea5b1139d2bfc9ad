"""buildah and podman with a private store and the settings this kind of machine needs.

Everything lives under .data/images (`make clean` removes it; images are rebuilt from the
repository). The three settings are the ones ../OPS-FACTS found by trying: root without
CAP_SYS_RESOURCE cannot raise the default ulimits, and crun refuses hybrid cgroups.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / ".data" / "images"
APPS = ("identity", "points", "petitions", "notices", "mall", "gateway")
REPOSITORY = "shanzhi"
BASE_IMAGE = "localhost/shanzhi/base:bookworm"

CONTAINERS_CONF = """\
[containers]
# Root here lacks CAP_SYS_RESOURCE: podman's default (higher) limits fail with
# `setrlimit RLIMIT_NOFILE: Operation not permitted`.
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
# The host has hybrid cgroups, which crun refuses; runc takes them, driven by cgroupfs
# (there is no systemd).
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""

STORAGE_CONF = """\
[storage]
driver = "overlay"
graphroot = "{home}/storage"
runroot = "{home}/run"
"""


def image_name(app: str, tag: str) -> str:
    return f"{REPOSITORY}/{app}:{tag}"


def git_tag() -> str:
    """The tag images get besides `latest`: the short sha of HEAD."""
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "dev"


def environment() -> dict[str, str]:
    """The process environment with the private configuration files, written if missing."""
    HOME.mkdir(parents=True, exist_ok=True)
    conf, storage = HOME / "containers.conf", HOME / "storage.conf"
    conf.write_text(CONTAINERS_CONF)
    storage.write_text(STORAGE_CONF.format(home=HOME))
    return {
        **os.environ,
        "CONTAINERS_CONF": str(conf),
        "CONTAINERS_STORAGE_CONF": str(storage),
    }


def cgroup_parent() -> str | None:
    """This session's memory cgroup, so containers stay inside it (cgroup v1 hierarchy)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(",") and path not in ("", "/"):
            return path
    return None


def run(argv: list[str], *, check: bool = True, capture: bool = False) -> str:
    """Run a buildah/podman/skopeo command with the private configuration."""
    result = subprocess.run(
        argv, env=environment(), cwd=ROOT, text=True, capture_output=capture, check=False
    )
    if check and result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        sys.exit(f"{' '.join(argv[:3])} … failed ({result.returncode}) {detail}")
    return result.stdout if capture else ""


def image_exists(name: str) -> bool:
    probe = subprocess.run(
        ["podman", "image", "exists", name], env=environment(), capture_output=True
    )
    return probe.returncode == 0
