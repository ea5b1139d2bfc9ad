"""The headline flow with every process running: a signed volunteer push becomes points."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from kit.db import asyncpg_dsn
from kit.phone import phone_hash
from tests.e2e.otlp import Receiver
from tests.e2e.platform import SHARED_SECRETS, Platform, free_port
from tests.e2e.scene import Scene, activity

# A platform of its own: it SIGKILLs and restarts points, counts a whole topic, and exports
# traces to a receiver of its own (see conftest.py).
OWN_PLATFORM = True
TRACES = Receiver(free_port())
PLATFORM_ENV = {
    "OTEL_EXPORTER_OTLP_ENDPOINT": TRACES.endpoint,
    "OTEL_BSP_SCHEDULE_DELAY": "200",  # milliseconds between exports (5 s by default)
}
CREDIT_WITHIN = 20.0  # seconds from the partner's 202 to the resident seeing the points
VALID_ID = "11010519491231002X"


@pytest.fixture(scope="module", autouse=True)
async def traces() -> AsyncIterator[Receiver]:
    """Listening before the platform starts (autouse fixtures come first), until it stopped."""
    await TRACES.start()
    yield TRACES
    await TRACES.stop()


async def available(scene: Scene, headers: dict[str, str]) -> int | None:
    answer = await scene.gw.get("/api/points/accounts/me", headers=headers)
    return int(answer.json()["available"]) if answer.status_code == 200 else None


async def wait_available(
    scene: Scene, headers: dict[str, str], expected: int, within: float = CREDIT_WITHIN
) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await available(scene, headers) == expected:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise AssertionError(
        f"available is {await available(scene, headers)}, not {expected}, after {within} s"
    )


async def test_registered_verified_resident_is_credited_for_a_signed_push(scene: Scene):
    resident = await scene.register("13700000001", "王小明")
    me = await scene.login("13700000001")
    sent = await scene.gw.post(
        "/api/identity/me/verification",
        json={"real_name": "王小明", "id_number": VALID_ID},
        headers=me,
    )
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{resident}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    push = activity("13700000001", community_id=scene.community_id)
    accepted = await scene.push(push)
    assert accepted.status_code == 202, accepted.text
    took = await wait_available(scene, me, 5)
    print(f"\n[e2e] push → points visible in {took:.2f} s (bound {CREDIT_WITHIN} s)")
    postings = (await scene.gw.get("/api/points/accounts/me/postings", headers=me)).json()
    assert postings["items"][0]["source_type"] == "volunteer"
    assert postings["items"][0]["source_id"].startswith(push["id"])


@pytest.mark.parametrize(
    ("phone", "parked"),
    [("13700000008", False), ("13700000010", True)],
    ids=["registered-first", "pushed-before-registration"],
)
async def test_one_trace_runs_from_the_push_through_points_to_notices(
    scene: Scene, traces: Receiver, phone: str, parked: bool
):
    """gateway → volunteer.events → points → points.events → notices, read from the spans the
    processes exported: the trace of points' span of the push is also the trace of the
    gateway's span of the request and of notices' span of the award. A push that reaches
    points before the person's wallet exists is parked and credited at registration, still
    in the push's trace (under load that order happened by itself and broke the trace)."""
    if not parked:
        await scene.register(phone, "钱八")
    push = activity(phone, community_id=scene.community_id)
    assert (await scene.push(push)).status_code == 202
    awarded = "notices process org.shanzhi.points.awarded.v1"

    def pushed_trace() -> str | None:
        handled = [
            s.trace_id
            for s in traces.spans
            if s.service == "points" and s.attributes.get("messaging.message.id") == push["id"]
        ]
        return handled[0] if handled else None

    async def seen() -> bool:
        return pushed_trace() is not None

    if parked:
        assert await eventually(seen, within=15), "points never handled the push"
        await scene.register(phone, "周十")
    await wait_available(scene, await scene.login(phone), 5)

    async def whole() -> bool:
        trace = pushed_trace()
        return trace is not None and any(
            s.trace_id == trace and s.service == "notices" and s.name == awarded
            for s in traces.spans
        )

    found = await eventually(whole, within=15)
    trace = pushed_trace()
    in_trace = {(s.service, s.name) for s in traces.spans if s.trace_id == trace}
    assert found, f"notices' span of the award is not in the push's trace: {sorted(in_trace)}"
    assert ("gateway", "POST /webhooks/volunteer") in in_trace, sorted(in_trace)
    assert {service for service, _ in in_trace} >= {"gateway", "points", "notices"}


