"""A launcher whose parent (`uv run`, `make`) is SIGKILLed takes its whole stack down with it,
and the next start on the same data is not refused."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import psutil  # type: ignore[import-untyped,unused-ignore]
import pytest

from tests.integration import support

ROOT = Path(__file__).resolve().parents[2]
# Stands in for `uv run`: a parent that starts the launcher and waits for it.
WRAPPER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
STARTED_WITHIN = 60.0
GONE_WITHIN = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    # The launcher starts its own PostgreSQL (the part that outlived it before) and
    # borrows the test stack's broker, which keeps this test short.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PROFILE="test", DATA_DIR=str(data_dir), PG_PORT=str(_free_port()))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _sleeper_below(root: psutil.Process) -> bool:
    return any(p.name() == "sleep" for p in root.children(recursive=True))


async def _launch(env: dict[str, str], log: Path, *command: str) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRAPPER, sys.executable, "-m", "deploy", "run", "--", *command,
            cwd=ROOT, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(STARTED_WITHIN + GONE_WITHIN + STARTED_WITHIN + 30)
async def test_sigkill_of_the_launchers_parent_leaves_nothing_running(tmp_path: Path) -> None:
    support.bootstrap()  # the test stack's broker, borrowed: fails loudly outside `make test`
    env, log = _env(tmp_path / "data"), tmp_path / "launcher.log"
    wrapper = await _launch(env, log, "sleep", "300")
    below: list[psutil.Process] = []
    try:
        started = time.monotonic()
        while not _sleeper_below(psutil.Process(wrapper.pid)):
            assert wrapper.returncode is None, log.read_text(errors="replace")
            assert time.monotonic() - started < STARTED_WITHIN, log.read_text(errors="replace")
            await asyncio.sleep(0.2)
        below = psutil.Process(wrapper.pid).children(recursive=True)
        names = {p.name() for p in below}
        assert "postgres" in names and "sleep" in names, names

        wrapper.send_signal(signal.SIGKILL)
        await wrapper.wait()
        _, alive = await asyncio.to_thread(psutil.wait_procs, below, GONE_WITHIN)
        assert not alive, f"left running: {[(p.pid, p.name()) for p in alive]}"

        again = await _launch(env, log, "true")
        code = await asyncio.wait_for(again.wait(), STARTED_WITHIN)
        assert code == 0, log.read_text(errors="replace")
    finally:
        if wrapper.returncode is None:
            # Only on failure: the launcher shares the wrapper's process group.
            os.killpg(wrapper.pid, signal.SIGKILL)
            await wrapper.wait()
        for process in below:
            if process.is_running():
                process.kill()
