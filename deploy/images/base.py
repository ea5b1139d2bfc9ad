"""The Debian base image, made here with mmdebstrap because no registry is reachable.

`python -m deploy.images.base` builds `localhost/shanzhi/base:bookworm` from this machine's
own apt sources (Debian 12 with its python3 3.11) and imports it with buildah. The image carries
a label with a digest of what made it (packages, options, sources); a second run with the same
digest does nothing. Elsewhere the Containerfile takes a public base (BASE=python:3.11-slim).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy.images.engine import BASE_IMAGE, HOME, environment, run

SUITE = "bookworm"
PACKAGES = ("python3", "python3-venv", "ca-certificates", "tzdata")
# Documentation, manual pages and translations are dead weight in a server image.
DPKG_OPTIONS = (
    "path-exclude=/usr/share/man/*",
    "path-exclude=/usr/share/info/*",
    "path-exclude=/usr/share/doc/*",
    "path-include=/usr/share/doc/*/copyright",
    "path-exclude=/usr/share/locale/*",
)
# /usr merged by mmdebstrap's own hook: else bookworm installs the usrmerge package, which
# brings perl (about 50 MB the apps never use).
HOOKS = ("/usr/share/mmdebstrap/hooks/merged-usr",)
LABEL = "org.shanzhi.base.digest"
SOURCES = Path("/etc/apt/sources.list.d/debian.sources")


def digest() -> str:
    text = SOURCES.read_text() if SOURCES.exists() else "deb.debian.org"
    made_of = json.dumps([SUITE, PACKAGES, DPKG_OPTIONS, HOOKS, text])
    return hashlib.sha256(made_of.encode()).hexdigest()[:16]


def current_digest() -> str | None:
    out = subprocess.run(
        ["podman", "image", "inspect", "--format", "{{json .Labels}}", BASE_IMAGE],
        env=environment(),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        return None
    labels = json.loads(out.stdout or "null") or {}
    return str(labels.get(LABEL)) if LABEL in labels else None


def mirror_arguments() -> list[str]:
    """This machine's Debian mirrors (its deb822 file), else the public mirror."""
    if SOURCES.exists():
        return [str(SOURCES)]
    return [f"deb http://deb.debian.org/debian {SUITE} main"]


def build(force: bool = False) -> None:
    wanted = digest()
    if not force and current_digest() == wanted:
        print(f"base image {BASE_IMAGE} is current ({wanted}); not rebuilt")
        return
    if shutil.which("mmdebstrap") is None:
        sys.exit("mmdebstrap is missing: apt-get install mmdebstrap (make images does)")
    HOME.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=HOME) as work:
        rootfs = Path(work) / "rootfs.tar"
        argv = [
            "mmdebstrap",
            "--quiet",
            "--variant=minbase",
            f"--include={','.join(PACKAGES)}",
            *(f"--dpkgopt={option}" for option in DPKG_OPTIONS),
            *(f"--hook-dir={hook}" for hook in HOOKS),
            SUITE,
            str(rootfs),
            *mirror_arguments(),
        ]
        made_by = subprocess.run(argv, capture_output=True, text=True)  # chatty hooks
        if made_by.returncode != 0:
            sys.exit(f"mmdebstrap failed ({made_by.returncode}):\n{made_by.stderr[-3000:]}")
        made = time.monotonic()
        container = run(["buildah", "from", "scratch"], capture=True).strip()
        try:
            run(["buildah", "add", "--quiet", container, str(rootfs), "/"])
            run(
                [
                    "buildah",
                    "config",
                    "--env",
                    "LANG=C.UTF-8",
                    "--env",
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "--cmd",
                    "python3",
                    "--label",
                    f"{LABEL}={wanted}",
                    container,
                ]
            )
            run(["buildah", "commit", "--quiet", "--rm", container, BASE_IMAGE], capture=True)
        except SystemExit:
            run(["buildah", "rm", container], check=False)
            raise
    done = time.monotonic()
    print(
        f"base image {BASE_IMAGE} built: mmdebstrap {made - started:.0f} s, "
        f"import {done - made:.0f} s"
    )


if __name__ == "__main__":
    build(force="--force" in sys.argv[1:])
