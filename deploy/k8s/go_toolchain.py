"""Fetch Go's toolchain from the module proxy (golang.org/toolchain) into a directory.

Used by tools.sh on a machine without Go, to build kustomize. The zip is the module Go's own
toolchain switching downloads; its checksum is checked against the Go checksum database's
entry for that module version, as `go` would.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import platform
import shutil
import stat
import sys
import urllib.request
import zipfile
from pathlib import Path

PROXY = os.environ.get("GOPROXY", "https://proxy.golang.org").split(",")[0]
SUMDB = f"{PROXY}/sumdb/sum.golang.org"  # the proxy serves the checksum database too
ARCH = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as answer:  # noqa: S310 (https, fixed hosts)
        data: bytes = answer.read()
        return data


def _dirhash(archive: zipfile.ZipFile) -> str:
    """Go's "h1:" hash of a module zip (golang.org/x/mod/sumdb/dirhash.Hash1)."""
    lines = []
    for name in sorted(archive.namelist()):
        digest = hashlib.sha256(archive.read(name)).hexdigest()
        lines.append(f"{digest}  {name}\n")
    summary = hashlib.sha256("".join(lines).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


def main(version: str, target: Path) -> None:
    arch = ARCH.get(platform.machine())
    if arch is None or sys.platform != "linux":
        sys.exit(f"no Go toolchain for {sys.platform}/{platform.machine()}: install Go")
    module = f"v0.0.1-{version}.linux-{arch}"
    archive = zipfile.ZipFile(io.BytesIO(_get(f"{PROXY}/golang.org/toolchain/@v/{module}.zip")))
    lookup = _get(f"{SUMDB}/lookup/golang.org/toolchain@{module}").decode()
    expected = f"golang.org/toolchain {module} {_dirhash(archive)}"
    if expected not in lookup:
        sys.exit(f"the Go toolchain {module} does not match the checksum database; refused")
    prefix = f"golang.org/toolchain@{module}/"
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for info in archive.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        path = staging / info.filename[len(prefix) :]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(archive.read(info))
        if (info.external_attr >> 16) & stat.S_IXUSR or "/bin/" in f"/{path.parent.name}/":
            path.chmod(0o755)
    for tool in (staging / "pkg/tool").glob("*/*"):
        tool.chmod(0o755)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
