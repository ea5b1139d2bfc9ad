"""The built images, proven by running them: migrations as one-off containers, every app ready,
a signed volunteer push through the gateway container credited, and every container read-only,
non-root, without capabilities. Run by `make test-images` (after `make images`)."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx

from deploy.images.engine import APPS
from kit.db import asyncpg_dsn
from kit.migrate import head_revisions
from tests.e2e.scene import activity, fresh_phone, prepare
from tests.images.conftest import PORTS, SECRETS, SERVICES, UPLOADS, ImagePlatform, url
from tests.images.containers import Containers, podman
from tests.integration.support import unique

APP_UID = "10001"
CREDIT_WITHIN = 30.0


async def test_the_default_command_serves_on_port_8000_of_every_interface(
    containers: Containers,
):
    """As Kubernetes runs it: the image's own command and port, on a bridge network, reached
    through a published port (so not on loopback only), and its HEALTHCHECK passes. Before the
    platform starts: it borrows the gateway's port."""
    name = await containers.start(
        "gateway",
        {k: SECRETS[k] for k in ("SECRET_KEY", "INTERNAL_API_TOKEN", "PHONE_HASH_KEY")},
        network="bridge",
        extra=(f"--publish=127.0.0.1:{PORTS['gateway']}:8000",),
        name=f"{containers.prefix}-default-command",
    )
    try:
        started, alive = time.monotonic(), None
        async with httpx.AsyncClient(timeout=3) as client:
            while alive is None and time.monotonic() - started < 90:
                try:
                    alive = await client.get(f"{url('gateway')}/healthz")
                except httpx.TransportError:
                    await asyncio.sleep(0.5)
        assert alive is not None and alive.status_code == 200, await containers.logs(name)
        checked = await podman("healthcheck", "run", name)
        assert checked.rc == 0, f"HEALTHCHECK failed: {checked.out} {checked.err}"
        config = (await containers.inspect(name))["Config"]
        assert "uvicorn" in " ".join(config["Cmd"]) and config["User"] == f"{APP_UID}:{APP_UID}"
        assert config["Healthcheck"]["Test"][0] == "CMD"  # kept: the images are docker format
    finally:
        await containers.remove(name)


async def test_migrations_ran_as_one_off_containers(platform: ImagePlatform):
    for service in SERVICES:
        assert platform.migrations[service].rc == 0
        conn = await asyncpg.connect(asyncpg_dsn(platform.databases[service]))
        try:
            rows = await conn.fetch("SELECT version_num FROM alembic_version")
        finally:
            await conn.close()
        assert {r["version_num"] for r in rows} == head_revisions(service), service


async def test_every_service_and_the_gateway_is_ready(platform: ImagePlatform):
    print("\n[images] ready after (s):", {k: round(v, 1) for k, v in platform.ready_after.items()})
    async with httpx.AsyncClient(timeout=5) as client:
        for app in APPS:
            answer = await client.get(f"{url(app)}/readyz")
            assert answer.status_code == 200, f"{app}: {answer.text}"
        checks = (await client.get(f"{platform.gateway}/readyz")).json()["checks"]
    assert all(checks[s] == "ok" for s in (*SERVICES, "kafka")), checks


async def test_a_signed_volunteer_push_through_the_gateway_becomes_an_award(
    platform: ImagePlatform,
):
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        scene = await prepare(gw)
        phone = fresh_phone()
        await scene.register(phone, "王小明")
        me = await scene.login(phone)
        push = activity(phone, community_id=scene.community_id)
        accepted = await scene.push(push)
        assert accepted.status_code == 202, accepted.text
        started, available = time.monotonic(), None
        while time.monotonic() - started < CREDIT_WITHIN:
            account = await gw.get("/api/points/accounts/me", headers=me)
            available = int(account.json()["available"]) if account.status_code == 200 else None
            if available == 5:
                break
            await asyncio.sleep(0.3)
        if available != 5:
            logs = await platform.containers.logs(platform.containers.name("points"))
            raise AssertionError(
                f"available {available} after {CREDIT_WITHIN} s (last answer"
                f" {account.status_code} {account.text[:200]}); points' last lines:\n{logs}"
            )
        print(f"\n[images] push → points visible in {time.monotonic() - started:.2f} s")
        postings = (await gw.get("/api/points/accounts/me/postings", headers=me)).json()
        assert postings["items"][0]["source_type"] == "volunteer"
        assert postings["items"][0]["source_id"].startswith(push["id"])


def status_fields(text: str) -> dict[str, str]:
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


async def test_every_container_runs_read_only_non_root_without_capabilities(
    platform: ImagePlatform,
):
    containers = platform.containers
    for app in APPS:
        name = containers.name(app)
        host = (await containers.inspect(name))["HostConfig"]
        assert host["ReadonlyRootfs"] is True, app
        assert "no-new-privileges" in " ".join(host["SecurityOpt"] or []), app
        # What the kernel says about the app's process (PID 1: uvicorn, exec'd by sh).
        status = status_fields((await podman("exec", name, "cat", "/proc/1/status")).out)
        assert status["Uid"].split() == [APP_UID] * 4, (app, status["Uid"])
        assert status["Gid"].split() == [APP_UID] * 4, (app, status["Gid"])
        assert int(status["CapEff"], 16) == 0 and int(status["CapBnd"], 16) == 0, app
        assert status["NoNewPrivs"] == "1", app
        top = (await podman("top", name, "huser", "args")).out.splitlines()[1:]
        assert top and all(line.split()[0] == APP_UID for line in top), (app, top)
        # Read-only root, writable /tmp, and the uploads volume writable by the app's user.
        probe = unique("probe")
        denied = await podman("exec", name, "touch", f"/app/{probe}")
        assert denied.rc != 0 and "Read-only file system" in denied.err, (app, denied)
        # The container's own /tmp (a tmpfs podman mounts with --read-only), not the host's.
        assert (await podman("exec", name, "touch", f"/tmp/{probe}")).rc == 0, app  # noqa: S108
        if app in UPLOADS:
            assert (await podman("exec", name, "touch", f"/data/uploads/{probe}")).rc == 0, app


async def test_the_gateway_image_serves_the_front_ends_it_was_built_with(
    platform: ImagePlatform,
):
    name = platform.containers.name("gateway")
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=5) as gw:
        for path, root in (("/", "/app/web/resident"), ("/console/", "/app/web/console")):
            bundled = await podman("exec", name, "cat", f"{root}/index.html")
            page = await gw.get(path)
            if bundled.rc == 0:  # built with `make web` first
                assert page.status_code == 200 and page.text == bundled.out, path
            else:  # the gateway's "not built" problem
                assert page.status_code == 404 and "尚未构建" in page.json()["detail"], path
