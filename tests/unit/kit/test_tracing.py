"""Tracing in the kit: nothing done when off; when on, an event's trace continues through the
runner's spans into the events its handlers stage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts.points import PointsAwarded
from kit import tracing
from kit.events import TRACEPARENT, CloudEvent, new_event

UPSTREAM_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
UPSTREAM = f"00-{UPSTREAM_TRACE}-00f067aa0ba902b7-01"
AWARD = PointsAwarded(
    posting_id="p1",
    resident_id="r1",
    community_id="c1",
    item_code="VOL",
    points=5,
    source_type="volunteer",
    source_id="evt-1",
    posted_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
)


def consumed(event_id: str, traceparent: str | None = UPSTREAM) -> CloudEvent:
    return CloudEvent(
        id=event_id,
        source="/partners/p",
        type="org.shanzhi.volunteer.activity_completed.v1",
        time=datetime.now(UTC),
        data={},
        traceparent=traceparent,
    )


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """Tracing on for the test, with a private provider (the process's global one untouched)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))
    yield exporter
    provider.shutdown()


def trace_id(traceparent: str) -> str:
    return traceparent.split("-")[1]


def only(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert len(found) == 1, [s.name for s in spans]
    return found[0]


def test_off_every_event_gets_a_fresh_valid_trace_and_nothing_is_entered() -> None:
    assert not tracing.enabled()
    first, second = tracing.current_traceparent(), tracing.current_traceparent()
    assert TRACEPARENT.match(first) and trace_id(first) != trace_id(second)
    assert tracing.active_traceparent() is None
    assert tracing.event_traceparent(consumed("e1")) is None
    assert tracing.consuming(consumed("e1"), "points") is tracing._OFF
    assert tracing.batch_spans("points", [consumed("e1")]) is tracing._OFF
    assert tracing.publishing(f'{{"traceparent": "{UPSTREAM}"}}') is tracing._OFF


def test_an_event_handled_one_at_a_time_stages_events_in_its_trace(
    exported: InMemorySpanExporter,
) -> None:
    with tracing.consuming(consumed("e1"), "points"):
        staged = new_event(AWARD, source="/services/points", subject="r1")
    assert staged.traceparent is not None and trace_id(staged.traceparent) == UPSTREAM_TRACE
    span = only(exported.get_finished_spans(), "points process " + consumed("e1").type)
    assert span.parent is not None and span.parent.span_id == 0x00F067AA0BA902B7
    assert staged.traceparent.split("-")[2] == f"{span.context.span_id:016x}"


def test_a_batch_gives_each_event_its_own_span_in_its_own_trace(
    exported: InMemorySpanExporter,
) -> None:
    other_trace = "a" * 32
    events = [consumed("e1"), consumed("e2", f"00-{other_trace}-{'b' * 16}-01")]
    with tracing.batch_spans("points", events):
        traces = [tracing.event_traceparent(e) for e in events]
        with tracing.in_event_span(events[1]):
            current = tracing.current_traceparent()
        assert not exported.get_finished_spans()  # open until the batch is done
    assert [trace_id(t or "") for t in traces] == [UPSTREAM_TRACE, other_trace]
    assert current == traces[1]
    spans = exported.get_finished_spans()
    batch = only(spans, "points process batch")
    per_event = [s for s in spans if s is not batch]
    assert len(per_event) == 2
    assert all(s.links[0].context.span_id == batch.context.span_id for s in per_event)
    assert tracing.event_traceparent(events[0]) is None  # the batch is over


def test_an_event_without_a_traceparent_starts_a_trace_of_its_own(
    exported: InMemorySpanExporter,
) -> None:
    with tracing.consuming(consumed("e1", None), "points"):
        assert tracing.active_traceparent() is not None
    assert (
        only(exported.get_finished_spans(), "points process " + consumed("e1").type).parent is None
    )


def test_the_relay_sends_a_stored_event_in_the_trace_it_carries(
    exported: InMemorySpanExporter,
) -> None:
    stored = f'{{"id": "e1", "traceparent": "{UPSTREAM}", "type": "t"}}'  # jsonb::text form
    with tracing.publishing(stored):
        assert tracing.active_traceparent() == UPSTREAM
    with tracing.publishing('{"id": "e1"}'):
        assert tracing.active_traceparent() is None


@pytest.mark.parametrize(
    "value", [None, "", "01-" + UPSTREAM[3:], "00-" + "0" * 32 + "-00f067aa0ba902b7-01", "00-x-y-z"]
)
def test_a_traceparent_that_names_no_span_is_ignored(value: str | None) -> None:
    assert tracing.parse_traceparent(value) is None
