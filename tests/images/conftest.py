"""The platform made of the built images (`make images`), on the test stack's PostgreSQL and Kafka.

Not part of `make test`: the Makefile's test line passes --ignore=tests/images (building the
images and starting six containers takes minutes); `make test-images` runs it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from deploy.images.engine import APPS, image_exists, image_name
from deploy.topics import PLATFORM_TOPICS, create_topics
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE, SHARED_SECRETS
from tests.images.containers import Containers, Result, prefix
from tests.integration import support

SERVICES = APPS[:-1]
# This session's ports (issue 16 brief: 127.0.0.1:28100-28105), one per app on the host network.
PORT_BASE = int(os.environ.get("IMAGES_TEST_PORT_BASE", "28100"))
PORTS = {app: PORT_BASE + i for i, app in enumerate(APPS)}
UPLOADS = ("points", "petitions", "notices", "mall")  # the services that keep uploaded files
# The images default to ENVIRONMENT=production, where no secret may keep its default.
SECRETS = {
    **SHARED_SECRETS,
    "SECRET_KEY": "images-test-secret-key",
    "WECHAT_SECRET": "images-test-wechat",
    "PICKUP_QR_KEY": "images-test-qr-key",
}
READY_WITHIN = 180.0  # seconds: cold Python start of six containers on two shared cores


def url(app: str) -> str:
    return f"http://127.0.0.1:{PORTS[app]}"


def app_env(app: str, databases: dict[str, str]) -> dict[str, str]:
    env = {
        **SECRETS,
        "UVICORN_HOST": "127.0.0.1",
        "UVICORN_PORT": str(PORTS[app]),
        "KAFKA_BOOTSTRAP_SERVERS": support.bootstrap(),
        "JWKS_URL": f"{url('identity')}/api/identity/.well-known/jwks.json",
        "OUTBOX_POLL_SECONDS": "1",
        "LOG_JSON": "true",
    }
    if app == "gateway":
        env["SERVICE_URLS"] = json.dumps({s: [url(s)] for s in SERVICES})
    else:
        env["DATABASE_URL"] = databases[app]
    if app == "identity":
        env.update(FIRST_ADMIN_PHONE=ADMIN_PHONE, FIRST_ADMIN_PASSWORD=ADMIN_PASSWORD)
    return env


@dataclass
class ImagePlatform:
    containers: Containers
    databases: dict[str, str]
    migrations: dict[str, Result] = field(default_factory=dict)
    ready_after: dict[str, float] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return url("gateway")


async def wait_ready(containers: Containers, app: str, within: float = READY_WITHIN) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=3) as client:
        while time.monotonic() - started < within:
            try:
                if (await client.get(f"{url(app)}/readyz")).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    logs = await containers.logs(containers.name(app))
    raise AssertionError(f"{app} not ready within {within} s; its last lines:\n{logs}")


def require_images(tag: str) -> None:
    missing = [image_name(app, tag) for app in APPS if not image_exists(image_name(app, tag))]
    assert not missing, f"{missing} not built: run `make images` first (make test-images does)"


def uploads_volume(app: str, tmp: Path) -> tuple[str, ...]:
    if app not in UPLOADS:
        return ()
    folder = tmp / f"{app}-uploads"
    folder.mkdir()
    os.chown(folder, 10001, 10001)  # the images' user owns its volume
    return (f"--volume={folder}:/data/uploads",)


@pytest.fixture(scope="module")
async def containers() -> AsyncIterator[Containers]:
    running = Containers(prefix())
    require_images(running.tag)
    try:
        yield running
    finally:
        await running.remove_all()


@pytest.fixture(scope="module")
async def platform(
    containers: Containers, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ImagePlatform]:
    """Migrations as one-off containers, then the five services, then the gateway."""
    tmp = tmp_path_factory.mktemp("images")
    databases = {s: await support.create_database(support.unique(f"images_{s}")) for s in SERVICES}
    running = ImagePlatform(containers, databases)
    try:
        await create_topics(support.bootstrap(), list(PLATFORM_TOPICS), 6)
        migrate = ("python", "-m", "kit.migrate")
        results = await asyncio.gather(
            *(
                containers.one_off(s, [*migrate, s], {"DATABASE_URL": databases[s]})
                for s in SERVICES
            )
        )
        running.migrations = dict(zip(SERVICES, results, strict=True))
        failed = {s: r.err[-1500:] for s, r in running.migrations.items() if r.rc != 0}
        assert not failed, f"migrations failed: {failed}"
        for app in SERVICES:
            await containers.start(app, app_env(app, databases), extra=uploads_volume(app, tmp))
        took = await asyncio.gather(*(wait_ready(containers, s) for s in SERVICES))
        running.ready_after = dict(zip(SERVICES, took, strict=True))
        await containers.start("gateway", app_env("gateway", databases))
        running.ready_after["gateway"] = await wait_ready(containers, "gateway")
        yield running
    finally:
        await containers.remove_all()
        for database in databases.values():
            await support.drop_database(database.rsplit("/", 1)[1])
