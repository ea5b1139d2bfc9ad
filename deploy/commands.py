"""The launcher's commands (up, infra, run), each stopping cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import traceback
from collections.abc import Awaitable
from typing import TypeVar

from deploy.kafka import KafkaSetupError
from deploy.postgres import PostgresError
from deploy.replicas import idle_consumer_warnings
from deploy.services import ChildExited, app_names, replica_urls
from deploy.settings import SERVICES, DeploySettings
from deploy.stack import Endpoints, Stack
from deploy.supervisor import ChildSpec, exit_code, report, spawn
from deploy.topics import TopicError

T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Failures with a message that says it all; anything else also gets a traceback.
EXPECTED_ERRORS = (PostgresError, KafkaSetupError, TopicError, ChildExited, OSError)


class Stopped(Exception):
    """A stop signal arrived before the work was done."""


class StopRequest:
    """Remembers the first stop signal; the launcher then shuts down in order."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.signal: signal.Signals = signal.SIGTERM
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._request, sig)

    def _request(self, sig: signal.Signals) -> None:
        if self.event.is_set():
            report("deploy", f"{sig.name} again: still stopping, children get killed on timeout")
            return
        report("deploy", f"{sig.name}: stopping")
        self.signal = sig
        self.event.set()

    async def until(self, work: Awaitable[T]) -> T:
        """Run `work` unless a stop comes first (then cancel it and raise Stopped)."""
        task = asyncio.ensure_future(work)
        stopped = asyncio.create_task(self.event.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if task.done():
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise Stopped


async def infra(settings: DeploySettings) -> int:
    """PostgreSQL, Kafka, databases and topics, until stopped."""
    stack = Stack(settings)
    stop = StopRequest()
    return await _guarded(stack, stop, _serve_infra(stack, stop))


async def _serve_infra(stack: Stack, stop: StopRequest) -> int:
    started = time.monotonic()
    endpoints = await stop.until(stack.start_infra())
    report("deploy", f"infrastructure ready in {time.monotonic() - started:.1f} s")
    _print_infra(endpoints)
    return await _watch(stack, stop)


async def up(settings: DeploySettings) -> int:
    """Infrastructure, migrations, services, gateway and the demo seed, until stopped."""
    stack = Stack(settings)
    stop = StopRequest()
    return await _guarded(stack, stop, _serve_everything(stack, stop))


async def _serve_everything(stack: Stack, stop: StopRequest) -> int:
    started = time.monotonic()
    _report_replicas(stack.settings)
    endpoints = await stop.until(stack.start_infra())
    await stop.until(stack.migrate(endpoints))
    readiness = await stop.until(stack.start_apps(endpoints))
    report("deploy", f"ShanZhi ready in {time.monotonic() - started:.1f} s")
    _print_apps(stack.settings, readiness)
    _print_infra(endpoints)
    stack.keep_apps_running()
    await stack.start_seed_once()
    return await _watch(stack, stop)


async def run(settings: DeploySettings, argv: list[str]) -> int:
    """Infrastructure around one command; the command's exit code is the result."""
    log_dir = settings.data_dir.resolve() / "logs"
    # A fresh log per run: the previous run's is of no use and would only grow.
    for old in log_dir.glob("*.log"):
        old.unlink()
    stack = Stack(settings, log_dir=log_dir)
    stop = StopRequest()
    return await _guarded(stack, stop, _run_command(stack, stop, argv), stopped_code=None)


async def _run_command(stack: Stack, stop: StopRequest, argv: list[str]) -> int:
    endpoints = await stop.until(stack.start_infra())
    report("deploy", f"infrastructure ready; its logs are in {stack.log_dir}")
    _print_infra(endpoints)
    env = dict(os.environ, DATABASE_URL=endpoints.server_url)
    env["KAFKA_BOOTSTRAP_SERVERS"] = endpoints.bootstrap
    spec = ChildSpec(
        name=argv[0], argv=argv, env=env, passthrough=True, signal_group=True,
        death_signal=signal.SIGTERM, stop_timeout=30.0,
    )  # fmt: skip
    try:
        command = await spawn(spec)
    except FileNotFoundError:
        report("deploy", f"command not found: {argv[0]}")
        return 127
    infra_exit = asyncio.create_task(stack.watch()) if stack.essential() else None
    try:
        ended = await stop.until(command.wait())
    except Stopped:
        # Forward the very signal, as a terminal would have sent it to the command.
        ended = await command.stop_with(stop.signal)
    if infra_exit is not None:
        if infra_exit.done():
            report("deploy", f"{infra_exit.result().name} exited while the command ran")
        infra_exit.cancel()
    return exit_code(ended)


# Why the launcher gives up when infrastructure dies, and how to carry on.
_RECOVERY = {
    "postgres": "no service works without its database. Run `make up` again: PostgreSQL "
    "recovers from its write-ahead log on start; see the lines above for why it died",
    "kafka": "no event is delivered without the broker. Run `make up` again: the broker "
    "keeps its logs in .data; see the lines above for why it died",
}


async def _watch(stack: Stack, stop: StopRequest) -> int:
    crashed = await stop.until(stack.watch())
    why = _RECOVERY.get(crashed.name, "the stack cannot run without it. Run `make up` again")
    code = crashed.returncode
    report(crashed.name, f"exited unexpectedly with {code}; stopping everything: {why}")
    return 1


async def _guarded(
    stack: Stack, stop: StopRequest, work: Awaitable[int], *, stopped_code: int | None = 0
) -> int:
    """Run a command; whatever happens, stop every process the stack started.

    A stop before the work is done exits with `stopped_code`, or with the
    shell's 128 + signal when that is None (for `run`, whose caller expects
    the command's exit code and gets none).
    """
    try:
        return await work
    except Stopped:
        return stopped_code if stopped_code is not None else 128 + stop.signal
    except EXPECTED_ERRORS as error:
        report("deploy", f"failed: {error}")
        return 1
    except Exception as error:
        traceback.print_exc()
        report("deploy", f"failed: {error!r}")
        return 1
    finally:
        await stack.stop()
        report("deploy", "stopped")


def _print_apps(settings: DeploySettings, readiness: dict[str, float | None]) -> None:
    for name in app_names():
        for process, base in replica_urls(settings, name).items():
            took = readiness.get(process)
            state = f"ready in {took:.1f} s" if took is not None else "NOT READY"
            docs = f"{base}/docs" if name == "gateway" else f"{base}/api/{name}/docs"
            print(f"  {process:<10} {base}  docs {docs}  metrics {base}/metrics  ({state})")
    gateway = f"http://127.0.0.1:{settings.service_port('gateway')}"
    print(f"  {'居民端':<8} {gateway}/  (the residents' H5 app; demo logins in README.md)")
    print(f"  {'工作台':<8} {gateway}/console/  (the staff console; staff logins in README.md)")
    if settings.replica_count("gateway") > 1:
        # In Kubernetes the gateway's Service spreads clients over its pods; here nothing does.
        print("  (locally nothing balances over the gateway replicas: use any URL above)")


def _report_replicas(settings: DeploySettings) -> None:
    counts = settings.replica_counts
    scaled = [f"{name}={count}" for name, count in counts.items() if count > 1]
    if scaled:
        report("deploy", f"replicas: {' '.join(scaled)} (replica k on its base port + 100·k)")
    for warning in idle_consumer_warnings(counts, SERVICES, settings.kafka_partitions):
        report("deploy", warning)


def _print_infra(endpoints: Endpoints) -> None:
    print(f"  {'postgres':<10} {endpoints.server_url}")
    print(f"  {'kafka':<10} {endpoints.bootstrap}", flush=True)
