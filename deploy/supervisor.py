"""Child processes: spawn with a parent-death signal, prefix their output, stop them."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1
# Resolved in the parent: looking the symbol up after fork() would run the
# dynamic loader in the child, which is not safe while other threads exist.
_prctl = ctypes.CDLL(None, use_errno=True).prctl
_prctl.argtypes = [ctypes.c_int, ctypes.c_ulong]
_prctl.restype = ctypes.c_int

NAME_WIDTH = 9


def _die_with_parent(sig: signal.Signals, parent_pid: int) -> Callable[[], None]:
    """A preexec function so the child gets `sig` when the launcher dies, even by SIGKILL.

    It runs after subprocess has switched uid (for PostgreSQL); a uid change clears
    the parent-death signal, so setting it here, afterwards, is what makes it stick.
    """

    def preexec() -> None:
        _prctl(_PR_SET_PDEATHSIG, int(sig))
        # The launcher may have died between fork() and prctl(): then nobody
        # would ever send the signal, so send it now.
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), sig)

    return preexec


def follow_parent(sig: signal.Signals = signal.SIGTERM) -> None:
    """Have the launcher itself get `sig` when whatever started it dies.

    `make up` runs the launcher under `uv run`, which forwards SIGINT and SIGTERM
    but cannot forward SIGKILL: killed outright, it would leave the launcher and
    the whole stack running with nobody in charge, holding the data directory.
    SIGTERM is the launcher's ordinary orderly stop.
    """
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, int(sig))
    if os.getppid() != parent:
        os.kill(os.getpid(), sig)


@dataclass(frozen=True)
class ChildSpec:
    """How to run one child process."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    user: str | None = None
    stop_signal: signal.Signals = signal.SIGTERM
    death_signal: signal.Signals = signal.SIGKILL
    stop_timeout: float = 15.0
    log_file: Path | None = None
    # Children whose output is the point (the command of `deploy run`) write
    # straight to our stdout/stderr, unprefixed, so they look as if run alone.
    passthrough: bool = False
    # Signal the child's whole process group, as a terminal's Ctrl-C would:
    # a command like `uv run pytest` is a tree of processes.
    signal_group: bool = False


@dataclass
class Child:
    """A running child process whose output is copied line by line."""

    spec: ChildSpec
    process: asyncio.subprocess.Process
    _pump: asyncio.Task[None] | None = None
    _tail: deque[str] = field(default_factory=lambda: deque(maxlen=40))
    stopping: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def tail(self) -> list[str]:
        """The last lines the child wrote, for reporting why it failed."""
        return list(self._tail)

    async def wait(self) -> int:
        code = await self.process.wait()
        if self._pump is not None:
            # Drain what the child wrote just before exiting; shielded so a
            # waiter that gives up does not stop the copying for the others.
            await asyncio.shield(self._pump)
        return code

    def send_signal(self, sig: signal.Signals) -> None:
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            if self.spec.signal_group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)

    async def stop(self) -> int:
        """Signal, wait up to the spec's timeout, then SIGKILL; returns the exit code."""
        return await self.stop_with(self.spec.stop_signal)

    async def stop_with(self, sig: signal.Signals) -> int:
        self.stopping = True
        if self.process.returncode is None:
            self.send_signal(sig)
            try:
                await asyncio.wait_for(self.process.wait(), self.spec.stop_timeout)
            except TimeoutError:
                report(self.name, f"did not stop in {self.spec.stop_timeout:.0f} s; killing it")
                self.send_signal(signal.SIGKILL)
        return await self.wait()


def report(name: str, message: str) -> None:
    """Print one launcher line in the same prefixed format as the children's output."""
    print(f"{name:<{NAME_WIDTH}} | {message}", flush=True)


async def spawn(spec: ChildSpec) -> Child:
    """Start a child in its own session so a terminal's Ctrl-C reaches only the launcher.

    The launcher then stops children in order instead of all at once.
    """
    output = None if spec.passthrough else asyncio.subprocess.PIPE
    process = await asyncio.create_subprocess_exec(
        *spec.argv,
        env=dict(spec.env) if spec.env is not None else None,
        cwd=spec.cwd,
        user=spec.user,
        stdin=None if spec.passthrough else asyncio.subprocess.DEVNULL,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT if output is not None else None,
        start_new_session=True,
        preexec_fn=_die_with_parent(spec.death_signal, os.getpid()),
    )
    child = Child(spec=spec, process=process)
    if process.stdout is not None:
        child._pump = asyncio.create_task(_copy_lines(child, process.stdout))
    return child


async def _copy_lines(child: Child, stream: asyncio.StreamReader) -> None:
    sink: IO[str] = sys.stdout
    log: IO[str] | None = None
    if child.spec.log_file is not None:
        child.spec.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = child.spec.log_file.open("a", encoding="utf-8")
    try:
        while True:
            raw = await _read_line(stream)
            if raw is None:
                return
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            child._tail.append(line)
            if log is not None:
                log.write(line + "\n")
                log.flush()
            else:
                sink.write(f"{child.name:<{NAME_WIDTH}} | {line}\n")
                sink.flush()
    finally:
        if log is not None:
            log.close()


async def _read_line(stream: asyncio.StreamReader) -> bytes | None:
    # A child may print a line longer than the reader's limit (a Java stack
    # trace on one line); take it in chunks rather than dying on it.
    try:
        raw = await stream.readuntil(b"\n")
    except asyncio.IncompleteReadError as partial:
        raw = partial.partial
    except asyncio.LimitOverrunError as overrun:
        raw = await stream.readexactly(overrun.consumed)
    return raw or None


async def run_to_completion(spec: ChildSpec) -> int:
    """Run a one-shot child (a migration) and return its exit code; kill it if cancelled."""
    child = await spawn(spec)
    try:
        return await child.wait()
    except asyncio.CancelledError:
        await child.stop()
        raise


async def first_exit(children: list[Child]) -> Child:
    """Wait until any of the children exits and return it."""
    waits = {asyncio.create_task(child.wait()): child for child in children}
    try:
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        return waits[done.pop()]
    finally:
        for task in waits:
            task.cancel()


def exit_code(code: int) -> int:
    """Map asyncio's negative 'killed by signal' code to the shell's 128 + signal."""
    return 128 - code if code < 0 else code
