"""The local stack: infrastructure and platform processes, started in order, stopped in reverse."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from deploy import services
from deploy.kafka import KafkaBroker, check_prerequisites
from deploy.postgres import PostgresServer, ensure_databases
from deploy.restart import KeptRunning
from deploy.services import ChildExited, app_names, database_name, database_url, replica_urls
from deploy.settings import SERVICES, DeploySettings
from deploy.supervisor import Child, first_exit, report, run_to_completion, spawn
from deploy.topics import PLATFORM_TOPICS, create_topics


@dataclass(frozen=True)
class Endpoints:
    """Where the infrastructure answers, whether started here or given."""

    server_url: str  # PostgreSQL, database "postgres"
    bootstrap: str  # Kafka


class Stack:
    """The processes of one local stack."""

    def __init__(self, settings: DeploySettings, *, log_dir: Path | None = None) -> None:
        self.settings = settings
        # With a log directory, infrastructure output goes to files (for
        # `deploy run`, where the command's own output is what matters).
        self.log_dir = log_dir
        self.postgres: PostgresServer | None = None
        self.kafka: KafkaBroker | None = None
        self.apps: list[Child] = []
        self.kept: list[KeptRunning] = []
        self.seed: Child | None = None
        self._seed_report: asyncio.Task[None] | None = None

    async def start_infra(self) -> Endpoints:
        """PostgreSQL and Kafka side by side (unless given), then databases and topics."""
        if not self.settings.kafka_bootstrap_servers:
            # Say what to install before starting anything, not halfway through.
            await asyncio.to_thread(
                check_prerequisites, self.settings.cache_dir, self.settings.kafka_version
            )
        try:
            async with asyncio.TaskGroup() as group:
                server = group.create_task(self._start_postgres())
                bootstrap = group.create_task(self._start_kafka())
        except ExceptionGroup as failures:
            # One of the two failed and the other was cancelled; report the cause.
            raise failures.exceptions[0] from None
        endpoints = Endpoints(server.result(), bootstrap.result())
        await ensure_databases(endpoints.server_url, [database_name(s) for s in SERVICES])
        await create_topics(endpoints.bootstrap, PLATFORM_TOPICS, self.settings.kafka_partitions)
        return endpoints

    async def _start_postgres(self) -> str:
        if self.settings.database_url:
            return database_url(self.settings.database_url, "postgres")
        fsync = self.settings.profile != "test"
        self.postgres = PostgresServer(
            self.settings.postgres_dir,
            self.settings.pg_port,
            fsync=fsync,
            log_file=self._log_file("postgres"),
        )
        await self.postgres.start()
        return self.postgres.server_url()

    async def _start_kafka(self) -> str:
        if self.settings.kafka_bootstrap_servers:
            return self.settings.kafka_bootstrap_servers
        self.kafka = KafkaBroker(
            self.settings.kafka_dir,
            self.settings.kafka_port,
            self.settings.kafka_controller_port,
            version=self.settings.kafka_version,
            heap=self.settings.kafka_heap,
            cache_dir=self.settings.cache_dir,
            log_file=self._log_file("kafka"),
        )
        await self.kafka.start()
        return self.kafka.bootstrap

    def _log_file(self, name: str) -> Path | None:
        return self.log_dir / f"{name}.log" if self.log_dir is not None else None

    async def migrate(self, endpoints: Endpoints) -> None:
        """Each service's migrations against its own database, all at once."""
        try:
            async with asyncio.TaskGroup() as group:
                for name in SERVICES:
                    group.create_task(self._migrate(name, endpoints))
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None

    async def _migrate(self, name: str, endpoints: Endpoints) -> None:
        report(name, f"migrating database {database_name(name)}")
        spec = services.migrate_spec(self.settings, name, *_pair(endpoints))
        code = await run_to_completion(spec)
        if code != 0:
            raise ChildExited(f"migrations of {name} failed (exit {code})")

    async def start_apps(self, endpoints: Endpoints) -> dict[str, float | None]:
        """Spawn the services and the gateway; returns the seconds each took to be ready.

        A process that exits while starting fails the start; one that runs but
        is not ready in time is only reported (None), as it may yet become so.
        """
        for spec in services.app_specs(self.settings, *_pair(endpoints)):
            self.apps.append(await spawn(spec))
        try:
            async with asyncio.TaskGroup() as group:
                waits = [group.create_task(self._ready_or_none(child)) for child in self.apps]
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None
        return {child.name: wait.result() for child, wait in zip(self.apps, waits, strict=True)}

    async def _ready_or_none(self, child: Child) -> float | None:
        try:
            return await services.wait_ready(child.name, self.ready_url(child.name), child)
        except TimeoutError as error:
            report(child.name, str(error))
            return None

    def ready_url(self, name: str) -> str:
        """`name` is a process's name: "points", or "points-2" among several replicas."""
        urls = {k: v for app in app_names() for k, v in replica_urls(self.settings, app).items()}
        return f"{urls[name]}/readyz"

    async def start_seed_once(self) -> None:
        """Load demo data on the first start; the seed writes the marker when it has."""
        marker = self.settings.data_dir.resolve() / ".seeded"
        if not marker.exists():
            self.seed = await spawn(services.seed_spec(self.settings, marker))
            self._seed_report = asyncio.create_task(_report_exit(self.seed))

    def keep_apps_running(self) -> None:
        """From now on a service or gateway that exits is restarted, neighbours untouched."""
        self.kept = [KeptRunning(child) for child in self.apps]
        self.apps = []

    def essential(self) -> list[Child]:
        """The processes whose exit means the stack is broken: PostgreSQL and Kafka.

        Not restarted: every service would fail with them gone anyway, and a broker
        or database that crashed deserves a look before it runs again.
        """
        infra = [self.postgres.child if self.postgres else None]
        infra.append(self.kafka.child if self.kafka else None)
        return [child for child in infra if child is not None] + self.apps

    async def watch(self) -> Child:
        """Wait until an essential process exits; returns it (waits forever if there is none)."""
        essential = self.essential()
        if not essential:
            await asyncio.Event().wait()
        return await first_exit(essential)

    async def stop(self) -> None:
        """Gateway, then the services, then Kafka, then PostgreSQL."""
        if self.seed is not None:
            await self.seed.stop()
        running: list[Child | KeptRunning] = [*self.apps, *self.kept]
        self.kept = []
        gateways = replica_urls(self.settings, services.GATEWAY)
        gateway = [c for c in running if c.name in gateways]
        others = [c for c in running if c.name not in gateways]
        for group in (gateway, others):
            await asyncio.gather(*(child.stop() for child in group))
        self.apps = []
        if self.kafka is not None:
            await self.kafka.stop()
        if self.postgres is not None:
            await self.postgres.stop()


async def _report_exit(child: Child) -> None:
    """A one-shot child failing is worth a line, but not worth stopping the stack for."""
    code = await child.wait()
    if code != 0 and not child.stopping:
        report(child.name, f"exited with {code}")


def _pair(endpoints: Endpoints) -> tuple[str, str]:
    return endpoints.server_url, endpoints.bootstrap
