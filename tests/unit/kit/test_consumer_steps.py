"""The careful path of one event: data that breaks its contract is parked at once, not retried."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from aiokafka import ConsumerRecord
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import REGISTRY, Registry
from contracts.identity import ResidentVerified
from kit.consumer import ConsumerRunner, RunnerState
from kit.consumer_steps import EventOutcome, apply_one
from kit.events import ParsedEvent, new_event, serialize

VERIFIED = ResidentVerified(
    resident_id="r1",
    community_id="c1",
    community_path="/0a",
    name="张三",
    verified_at=datetime(2026, 1, 2, tzinfo=UTC),
)


class FreshClaim:
    def first(self) -> tuple[str]:
        return ("claimed",)


class FakeSession:
    """Every inbox claim is new; savepoints do nothing."""

    @asynccontextmanager
    async def begin_nested(self) -> Any:
        yield

    async def execute(self, statement: object) -> FreshClaim:
        return FreshClaim()


@dataclass
class FakeRunner:
    handlers: dict[str, Any]
    name: str = "test"
    max_handler_attempts: int = 5
    registry: Registry = REGISTRY
    state: RunnerState = field(default_factory=RunnerState)
    parked: list[str] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)

    async def park(self, record: ConsumerRecord, reason: str) -> None:
        self.parked.append(reason)


def record(value: bytes) -> ConsumerRecord:
    return ConsumerRecord("identity.events", 0, 7, 0, 0, None, value, None, 0, len(value), [])


async def deliver(runner: FakeRunner, value: bytes) -> EventOutcome:
    session = cast(AsyncSession, FakeSession())
    return await apply_one(cast(ConsumerRunner, runner), session, record(value))


async def remember(runner: FakeRunner, session: AsyncSession, event: ParsedEvent[Any]) -> None:
    runner.calls.append(event.data)


async def test_data_that_breaks_its_contract_is_parked_on_first_delivery_with_the_field():
    runner = FakeRunner(handlers={})
    runner.handlers[ResidentVerified.event_type] = lambda s, e: remember(runner, s, e)
    raw = json.loads(serialize(new_event(VERIFIED, source="/services/identity", subject="r1")))
    raw["data"]["community_path"] = "no slash"
    outcome = await deliver(runner, json.dumps(raw).encode())
    assert outcome is EventOutcome.DEAD_LETTERED
    assert runner.calls == [] and len(runner.parked) == 1
    assert "community_path" in runner.parked[0]


class Answer(BaseModel):
    points: int = Field(ge=0)


async def build_a_bad_answer(session: AsyncSession, event: ParsedEvent[Any]) -> None:
    Answer(points=-1)


async def test_a_validation_error_raised_by_a_handler_is_parked_at_once_not_retried():
    runner = FakeRunner(handlers={ResidentVerified.event_type: build_a_bad_answer})
    event = new_event(VERIFIED, source="/services/identity", subject="r1")
    outcome = await deliver(runner, serialize(event))
    assert outcome is EventOutcome.DEAD_LETTERED
    assert runner.state.failures == {}
    assert len(runner.parked) == 1 and "points" in runner.parked[0]


async def test_a_handler_receives_the_validated_model_of_its_event():
    runner = FakeRunner(handlers={})
    runner.handlers[ResidentVerified.event_type] = lambda s, e: remember(runner, s, e)
    event = new_event(VERIFIED, source="/services/identity", subject="r1")
    assert await deliver(runner, serialize(event)) is EventOutcome.APPLIED
    assert runner.calls == [VERIFIED]
