"""Partner ingress over HTTP onto the real Kafka, with identity's secret lookup a real HTTP hop."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from fastapi import FastAPI, Header, HTTPException
from pydantic import SecretStr

from deploy.volunteer_sim import Plan, run
from gateway.config import Settings
from gateway.ingress import ingress_router, start_ingress, stop_ingress
from gateway.ingress_checks import BATCH, SINGLE, signature_header
from gateway.publisher import RETRY_AFTER_SECONDS
from kit.events import parse_event
from kit.phone import phone_hash
from kit.web import create_web_app
from tests.integration import support
from tests.integration.tcp_proxy import TcpProxy

TOKEN = "internal-test-token"
HASH_KEY = "test-phone-hash-key"
PHONE = "13800002001"
PARTNERS: dict[str, dict[str, Any]] = {
    "ptn_good": {
        "partner_id": "ptn_good",
        "enabled": True,
        "secrets": ["new-secret", "old-secret"],
    },
    "ptn_off": {"partner_id": "ptn_off", "enabled": False, "secrets": []},
}


def identity_app() -> FastAPI:
    """Identity's internal endpoint, as identity serves it (services/identity/partners/api.py)."""
    app = FastAPI()

    @app.get("/internal/partners/{partner_id}/secrets")
    async def secrets(
        partner_id: str, x_internal_token: Annotated[str, Header()] = ""
    ) -> dict[str, Any]:
        if x_internal_token != TOKEN:
            raise HTTPException(401)
        if partner_id not in PARTNERS:
            raise HTTPException(404)
        return PARTNERS[partner_id]

    return app


