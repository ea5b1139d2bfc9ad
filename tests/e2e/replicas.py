"""Points as the launcher runs it with REPLICAS="points=3": three uvicorn processes on one
database and one consumer group, on a Kafka broker of their own (no other points consumer may
join the group and take partitions), fed volunteer pushes straight onto volunteer.events."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import socket
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from deploy import services
from deploy.kafka import KafkaBroker
from deploy.settings import DeploySettings
from deploy.supervisor import Child, spawn
from deploy.topics import PLATFORM_TOPICS, create_topics
from kit.db import unit_of_work
from kit.events import new_event, serialize
from kit.phone import keyed_hash
from services.points.base import LOCAL
from services.points.ledger import wallets
from services.points.listing import service as rules
from tests.e2e.platform import free_port
from tests.integration import support
from tests.integration.support import Db

REPLICAS = 3
PARTITIONS = 6
GROUP = "points"  # the service's consumer group: its SERVICE_NAME
TOPIC = "volunteer.events"
# Two items, so a resident's expected balance depends on which pushes they got.
POINTS = {"环境整治": 5, "助老服务": 3}
ITEMS = [
    {
        "code": f"V{n}",
        "name": kind,
        "category": "志愿",
        "points": points,
        "triggers": [{"source": "volunteer", "activity_type": kind}],
    }
    for n, (kind, points) in enumerate(POINTS.items())
]


@dataclass
class Town:
    """A community with its list in force and residents whose pushes we send."""

    id: uuid.UUID = field(default_factory=uuid.uuid4)
    phones: dict[uuid.UUID, str] = field(default_factory=dict)  # resident → phone hash
    expected: Counter[uuid.UUID] = field(default_factory=Counter)


async def settle_town(db: Db, residents: int) -> Town:
    """The list (in force since 30 days before today, Asia/Shanghai) and verified residents,
    written through points' own functions as its consumers would."""
    town = Town()
    path = f"/{uuid.uuid4()}/{town.id}"
    since = datetime.now(LOCAL).date() - timedelta(days=30)
    async with unit_of_work(db.factory) as session:
        body = rules.PointsList.model_validate({"items": ITEMS, "effective_from": since})
        version = await rules.draft(session, community_id=town.id, body=body, actor="test")
        await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
        for n in range(residents):
            resident = uuid.uuid4()
            town.phones[resident] = keyed_hash("replicas", f"{resident}")
            await wallets.open_resident(
                session,
                resident_id=resident,
                community_id=town.id,
                community_path=path,
                name=f"居民{n}",
                phone_hash=town.phones[resident],
            )
        await session.commit()
    await db.fetchval("UPDATE accounts SET verified = true WHERE kind = 'resident'")
    return town


def pushes(town: Town, count: int, start: int) -> tuple[list[bytes], list[bytes]]:
    """`count` pushes over the residents, keyed by phone hash as the gateway keys them; each
    one's points added to what its resident is expected to hold."""
    residents = list(town.phones)
    values, keys = [], []
    for n in range(start, start + count):
        resident = residents[n % len(residents)]
        kind = list(POINTS)[(n // len(residents)) % len(POINTS)]
        phone = town.phones[resident]
        data = ActivityCompleted(
            volunteer=VolunteerRef(phone_hash=phone),
            activity=Activity(id=f"a{n}", type=kind, title="小北街河道清理"),
            community_id=str(town.id),
            hours=1,
            completed_at=datetime.now(UTC),
        )
        values.append(serialize(new_event(data, source="/partners/volunteer", subject=phone)))
        keys.append(phone.encode())
        town.expected[resident] += POINTS[kind]
    return values, keys


@dataclass
class Replicas:
    broker: KafkaBroker
    work: Path
    children: dict[str, Child] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    # Seconds from spawning the three to all three answering /readyz.
    startup: float = 0.0

    async def start(self, db: Db) -> None:
        """The launcher's own specs for points=3, pointed at the scratch database."""
        settings = DeploySettings(
            profile="test",
            data_dir=self.work,
            points_port=_base_port(),
            replicas=f"points={REPLICAS}",
            kafka_bootstrap_servers=self.broker.bootstrap,
        )
        self.urls = services.replica_urls(settings, "points")
        spawned = time.monotonic()
        for index in range(REPLICAS):
            spec = services.app_spec(
                settings, "points", support.server_url(), self.broker.bootstrap, index
            )
            env = {**(spec.env or {}), "DATABASE_URL": db.url, "OUTBOX_POLL_SECONDS": "1"}
            log = self.work / f"{spec.name}.log"
            spec = dataclasses.replace(spec, env=env, log_file=log, stop_timeout=10.0)
            self.children[spec.name] = await spawn(spec)
        await asyncio.gather(*(self._ready(name) for name in self.children))
        self.startup = time.monotonic() - spawned

    async def _ready(self, name: str) -> None:
        await services.wait_ready(name, f"{self.urls[name]}/readyz", self.children[name])

    async def relay_leader(self) -> str | None:
        """The replica whose relay holds the advisory lock (its outbox_relay_leader gauge)."""
        line = 'outbox_relay_leader{service="points"} 1.0'
        async with httpx.AsyncClient(timeout=5) as client:
            for name, child in self.children.items():
                if child.returncode is None:
                    metrics = (await client.get(f"{self.urls[name]}/metrics")).text
                    if line in metrics.splitlines():
                        return name
        return None

    async def kill(self, name: str) -> None:
        """SIGKILL, as a crash: no offset commit, no leaving the group, no lock released by
        the relay itself (PostgreSQL drops it with the connection)."""
        self.children[name].send_signal(signal.SIGKILL)
        await self.children[name].wait()

    async def stop(self) -> None:
        await asyncio.gather(*(child.stop() for child in self.children.values()))


def _base_port() -> int:
    """A port free at base, base + 100 and base + 200 (the launcher's replica ports)."""
    while True:
        base = free_port()
        if all(_free(base + 100 * k) for k in range(1, REPLICAS)):
            return base


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@asynccontextmanager
async def points_replicas(work: Path, residents: int) -> AsyncIterator[tuple[Replicas, Db, Town]]:
    """A broker of its own (started while the database is made and filled), a scratch points
    database with a town in it, and three points replicas on both, all ready."""
    broker = KafkaBroker(work / "kafka", free_port(), free_port(), log_file=work / "kafka.log")
    starting = asyncio.create_task(_start(broker))
    try:
        async with support.scratch_database("points") as db:
            town = await settle_town(db, residents)
            await starting
            replicas = Replicas(broker, work)
            try:
                await replicas.start(db)
                yield replicas, db, town
            finally:
                await replicas.stop()
    finally:
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        # Its log is thrown away with the test's directory: no orderly shutdown to wait for.
        await broker.kill()


async def _start(broker: KafkaBroker) -> None:
    await broker.start()
    await create_topics(broker.bootstrap, list(PLATFORM_TOPICS), PARTITIONS)


async def assignment(bootstrap: str) -> tuple[str, list[set[int]]]:
    """The group's state and, per member, its partitions of volunteer.events, from the
    broker's group coordinator (DescribeGroups), not from any process's say-so."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([GROUP])
    finally:
        await admin.close()
    [group] = response.groups
    state, members = group[2], group[5]
    owned = []
    for member in members:
        decoded = ConsumerProtocolMemberAssignment.decode(member[4]) if member[4] else None
        parts = decoded.partitions() if decoded is not None else []
        owned.append({tp.partition for tp in parts if tp.topic == TOPIC})
    return state, owned