async def test_a_proxied_request_continues_the_callers_trace_into_the_service(
    scene: Scene, platform: Platform, traces: Receiver
):
    """A read through the gateway's proxy (its own client spans) with the caller's traceparent:
    the gateway's server and client spans and points' server span share the caller's trace."""
    await scene.register("13700000009", "孙九")
    me = await scene.login("13700000009")
    trace = uuid.uuid4().hex
    caller = {**me, "traceparent": f"00-{trace}-{uuid.uuid4().hex[:16]}-01"}
    assert (await scene.gw.get("/api/points/accounts/me", headers=caller)).status_code in (200, 404)

    async def both() -> bool:
        services = {s.service for s in traces.spans if s.trace_id == trace}
        return services >= {"gateway", "points"}

    found = await eventually(both, within=15)
    in_trace = sorted((s.service, s.name) for s in traces.spans if s.trace_id == trace)
    assert found, f"the caller's trace did not reach points through the proxy: {in_trace}"
    upstream = f"http://127.0.0.1:{platform.ports['points']}/api/points/accounts/me"
    calls = [
        s
        for s in traces.spans
        if s.trace_id == trace
        and s.service == "gateway"
        and s.attributes.get("http.url") == upstream
    ]
    assert calls, f"no gateway client span of the call to points: {in_trace}"


async def test_the_same_push_three_times_is_credited_once_and_a_bad_one_is_reported(
    scene: Scene,
):
    await scene.register("13700000002", "赵二")
    me = await scene.login("13700000002")
    push = activity("13700000002", community_id=scene.community_id)
    for _ in range(3):
        assert (await scene.push(push)).status_code == 202
    await wait_available(scene, me, 5)
    good = activity("13700000002", kind="助老服务", hours=1.5, community_id=scene.community_id)
    bad = activity("13700000002", hours=30, community_id=scene.community_id)
    answer = await scene.push([good, bad])
    assert answer.status_code == 202, answer.text
    rejected = answer.json()["rejected"]
    assert [r["index"] for r in rejected] == [1] and "hours" in json.dumps(rejected)
    await wait_available(scene, me, 5 + 3)  # 1.5 h × 2 points, rounded half up
    await asyncio.sleep(2)
    assert await available(scene, me) == 8


async def test_a_push_before_registration_is_credited_after_it(scene: Scene, platform: Platform):
    assert (
        await scene.push(activity("13700000003", community_id=scene.community_id))
    ).status_code == 202
    ph = phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], "13700000003")
    open_sql = "SELECT count(*) FROM pending_awards WHERE phone_hash = $1 AND settled_at IS NULL"

    async def parked() -> bool:
        return await points_count(platform, open_sql, ph) == 1

    assert await eventually(parked, within=20), "the push was never parked: nobody has the phone"
    await scene.register("13700000003", "孙三")
    await wait_available(scene, await scene.login("13700000003"), 5)
    assert await points_count(platform, open_sql, ph) == 0


async def volunteer_topic_size(platform: Platform) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=platform.broker.bootstrap)
    await consumer.start()
    try:
        from aiokafka import TopicPartition

        parts = [
            TopicPartition("volunteer.events", p)
            for p in consumer.partitions_for_topic("volunteer.events") or range(6)
        ]
        ends = await consumer.end_offsets(parts)
        return sum(ends.values())
    finally:
        await consumer.stop()


