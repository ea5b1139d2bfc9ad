"""A single-node Apache Kafka broker in KRaft combined mode, run as a supervised child."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from deploy.kafka.jars import KafkaSetupError, ensure_jars, require_java
from deploy.settings import REPO_ROOT
from deploy.supervisor import Child, ChildSpec, run_to_completion, spawn

DEFAULT_VERSION = "4.4.0"
LOG4J2_CONFIG = Path(__file__).resolve().parent / "log4j2.properties"
START_TIMEOUT = 120.0
# How far ahead of the broker's clock a producer's may run before its records are refused
# (Kafka's default: one hour). `make test-shifted` runs every client days ahead of a broker on
# the real clock (a JVM under libfaketime is too slow to serve), so it widens this.
TIMESTAMP_SKEW_ENV = "KAFKA_TIMESTAMP_AFTER_MAX_MS"


def _timestamp_skew() -> dict[str, str]:
    skew = os.environ.get(TIMESTAMP_SKEW_ENV)
    return {"log.message.timestamp.after.max.ms": str(int(skew))} if skew else {}


def new_cluster_id(random_bytes: Callable[[], bytes] = lambda: uuid.uuid4().bytes) -> str:
    """A KRaft cluster id as Kafka's own `Uuid.randomUuid()` makes it: base64url of 16 random
    bytes, drawn again while it starts with '-' (a command line would read that as an option)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(random_bytes()).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def format_arguments(cluster_id: str, properties: Path) -> list[str]:
    """`kafka-storage format` arguments; `--cluster-id=` keeps any id a value, never an option."""
    return ["--standalone", f"--cluster-id={cluster_id}", "-c", str(properties)]


class KafkaBroker:
    """One broker-and-controller node keeping its log in `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        controller_port: int,
        *,
        version: str = DEFAULT_VERSION,
        heap: str = "512m",
        cache_dir: Path = REPO_ROOT / ".cache",
        log_file: Path | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.controller_port = controller_port
        self.version = version
        self.heap = heap
        self.cache_dir = cache_dir
        self.log_file = log_file
        self.child: Child | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    async def start(self) -> None:
        """Fetch the jars and format the storage if needed, spawn, wait for metadata."""
        java = await asyncio.to_thread(require_java)
        jars = await ensure_jars(self.cache_dir, self.version)
        properties = self._write_properties()
        if not (self.log_dir / "meta.properties").exists():
            await self._format(java, jars, properties)
        self.child = await spawn(
            self._spec("kafka", [java, *self._jvm_options(jars), "kafka.Kafka", str(properties)])
        )
        await self._wait_until_serving()

    async def stop(self) -> None:
        if self.child is not None:
            await self.child.stop()
            self.child = None

    async def kill(self) -> None:
        """SIGKILL the broker, as a crash would; start() recovers the log."""
        if self.child is not None:
            await self.child.stop_with(signal.SIGKILL)
            self.child = None

    def _jvm_options(self, jars: Path) -> list[str]:
        return [
            f"-Xmx{self.heap}",
            "-Xms64m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
            "-cp",
            f"{jars}/*",
        ]

    def _spec(self, name: str, argv: list[str]) -> ChildSpec:
        return ChildSpec(
            name=name,
            argv=argv,
            stop_signal=signal.SIGTERM,
            # A broker killed outright only replays its log on the next start;
            # SIGKILL is certain to leave no orphan JVM behind.
            death_signal=signal.SIGKILL,
            stop_timeout=30.0,
            log_file=self.log_file,
        )

    def _write_properties(self) -> Path:
        # Rewritten on every start so changed ports take effect; the log
        # directory (and with it every topic) is kept.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "server.properties"
        path.write_text("".join(f"{key}={value}\n" for key, value in self._properties().items()))
        return path

    def _properties(self) -> dict[str, str]:
        controller = f"127.0.0.1:{self.controller_port}"
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": controller,
            "listeners": f"PLAINTEXT://{self.bootstrap},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": "6",
            # One node: every internal topic can only have one replica.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # Fewer internal partitions than the default 50 make the first
            # consumer group (and each test run) start in a fraction of the time.
            "offsets.topic.num.partitions": "6",
            "transaction.state.log.num.partitions": "6",
            "group.initial.rebalance.delay.ms": "0",
            # After a crash the controller waits out the dead broker's session
            # before the restarted one may register; 9 s by default.
            "broker.session.timeout.ms": "3000",
            "broker.heartbeat.interval.ms": "1000",
            # Topics are created on purpose (deploy/topics.py); a typo in a
            # topic name should fail loudly, not create a new topic.
            "auto.create.topics.enable": "false",
            "num.network.threads": "2",
            "num.io.threads": "4",
            **_timestamp_skew(),
        }

    async def _format(self, java: str, jars: Path, properties: Path) -> None:
        argv = [java, *self._jvm_options(jars), "kafka.tools.StorageTool", "format"]
        argv += format_arguments(new_cluster_id(), properties)
        code = await run_to_completion(self._spec("kafka", argv))
        if code != 0:
            raise KafkaSetupError(f"formatting the Kafka storage in {self.log_dir} failed ({code})")

    async def _wait_until_serving(self) -> None:
        assert self.child is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not await _answers_metadata(self.bootstrap):
            if self.child.returncode is not None:
                tail = "\n".join(self.child.tail())
                raise KafkaSetupError(f"kafka exited with {self.child.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                raise KafkaSetupError(f"kafka not serving after {START_TIMEOUT:.0f} s")
            await asyncio.sleep(0.5)


async def _answers_metadata(bootstrap: str) -> bool:
    host, port = bootstrap.rsplit(":", 1)
    # Probe the port first: aiokafka logs an error for every refused
    # connection, which would fill the console while the JVM starts.
    try:
        _, writer = await asyncio.open_connection(host, int(port))
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return bool(cluster.get("brokers"))
    except KafkaError:
        return False
    finally:
        await admin.close()
