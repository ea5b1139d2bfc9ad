"""The whole platform for end-to-end tests: its own Kafka broker, fresh databases on the test
stack's PostgreSQL, every service and the gateway as real uvicorn processes the test can kill."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.kafka import KafkaBroker
from deploy.supervisor import Child, ChildSpec, spawn
from deploy.topics import PLATFORM_TOPICS, create_topics
from tests.integration import support

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("identity", "points", "petitions", "notices", "mall")
ADMIN_PHONE, ADMIN_PASSWORD = "13800000000", "Admin@2026"
SHARED_SECRETS = {
    "PHONE_HASH_KEY": "e2e-phone-key",
    "INTERNAL_API_TOKEN": "e2e-internal-token",
    "DATA_KEY": "e2e-data-key",
}


def _ephemeral_start() -> int:
    """Where the kernel's ephemeral ports begin (outgoing connections take ports from there)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free now that nothing else will take before our process binds it: below the
    ephemeral range (a port picked there was once taken by an outgoing connection between
    the pick and the bind), never handed out twice, never one of a launcher's fixed ports
    (N000-N009: 8000 for `make up`, 18000 for the test stack, shifted stacks alike)."""
    high = min(_ephemeral_start(), 32768) - 1
    while True:
        port = random.randint(20_000, high)
        if port % 1000 < 10 or port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port


@dataclass
class Platform:
    work: Path
    broker: KafkaBroker
    ports: dict[str, int] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # environment for every process

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway(self) -> str:
        return self.url("gateway")

    def env(self, name: str) -> dict[str, str]:
        # The test's own environment underneath (PATH, locale, and a libfaketime clock when the
        # suite runs with its clock moved), so every process of the platform shares one clock.
        inherited = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env = {
            **inherited,
            "ENVIRONMENT": "development",
            "PYTHONUNBUFFERED": "1",
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
            "JWKS_URL": f"{self.url('identity')}/api/identity/.well-known/jwks.json",
            "SERVICE_URLS": json.dumps({s: [self.url(s)] for s in SERVICES}),
            "OUTBOX_POLL_SECONDS": "1",
            # Every test client is 127.0.0.1: the per-IP limits would throttle the suite itself.
            "RATE_LIMIT_LOGIN": "1000/minute",
            "RATE_LIMIT_ANONYMOUS": "5000/minute",
            "RATE_LIMIT_PERSON": "5000/minute",
            **SHARED_SECRETS,
        }
        if name in self.databases:
            env["DATABASE_URL"] = self.databases[name]
        if name == "identity":
            env.update(FIRST_ADMIN_PHONE=ADMIN_PHONE, FIRST_ADMIN_PASSWORD=ADMIN_PASSWORD)
        return {**env, **self.overrides}

    async def start(self, name: str) -> None:
        module = "gateway.app" if name == "gateway" else f"services.{name}.app"
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{module}:create_app",
            "--factory",
            "--no-server-header",
            "--http",
            "kit.http_server:OneWriteHttpTools",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.ports[name]),
            # As `make up` runs them: access lines included, so the log scan sees them.
            "--log-level",
            "info",
        ]
        spec = ChildSpec(
            name=name,
            argv=argv,
            env=self.env(name),
            cwd=ROOT,
            log_file=self.work / f"{name}.log",
            stop_timeout=10,
        )
        self.children[name] = await spawn(spec)
        await self.wait_ready(name)

    async def wait_ready(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                try:
                    if (await client.get(f"{self.url(name)}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
        raise TimeoutError(f"{name} not ready in {timeout} s; see {self.work / (name + '.log')}")

    async def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no final offset commit, exactly as a crash."""
        self.children[name].send_signal(signal.SIGKILL)
        await self.children[name].wait()

    async def stop(self) -> None:
        for child in reversed(list(self.children.values())):
            await child.stop()
        await self.broker.stop()
        for database in self.databases.values():
            await support.drop_database(database.rsplit("/", 1)[1])


async def start_platform(work: Path, overrides: dict[str, str] | None = None) -> Platform:
    """A broker, five migrated databases, five services and the gateway. The broker's JVM
    starts while the databases migrate (Alembic is not thread-safe: one after another), and
    the services start side by side; the gateway last, as its readiness asks theirs."""
    broker = KafkaBroker(work / "kafka", free_port(), free_port())
    platform = Platform(work, broker, overrides=dict(overrides or {}))
    platform.ports = {name: free_port() for name in (*SERVICES, "gateway")}

    async def broker_ready() -> None:
        await broker.start()
        await create_topics(broker.bootstrap, list(PLATFORM_TOPICS), 6)

    async def databases() -> None:
        for service in SERVICES:
            name = support.unique(f"e2e_{service}")
            platform.databases[service] = await support.create_database(name)
            await support.migrate(service, platform.databases[service])

    await asyncio.gather(broker_ready(), databases())
    await asyncio.gather(*(platform.start(name) for name in SERVICES))
    await platform.start("gateway")
    return platform
