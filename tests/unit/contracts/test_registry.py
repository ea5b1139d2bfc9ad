"""The contracts registry and the AsyncAPI document generated from it."""

from typing import ClassVar

import pytest

from contracts import REGISTRY, TOPICS, EventData, Registry, UnknownEventType
from contracts.asyncapi import DOCUMENT, build, render


def test_every_registered_type_follows_the_naming_rule_and_a_known_topic():
    for name, model in REGISTRY.items():
        assert name.startswith("org.shanzhi.") and name.rsplit(".", 1)[1].startswith("v")
        assert model.topic in TOPICS


def test_registering_a_badly_named_type_is_refused():
    class Bad(EventData):
        event_type: ClassVar[str] = "points.awarded"
        topic: ClassVar[str] = "points.events"
        aggregate_type: ClassVar[str] = "resident"

    with pytest.raises(ValueError, match=r"org\.shanzhi"):
        Registry().register(Bad)


def test_registering_on_an_unknown_topic_is_refused():
    class Stray(EventData):
        event_type: ClassVar[str] = "org.shanzhi.points.strayed.v1"
        topic: ClassVar[str] = "nowhere.events"
        aggregate_type: ClassVar[str] = "resident"

    with pytest.raises(ValueError, match="unknown topic"):
        Registry().register(Stray)


def test_unknown_type_lookup_raises():
    with pytest.raises(UnknownEventType):
        REGISTRY.model_for("org.shanzhi.nobody.nothing.v1")


def test_volunteer_push_needs_exactly_one_way_to_find_the_volunteer():
    base = {
        "activity": {"id": "a1", "type": "环境整治", "title": "河道清理"},
        "community_code": "XBJ",
        "hours": 2,
        "completed_at": "2026-11-28T08:00:00+08:00",
    }
    model = REGISTRY.model_for("org.shanzhi.volunteer.activity_completed.v1")
    with pytest.raises(ValueError, match="exactly one"):
        model.model_validate({**base, "volunteer": {}})
    assert model.model_validate({**base, "volunteer": {"resident_id": "r1"}})


def test_asyncapi_lists_every_topic_and_type():
    doc = build()
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(TOPICS)
    names = {m["name"] for m in doc["components"]["messages"].values()}
    assert names == {name for name, _ in REGISTRY.items()}


def test_committed_asyncapi_document_is_current():
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.yaml is stale: run `python -m contracts.asyncapi`"
    )
