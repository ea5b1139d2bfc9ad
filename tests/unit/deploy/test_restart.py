"""A crashed service is started again on its own, with backoff; its neighbours are untouched."""

from __future__ import annotations

import asyncio
import signal
import sys

import pytest

from deploy.restart import Backoff, KeptRunning
from deploy.supervisor import ChildSpec, spawn


def test_backoff_doubles_from_half_a_second_to_thirty():
    backoff = Backoff()
    delays = [backoff.next_delay(uptime=1.0) for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_backoff_starts_over_after_a_spell_of_running():
    backoff = Backoff()
    for _ in range(4):
        backoff.next_delay(uptime=1.0)
    assert backoff.next_delay(uptime=120.0) == 0.5 and backoff.restarts == 1


def _sleeper(name: str) -> ChildSpec:
    argv = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(120)"]
    return ChildSpec(name=name, argv=argv, stop_timeout=5.0)


async def _new_pid(kept: KeptRunning, old: int, within: float) -> int:
    for _ in range(int(within / 0.05)):
        if kept.child.pid != old and kept.child.returncode is None:
            return kept.child.pid
        await asyncio.sleep(0.05)
    raise AssertionError(f"{kept.name} was not restarted within {within} s")


@pytest.mark.timeout(30)
async def test_a_killed_child_is_restarted_and_its_neighbour_left_alone(
    capsys: pytest.CaptureFixture[str],
):
    points = KeptRunning(await spawn(_sleeper("points")))
    mall = KeptRunning(await spawn(_sleeper("mall")))
    try:
        neighbour = mall.child.pid
        first = points.child.pid
        points.child.send_signal(signal.SIGKILL)
        second = await _new_pid(points, first, within=5.0)
        points.child.send_signal(signal.SIGKILL)
        await _new_pid(points, second, within=5.0)
        assert mall.child.pid == neighbour and mall.child.returncode is None
    finally:
        await points.stop()
        await mall.stop()
    out = capsys.readouterr().out
    assert "points    | exited with -9; restarting in 0.5 s (restart 1)" in out
    assert "points    | exited with -9; restarting in 1.0 s (restart 2)" in out
    assert points.child.returncode is not None and mall.child.returncode is not None


@pytest.mark.timeout(30)
async def test_a_child_stopped_on_purpose_is_not_restarted(capsys: pytest.CaptureFixture[str]):
    kept = KeptRunning(await spawn(_sleeper("gateway")))
    await kept.stop()
    await asyncio.sleep(1.0)
    assert kept.child.returncode is not None
    assert "restarting" not in capsys.readouterr().out
