"""Composition root shared by the services: engine, relay, consumer runner, web app, lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiokafka.client import AIOKafkaClient
from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kit import kafka
from kit.consumer import ConsumerRunner
from kit.db import asyncpg_dsn, make_engine, make_session_factory
from kit.deps import install_token_verifier
from kit.health import database_check, kafka_check
from kit.logging import configure_logging
from kit.migrate import head_revisions
from kit.relay import OutboxRelay
from kit.request_deps import Clock, install_clock
from kit.settings import KitSettings
from kit.subscriptions import Subscriptions
from kit.web import create_web_app

log = logging.getLogger("kit.service")


@dataclass
class ServiceRuntime:
    settings: KitSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    relay: OutboxRelay
    consumer: ConsumerRunner | None
    kafka_client: AIOKafkaClient
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # Set when the process shuts down: background jobs started by services watch it.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        if self.settings.relay_enabled:
            self.tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        if self.consumer is not None:
            self.tasks.append(asyncio.create_task(self.consumer.run(), name="consumer"))

    async def stop(self) -> None:
        self.stopping.set()
        await self.relay.stop()
        if self.consumer is not None:
            await self.consumer.stop()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=10)
            for task in pending:
                task.cancel()
        await self.kafka_client.close()
        await self.engine.dispose()


def build_runtime(settings: KitSettings, subscriptions: Subscriptions) -> ServiceRuntime:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    relay = OutboxRelay(
        dsn=asyncpg_dsn(settings.database_url),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        service=settings.service_name,
        poll_seconds=settings.outbox_poll_seconds,
        retention_hours=settings.outbox_retention_hours,
    )
    consumer = None
    # No handler, no runner: nothing is consumed (and committed) before a service knows
    # what to do with it.
    if len(subscriptions) and settings.consumer_enabled:
        consumer = ConsumerRunner(
            consumer_name=settings.service_name,
            topics=subscriptions.topics,
            handlers=subscriptions.handlers,
            session_factory=factory,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            registry=subscriptions.registry,
        )
    client = AIOKafkaClient(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka.client_options()
    )
    return ServiceRuntime(settings, engine, factory, relay, consumer, client)


StartupHook = Callable[[FastAPI, "ServiceRuntime"], Awaitable[None]]


def create_service_app(
    settings: KitSettings,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    subscriptions: Subscriptions | None = None,
    on_startup: Sequence[StartupHook] = (),
    clock: Clock | None = None,
) -> FastAPI:
    """A service process: its web app plus the outbox relay and consumer running beside it.

    `clock` is what the `Now` dependency answers (tests move time with it); UTC now by default.
    """
    configure_logging(level=settings.log_level, json_lines=settings.log_json)
    runtime = build_runtime(settings, subscriptions or Subscriptions())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook(app, runtime)
        await runtime.start()
        log.info("service started", extra={"service": settings.service_name})
        try:
            yield
        finally:
            await runtime.stop()

    checks = {
        "database": database_check(runtime.engine, head_revisions(settings.service_name)),
        "kafka": kafka_check(runtime.kafka_client),
    }
    app = create_web_app(
        service=settings.service_name,
        title=title,
        routers=routers,
        checks=checks,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install_clock(app, clock)
    install_token_verifier(app, settings)
    return app
