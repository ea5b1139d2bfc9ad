"""How the launcher runs the platform's own processes: migrations, services, gateway, seed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from deploy.replicas import replica_name
from deploy.settings import REPO_ROOT, SERVICES, DeploySettings
from deploy.supervisor import Child, ChildSpec

READY_TIMEOUT = 180.0
GATEWAY = "gateway"
# Only identity (which creates the first administrator) and the seed (which logs in as
# them) get these; no other process needs the password.
_ADMIN_VARIABLES = ("FIRST_ADMIN_PHONE", "FIRST_ADMIN_PASSWORD")


class ChildExited(RuntimeError):
    """A process the stack needs exited."""


def database_name(service: str) -> str:
    return f"shanzhi_{service}"


def database_url(server_url: str, database: str) -> str:
    """The server's URL pointing at another database, always with the asyncpg driver."""
    url = make_url(server_url).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


def storage_dir(settings: DeploySettings, service: str) -> Path:
    return settings.data_dir.resolve() / service / "uploads"


def _base_env(settings: DeploySettings, bootstrap: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ADMIN_VARIABLES}
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        ENVIRONMENT="development",
        SERVICE_URLS=json.dumps(settings.service_urls()),
        # Every process verifies tokens against identity's keys, wherever identity listens
        # (its first replica: every replica serves the same keys from identity's database).
        JWKS_URL=f"{settings.urls_of('identity')[0]}/api/identity/.well-known/jwks.json",
        # Without this Python buffers a piped stdout and log lines arrive late.
        PYTHONUNBUFFERED="1",
    )
    return env


def _admin_env(settings: DeploySettings) -> dict[str, str]:
    """The first administrator's variables, when both are set (or defaulted by the profile)."""
    if not (settings.first_admin_phone and settings.first_admin_password):
        return {}
    return {
        "FIRST_ADMIN_PHONE": settings.first_admin_phone,
        "FIRST_ADMIN_PASSWORD": settings.first_admin_password,
    }


def service_env(
    settings: DeploySettings, name: str, server_url: str, bootstrap: str
) -> dict[str, str]:
    env = _base_env(settings, bootstrap)
    env.update(SERVICE_NAME=name, DATABASE_URL=database_url(server_url, database_name(name)))
    # Uploads beside the profile's other data (.data/test/... for the test stack).
    env["STORAGE_DIR"] = str(storage_dir(settings, name))
    if name == "identity":
        env.update(_admin_env(settings))
    return env


def gateway_env(settings: DeploySettings, bootstrap: str) -> dict[str, str]:
    env = _base_env(settings, bootstrap)
    env["SERVICE_NAME"] = GATEWAY
    # The gateway owns no database; an inherited server URL would only mislead.
    env.pop("DATABASE_URL", None)
    # On one machine every client (the seed, the simulator, a developer's browser) is
    # 127.0.0.1, so the per-IP limits meant for the internet would throttle the demo itself.
    env.setdefault("RATE_LIMIT_LOGIN", "600/minute")
    env.setdefault("RATE_LIMIT_ANONYMOUS", "6000/minute")
    return env


def migrate_spec(settings: DeploySettings, name: str, server_url: str, bootstrap: str) -> ChildSpec:
    return ChildSpec(
        name=name,
        argv=[sys.executable, "-m", "kit.migrate", name],
        env=service_env(settings, name, server_url, bootstrap),
        cwd=REPO_ROOT,
        stop_timeout=10.0,
    )


def app_spec(
    settings: DeploySettings, name: str, server_url: str, bootstrap: str, index: int = 0
) -> ChildSpec:
    """uvicorn serving replica `index` of a service (or, for name "gateway", of the gateway).

    Replicas differ only in their port: the same database, the same consumer group (so they
    share its partitions) and the same outbox (whose relay elects one publisher).
    """
    module = "gateway.app" if name == GATEWAY else f"services.{name}.app"
    env = (
        gateway_env(settings, bootstrap)
        if name == GATEWAY
        else service_env(settings, name, server_url, bootstrap)
    )
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        f"{module}:create_app",
        "--factory",
        "--no-server-header",
        # A small answer's head and body in one write (kit/http_server.py).
        "--http",
        "kit.http_server:OneWriteHttpTools",
        # Open event streams (the inbox) never end by themselves: cut them after 5 s so the
        # lifespan still stops the relay and consumer cleanly before stop_timeout kills us.
        "--timeout-graceful-shutdown",
        "5",
    ]
    argv += ["--host", "127.0.0.1", "--port", str(settings.ports_of(name)[index])]
    return ChildSpec(
        name=replica_name(name, index, settings.replica_count(name)),
        argv=argv,
        env=env,
        cwd=REPO_ROOT,
        stop_signal=signal.SIGTERM,
        death_signal=signal.SIGKILL,
        stop_timeout=10.0,
    )


def seed_spec(settings: DeploySettings, marker: Path) -> ChildSpec:
    """The demo seed, which logs in as the first administrator to load its data."""
    env = {k: v for k, v in os.environ.items() if k not in _ADMIN_VARIABLES}
    env.update(_admin_env(settings), PYTHONUNBUFFERED="1")
    env["GATEWAY_URL"] = f"http://127.0.0.1:{settings.gateway_port}"
    return ChildSpec(
        name="seed",
        argv=[sys.executable, "-m", "deploy.seed", "--marker", str(marker)],
        env=env,
        cwd=REPO_ROOT,
        stop_timeout=5.0,
    )


async def wait_ready(name: str, url: str, child: Child) -> float:
    """Poll `url` until it answers 200; returns the seconds it took. Raises if the child exits."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            if child.returncode is not None:
                raise ChildExited(f"{name} exited with {child.returncode} before it was ready")
            try:
                if (await client.get(url)).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if time.monotonic() - started > READY_TIMEOUT:
                raise TimeoutError(f"{name} not ready at {url} after {READY_TIMEOUT:.0f} s")
            await asyncio.sleep(0.5)


def app_names() -> list[str]:
    """Services first, so the gateway finds them when it starts."""
    return [*SERVICES, GATEWAY]


def replica_urls(settings: DeploySettings, name: str) -> dict[str, str]:
    """Each replica's name in the launcher's output → its base URL."""
    count = settings.replica_count(name)
    urls = settings.urls_of(name)
    return {replica_name(name, k, count): url for k, url in enumerate(urls)}


def app_specs(settings: DeploySettings, server_url: str, bootstrap: str) -> list[ChildSpec]:
    """Every replica of every service, then the gateway's."""
    return [
        app_spec(settings, name, server_url, bootstrap, index)
        for name in app_names()
        for index in range(settings.replica_count(name))
    ]
