"""PostgreSQL processes left on a data directory by a launcher that was killed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from deploy.supervisor import report

POSTGRES = "postgres"


def stop_stale_postmaster(data_dir: Path) -> None:
    """Stop a server still running on `data_dir` whose launcher is gone.

    Only called while holding the data directory's lock, so such a server
    cannot belong to a live launcher.
    """
    pid = _postmaster_pid(data_dir)
    if pid is None or not _is_postmaster_of(pid, data_dir):
        return
    report("postgres", f"stopping a stale server (pid {pid}) left on {data_dir}")
    # Fast shutdown first: it checkpoints, so the next start needs no recovery.
    os.kill(pid, signal.SIGINT)
    if _wait_gone(pid, 30.0):
        return
    os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)
    wait_backends_gone(data_dir, 10.0)


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        first = (data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
        return int(first)
    except (OSError, ValueError):
        return None


def _is_postmaster_of(pid: int, data_dir: Path) -> bool:
    # The pid in a stale postmaster.pid may since have been reused by an
    # unrelated process; only a postgres started on this PGDATA counts.
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return Path(argv[0].decode()).name == POSTGRES and str(data_dir).encode() in argv


def wait_backends_gone(data_dir: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _backends_of(data_dir):
        time.sleep(0.1)


def _backends_of(data_dir: Path) -> list[int]:
    """The postmaster's and backends' pids of the server on `data_dir`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            exe = (entry / "exe").resolve()
            cwd = (entry / "cwd").resolve()
        except OSError:
            continue
        # Backends rename themselves ("postgres: checkpointer") but keep the
        # executable, and every one of them runs in its data directory.
        if exe.name == POSTGRES and cwd == data_dir:
            found.append(int(entry.name))
    return found


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.1)
    return False
