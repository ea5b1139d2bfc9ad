"""`python -m deploy up` brings the whole platform up, restarts a service that crashes, and takes
all of it down on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped,unused-ignore]
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Apart from the dev (8000, 9092, 54329) and test (18000, 19092, 54339)
# profiles, so this runs beside both, including the stack `make test` starts.
APP_PORTS = {
    "gateway": 28000,
    "identity": 28001,
    "points": 28002,
    "petitions": 28003,
    "notices": 28004,
    "mall": 28005,
}
INFRA_PORTS = {"PG_PORT": 28329, "KAFKA_PORT": 28092, "KAFKA_CONTROLLER_PORT": 28093}
# Bounds for this 2-core machine with the Kafka jars already fetched; a
# typical start takes 20-30 s, most of it Python importing in six processes.
READY_WITHIN = 180.0
STOPPED_WITHIN = 60.0
# The first restart waits 0.5 s; the rest is a fresh uvicorn importing the service.
RESTARTED_WITHIN = 60.0


def launcher_env(data_dir: Path) -> dict[str, str]:
    # `make test` exports its own PostgreSQL and Kafka; this launcher must
    # start its own, as a developer's `make up` would.
    inherited = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "PROFILE")
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update({key: str(port) for key, port in INFRA_PORTS.items()})
    env.update({f"{name.upper()}_PORT": str(port) for name, port in APP_PORTS.items()})
    env.update(DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


async def wait_until_all_ready(launcher: asyncio.subprocess.Process, log: Path) -> float:
    started = time.monotonic()
    pending = dict(APP_PORTS)
    async with httpx.AsyncClient(timeout=2.0) as client:
        while pending:
            assert launcher.returncode is None, f"launcher exited early:\n{tail(log)}"
            elapsed = time.monotonic() - started
            assert elapsed < READY_WITHIN, f"not ready in {READY_WITHIN} s: {sorted(pending)}"
            for name, port in list(pending.items()):
                try:
                    answer = await client.get(f"http://127.0.0.1:{port}/readyz")
                except httpx.TransportError:
                    continue
                if answer.status_code == 200:
                    del pending[name]
            await asyncio.sleep(0.5)
    return time.monotonic() - started


def listening(ports: set[int]) -> set[int]:
    return {
        conn.laddr.port
        for conn in psutil.net_connections(kind="tcp")
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port in ports
    }


def app_process(launcher_pid: int, module: str) -> psutil.Process:
    for child in psutil.Process(launcher_pid).children():
        if f"{module}:create_app" in child.cmdline():
            return child
    raise AssertionError(f"no {module} process under the launcher")


async def kill_points_and_see_it_restarted(launcher_pid: int, log: Path) -> float:
    """SIGKILL points; it must answer /readyz again while the gateway never stops answering."""
    points = app_process(launcher_pid, "services.points.app")
    points.kill()
    started = time.monotonic()
    gateway, back = f"http://127.0.0.1:{APP_PORTS['gateway']}", False
    jwks = f"{gateway}/api/identity/.well-known/jwks.json"
    async with httpx.AsyncClient(timeout=2.0) as client:
        while not back:
            assert time.monotonic() - started < RESTARTED_WITHIN, tail(log)
            # A neighbour, through the gateway, answers throughout.
            assert (await client.get(jwks)).status_code == 200, tail(log)
            try:
                answer = await client.get(f"http://127.0.0.1:{APP_PORTS['points']}/readyz")
                back = answer.status_code == 200
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    assert app_process(launcher_pid, "services.points.app").pid != points.pid
    assert "points    | exited with -9; restarting in 0.5 s (restart 1)" in tail(log, 2000)
    return time.monotonic() - started


def tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.mark.slow
@pytest.mark.timeout(READY_WITHIN + RESTARTED_WITHIN + STOPPED_WITHIN + 60)
async def test_up_serves_every_readyz_restarts_a_killed_service_and_sigterm_stops_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    all_ports = set(APP_PORTS.values()) | set(INFRA_PORTS.values())
    assert not listening(all_ports), "a port this test needs is taken"
    log = tmp_path / "launcher.log"
    with log.open("wb") as out:
        launcher = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "deploy", "up",
            cwd=ROOT, env=launcher_env(tmp_path / "data"),
            stdout=out, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        took = await wait_until_all_ready(launcher, log)
        with capsys.disabled():
            print(
                f"\n[e2e] all six /readyz answered 200 after {took:.1f} s (bound {READY_WITHIN} s)"
            )
        # The residents' app at the door (`make up` builds it, as `make test` does before pytest).
        async with httpx.AsyncClient(timeout=5.0) as client:
            page = await client.get(f"http://127.0.0.1:{APP_PORTS['gateway']}/")
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "川善治" in page.text and "/assets/index-" in page.text
        took = await kill_points_and_see_it_restarted(launcher.pid, log)
        with capsys.disabled():
            print(f"[e2e] points killed with SIGKILL was ready again after {took:.1f} s")
        children = psutil.Process(launcher.pid).children(recursive=True)
        # PostgreSQL (and its workers), Kafka, five services and the gateway.
        assert len(children) >= 8, [child.cmdline()[:3] for child in children]

        stopping = time.monotonic()
        launcher.send_signal(signal.SIGTERM)
        await asyncio.wait_for(launcher.wait(), STOPPED_WITHIN)
        with capsys.disabled():
            print(f"[e2e] launcher stopped {time.monotonic() - stopping:.1f} s after SIGTERM")

        assert launcher.returncode == 0, tail(log)
        _, alive = psutil.wait_procs(children, timeout=5)
        assert not alive, f"left running: {[(p.pid, p.name()) for p in alive]}"
        assert not listening(all_ports)
    finally:
        if launcher.returncode is None:
            # Only on failure. The children have sessions of their own and die
            # by their parent-death signal once the launcher is gone.
            os.killpg(launcher.pid, signal.SIGKILL)
            await launcher.wait()