async def test_refused_pushes_put_nothing_on_the_bus(scene: Scene, platform: Platform):
    before = await volunteer_topic_size(platform)
    push = activity("13700000004", community_id=scene.community_id)
    body = json.dumps(push).encode()
    cases = {
        "bad signature": (scene.signed(body, secret="not-the-secret"), body, 401),
        "stale timestamp": (scene.signed(body, at=int(time.time()) - 3600), body, 401),
        "unknown partner": (scene.signed(body, partner="ptn_nobody"), body, 401),
        "malformed body": (scene.signed(b"{not json"), b"{not json", 422),
    }
    for name, (headers, content, status) in cases.items():
        answer = await scene.gw.post("/webhooks/volunteer", content=content, headers=headers)
        assert answer.status_code == status, (name, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json"), name
    await asyncio.sleep(1)
    assert await volunteer_topic_size(platform) == before


async def test_points_killed_mid_stream_credits_every_push_exactly_once(
    scene: Scene, platform: Platform
):
    phones = [f"137100{i:05d}" for i in range(20)]
    for i, phone in enumerate(phones):
        await scene.register(phone, f"志愿者{i}")
    pushes = [
        activity(phones[n % len(phones)], community_id=scene.community_id) for n in range(2000)
    ]
    ids = [p["id"] for p in pushes]
    applied_sql = (
        "SELECT count(*) FROM postings WHERE source_type = 'volunteer'"
        " AND split_part(source_id, ':', 1) = ANY($1::text[])"
    )
    for start in range(0, len(pushes), 100):
        answer = await scene.push(pushes[start : start + 100])
        assert answer.status_code == 202 and not answer.json()["rejected"], answer.text
    assert await eventually(lambda: _at_least(platform, applied_sql, ids, 200), within=60)
    await platform.kill("points")
    at_kill = await points_count(platform, applied_sql, ids)
    assert at_kill < len(pushes), "points had applied every push before the kill: nothing tested"
    await platform.start("points")
    expected = 2000 * 5 // len(phones)
    for phone in phones:
        await wait_available(scene, await scene.login(phone), expected, within=120)
    await asyncio.sleep(2)  # a push applied twice would show by now
    assert await points_count(platform, applied_sql, ids) == len(pushes)


async def points_count(platform: Platform, sql: str, *args: object) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(platform.databases["points"]))
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


async def _at_least(platform: Platform, sql: str, ids: list[str], count: int) -> bool:
    return await points_count(platform, sql, ids) >= count


async def eventually(probe: Callable[[], Awaitable[bool]], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await probe():
            return True
        await asyncio.sleep(0.1)
    return await probe()


async def test_private_routes_need_a_token_and_a_token_reaches_only_its_own_data(
    scene: Scene,
):
    for method, path in [
        ("GET", "/api/identity/me"),
        ("GET", "/api/points/accounts/me"),
        ("GET", "/api/identity/residents"),
        ("POST", "/api/points/adjustments"),
        ("GET", "/api/identity/partners"),
        ("GET", "/api/me/home"),
    ]:
        answer = await scene.gw.request(method, path)
        assert answer.status_code == 401, (method, path, answer.text)
    first = await scene.register("13700000005", "甲")
    await scene.register("13700000006", "乙")
    other = await scene.login("13700000006")
    for path in (f"/api/points/accounts/{first}", "/api/identity/residents?q=甲"):
        assert (await scene.gw.get(path, headers=other)).status_code == 403, path
    home = await scene.gw.get("/api/me/home", headers=other)
    assert home.status_code == 200 and home.json()["profile"]["name"] == "乙"
    assert str(uuid.UUID(home.json()["profile"]["id"])) != first


async def test_home_screen_degrades_sections_whose_service_is_down(
    scene: Scene, platform: Platform
):
    await scene.register("13700000007", "丙")
    me = await scene.login("13700000007")
    await platform.kill("points")
    try:
        started = time.monotonic()
        home = await scene.gw.get("/api/me/home", headers=me)
        assert time.monotonic() - started < 5
        assert home.status_code == 200
        assert home.json()["points"] is None and "points" in home.json()["degraded"]
        assert home.json()["profile"]["name"] == "丙"
    finally:
        await platform.start("points")