def free_port() -> int:
    """A port nothing listens on (bound, read, closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app behind uvicorn on a free 127.0.0.1 port, for the block; yields its URL."""
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so (else +40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


@pytest.fixture
async def identity_url() -> AsyncIterator[str]:
    async with serving(identity_app()) as url:
        yield url


@dataclass
class Gateway:
    client: httpx.AsyncClient
    servers: str
    topic: str
    app: FastAPI

    async def push(
        self,
        document: Any,
        *,
        partner: str = "ptn_good",
        secret: str | None = None,
        at: float | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        raw = json.dumps(document, ensure_ascii=False).encode()
        headers = {
            "X-Partner-Id": partner,
            "X-Signature": signature_header(
                "new-secret" if secret is None else secret, raw, timestamp=int(at or time.time())
            ),
            "Content-Type": content_type or (BATCH if isinstance(document, list) else SINGLE),
        }
        return await self.client.post("/webhooks/volunteer", content=raw, headers=headers)

    async def on_topic(self) -> int:
        """How many records the topic holds (end offsets over all partitions)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.servers)
        await consumer.start()
        try:
            parts = await _partitions(consumer, self.topic)
            return sum((await consumer.end_offsets(parts)).values())
        finally:
            await consumer.stop()

    async def records(self, count: int) -> list[ConsumerRecord]:
        found = await support.read_topic(
            self.servers, self.topic, until=lambda r: len(r) >= count, timeout=20
        )
        assert len(found) == count
        return found


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[Any]:
    from aiokafka import TopicPartition

    for _ in range(50):
        ids = consumer.partitions_for_topic(topic)
        if ids:
            return [TopicPartition(topic, p) for p in ids]
        await consumer._client.force_metadata_update()
    raise AssertionError(f"no partitions for {topic}")


def settings_for(kafka: str, identity: str) -> Settings:
    return Settings(
        kafka_bootstrap_servers=kafka,
        service_urls={"identity": [identity]},
        internal_api_token=SecretStr(TOKEN),
        phone_hash_key=SecretStr(HASH_KEY),
    )


@asynccontextmanager
async def gateway(settings: Settings, topic: str) -> AsyncIterator[Gateway]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_ingress(app, settings)
        try:
            yield
        finally:
            await stop_ingress(app)

    app = create_web_app(service="gateway", title="t", api_prefix="", lifespan=lifespan)
    app.include_router(ingress_router(settings, topic=topic))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield Gateway(client, settings.kafka_bootstrap_servers, topic, app)


@pytest.fixture
async def gw(kafka: str, topic: str, identity_url: str) -> AsyncIterator[Gateway]:
    async with gateway(settings_for(kafka, identity_url), topic) as handle:
        yield handle


def activity(event_id: str | None = None, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id or support.unique("evt"),
        "source": "https://volunteer.example/platform",
        "type": "org.shanzhi.volunteer.activity_completed.v1",
        "data": {
            "volunteer": {"phone": PHONE},
            "activity": {"id": "act-1", "type": "环境整治", "title": "小北街环境整治"},
            "community_code": "xiaobeijie",
            "hours": 2,
            # From now: the gateway refuses a completion in the future, by its real clock.
            "completed_at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
            **data,
        },
    }


async def test_a_signed_push_goes_on_the_topic_with_a_phone_hash_and_no_phone(gw: Gateway):
    answer = await gw.push(activity("evt-single"))
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    [record] = await gw.records(1)
    expected = phone_hash(HASH_KEY, PHONE)
    assert record.key == expected.encode()
    assert PHONE.encode() not in record.value
    event = parse_event(record.value)
    assert (event.envelope.id, event.envelope.source) == ("evt-single", "/partners/ptn_good")
    assert event.envelope.data["volunteer"]["phone_hash"] == expected


async def test_a_batch_with_one_bad_event_accepts_the_others_and_lists_it(gw: Gateway):
    batch = [activity("evt-b0"), activity("evt-b1", hours=25), activity("evt-b2")]
    answer = await gw.push(batch, secret="old-secret")  # rotated out, still in its grace
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [(1, "data.hours")]
    records = await gw.records(2)
    assert sorted(parse_event(r.value).envelope.id for r in records) == ["evt-b0", "evt-b2"]


@pytest.mark.parametrize(
    ("why", "options", "status"),
    [
        ("bad signature", {"secret": "guessed"}, 401),
        ("stale timestamp", {"at": time.time() - 301}, 401),
        ("unknown partner", {"partner": "ptn_nobody"}, 401),
        ("disabled partner", {"partner": "ptn_off", "secret": ""}, 401),
        ("wrong content type", {"content_type": "application/json"}, 415),
    ],
)
async def test_a_refused_push_puts_nothing_on_the_topic(
    gw: Gateway, why: str, options: dict[str, Any], status: int
):
    answer = await gw.push(activity(), **options)
    assert answer.status_code == status, why
    assert answer.headers["content-type"] == "application/problem+json"
    assert await gw.on_topic() == 0


async def test_a_malformed_event_is_a_422_naming_the_field_and_nothing_on_the_topic(gw: Gateway):
    answer = await gw.push(activity(hours=0))
    assert answer.status_code == 422
    assert answer.json()["field"] == "data.hours"
    not_json = b"{oops"
    headers = {
        "X-Partner-Id": "ptn_good",
        "X-Signature": signature_header("new-secret", not_json, timestamp=int(time.time())),
        "Content-Type": SINGLE,
    }
    answer = await gw.client.post("/webhooks/volunteer", content=not_json, headers=headers)
    assert (answer.status_code, answer.json()["field"]) == (422, "body")
    assert await gw.on_topic() == 0


async def test_a_batch_over_the_limit_is_refused_naming_it(gw: Gateway):
    answer = await gw.push([activity() for _ in range(501)])
    assert answer.status_code == 413
    assert answer.json()["limit"] == 500
    assert await gw.on_topic() == 0


async def test_the_same_push_three_times_is_put_on_the_topic_once(gw: Gateway):
    event = activity("evt-thrice")
    answers = [await gw.push(event) for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert [a.json()["duplicates"] for a in answers] == [0, 1, 1]
    await gw.records(1)
    assert await gw.on_topic() == 1


async def test_kafka_unreachable_is_a_503_with_retry_after(kafka: str, identity_url: str):
    settings = settings_for(f"127.0.0.1:{free_port()}", identity_url)
    async with gateway(settings, "volunteer.unreachable") as gw:
        answer = await gw.push(activity())
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0


async def test_a_gateway_started_while_kafka_was_down_accepts_once_it_is_back(
    kafka: str, topic: str, identity_url: str
):
    host, port = kafka.rsplit(":", 1)
    async with TcpProxy(host, int(port)) as bootstrap:  # bootstrap only: then the broker itself
        await bootstrap.cut()
        async with gateway(settings_for(f"127.0.0.1:{bootstrap.port}", identity_url), topic) as gw:
            assert (await gw.push(activity())).status_code == 503
            bootstrap.restore()
            await asyncio.sleep(RETRY_AFTER_SECONDS)
            answer = await gw.push(activity("evt-after-outage"))
            assert answer.status_code == 202, answer.text
            [record] = await gw.records(1)
    assert parse_event(record.value).envelope.id == "evt-after-outage"


async def test_identity_unreachable_is_a_503_with_retry_after(kafka: str, topic: str):
    async with gateway(settings_for(kafka, f"http://127.0.0.1:{free_port()}"), topic) as gw:
        answer = await gw.push(activity())
        assert answer.status_code == 503
        assert int(answer.headers["retry-after"]) > 0
        assert await gw.on_topic() == 0


@pytest.mark.parametrize("batch", [None, 8])
async def test_the_simulator_signs_pushes_the_gateway_accepts(gw: Gateway, batch: int | None):
    async with serving(gw.app) as url:
        plan = Plan(
            gateway=url,
            partner_id="ptn_good",
            secret="new-secret",
            count=40,
            rate=400,
            batch=batch,
            duplicate_every=4,
        )
        report = await run(plan)
    assert not report.failed
    assert (report.sent, report.accepted, report.rejected) == (40, 40, 0)
    assert report.duplicates == report.resent > 0
    assert await gw.on_topic() == 40
    assert any("p99" in line for line in report.lines(plan))
