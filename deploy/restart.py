"""Restarting a crashed service or gateway on its own, with backoff, as Kubernetes would."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from deploy.supervisor import Child, ChildSpec, report, spawn


@dataclass
class Backoff:
    """0.5 s doubling to 30 s between consecutive restarts; a spell of running resets it."""

    first: float = 0.5
    ceiling: float = 30.0
    steady_after: float = 60.0
    restarts: int = 0

    def next_delay(self, uptime: float) -> float:
        """The wait before the next start, after a run that lasted `uptime` seconds."""
        if uptime >= self.steady_after:
            self.restarts = 0
        self.restarts += 1
        return float(min(self.first * 2 ** (self.restarts - 1), self.ceiling))


class KeptRunning:
    """One child, started again whenever it exits without being asked to."""

    def __init__(self, child: Child, backoff: Backoff | None = None) -> None:
        self.child = child
        self.backoff = backoff or Backoff()
        self._started = time.monotonic()
        self._stopping = False
        self._task = asyncio.create_task(self._keep())

    @property
    def name(self) -> str:
        return self.child.name

    @property
    def spec(self) -> ChildSpec:
        return self.child.spec

    async def _keep(self) -> None:
        while True:
            code = await self.child.wait()
            if self._stopping or self.child.stopping:
                return
            delay = self.backoff.next_delay(time.monotonic() - self._started)
            restart = f"restart {self.backoff.restarts}"
            report(self.name, f"exited with {code}; restarting in {delay:.1f} s ({restart})")
            await asyncio.sleep(delay)
            await self._respawn()

    async def _respawn(self) -> None:
        try:
            self.child = await spawn(self.spec)
        except OSError as error:
            # Treated as a run that ended at once: the next try backs off further.
            report(self.name, f"could not start: {error}")
        self._started = time.monotonic()

    async def stop(self) -> int:
        """Stop restarting, then stop the child; returns its exit code."""
        self._stopping = True
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        return await self.child.stop()
