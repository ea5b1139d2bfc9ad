"""The typed subscription table: keyed by contract model, topics derived, strays refused."""

from __future__ import annotations

import importlib
from typing import ClassVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import REGISTRY, EventData
from contracts.identity import ResidentRegistered, ResidentVerified
from contracts.mall import OrderPlaced
from kit.events import ParsedEvent
from kit.subscriptions import Subscriptions, UnregisteredEvent

SERVICES = ("identity", "points", "petitions", "notices", "mall")


class NotInTheRegistry(EventData):
    event_type: ClassVar[str] = "org.shanzhi.test.stray.v1"
    topic: ClassVar[str] = "identity.events"
    aggregate_type: ClassVar[str] = "test"


class LookAlike(ResidentRegistered):
    """Same type name as a registered model, but not the registry's model for it."""


async def on_registered(session: AsyncSession, event: ParsedEvent[ResidentRegistered]) -> None:
    return None


async def on_verified(session: AsyncSession, event: ParsedEvent[ResidentVerified]) -> None:
    return None


async def on_placed(session: AsyncSession, event: ParsedEvent[OrderPlaced]) -> None:
    return None


def test_topics_are_derived_from_the_models_added():
    table = (
        Subscriptions()
        .add(ResidentRegistered, on_registered)
        .add(ResidentVerified, on_verified)
        .add(OrderPlaced, on_placed)
    )
    assert table.topics == ("identity.events", "mall.events")


def test_runner_table_is_keyed_by_the_models_type_names():
    table = Subscriptions().add(ResidentRegistered, on_registered).add(OrderPlaced, on_placed)
    assert table.handlers == {
        ResidentRegistered.event_type: on_registered,
        OrderPlaced.event_type: on_placed,
    }
    assert list(table) == [ResidentRegistered, OrderPlaced]


def test_an_empty_table_subscribes_to_nothing():
    table = Subscriptions()
    assert table.topics == () and len(table) == 0 and not table.handlers


def test_a_model_missing_from_the_registry_is_refused_when_added():
    with pytest.raises(UnregisteredEvent, match="NotInTheRegistry"):
        Subscriptions().add(NotInTheRegistry, on_registered)  # type: ignore[arg-type]


def test_a_look_alike_of_a_registered_model_is_refused():
    with pytest.raises(UnregisteredEvent, match="LookAlike"):
        Subscriptions().add(LookAlike, on_registered)


def test_a_second_handler_for_the_same_model_is_refused():
    table = Subscriptions().add(ResidentRegistered, on_registered)
    with pytest.raises(ValueError, match="already has a handler"):
        table.add(ResidentRegistered, on_registered)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_table_holds_only_registered_events_and_derives_its_topics(service: str):
    table = importlib.import_module(f"services.{service}.consumers").SUBSCRIPTIONS
    assert isinstance(table, Subscriptions)
    for model in table:
        assert REGISTRY.model_for(model.event_type) is model
    assert set(table.handlers) == {model.event_type for model in table}
    assert table.topics == tuple(sorted({model.topic for model in table}))


def test_points_consumes_identity_volunteer_notices_petitions_and_mall_events():
    table = importlib.import_module("services.points.consumers").SUBSCRIPTIONS
    assert table.topics == (
        "identity.events",
        "mall.events",
        "notices.events",
        "petitions.events",
        "volunteer.events",
    )
