"""OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

On, a process exports its spans over OTLP (http/protobuf) and instruments FastAPI, httpx,
asyncpg and aiokafka (the gateway's proxy makes its own server and client spans: `serving`,
`calling`); the trace crosses Kafka in each CloudEvent's
`traceparent` extension (stamped by kit.outbox from the span current when an event is staged,
read back by the consumer runner, which handles each event in a child span of it). Off,
nothing is patched, no middleware is added and every function here returns at its first line.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanContext, SpanKind, TraceFlags

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kit.events import CloudEvent

# The extension as PostgreSQL renders a stored envelope (jsonb::text puts ": " between).
_STORED_TRACEPARENT = re.compile(r'"traceparent": ?"([0-9a-f-]{55})"')
ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"
_NOT_TRACED = "healthz,readyz,metrics"

_OFF: AbstractContextManager[object] = nullcontext()  # reusable: nothing made per call when off
_NO_CALL_SPAN: AbstractContextManager[None] = nullcontext()
_tracer: trace.Tracer | None = None  # set by configure() when tracing is on
# The consumer's span of each event of the batch being applied, by event id (kit.consumer_batch).
_event_spans: ContextVar[dict[str, Span] | None] = ContextVar("kit_event_spans", default=None)


def new_traceparent() -> str:
    """A fresh W3C traceparent (sampled). Its ids come from `random`, as OpenTelemetry's own
    id generator makes them: unique, not secret, and no system call per request."""
    return f"00-{random.getrandbits(128) or 1:032x}-{random.getrandbits(64) or 1:016x}-01"


def enabled() -> bool:
    return _tracer is not None


def configure(service: str) -> None:
    """Turn tracing on for this process when an OTLP endpoint is configured; idempotent."""
    global _tracer
    if _tracer is not None or not os.environ.get(ENDPOINT_ENV):
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and the OTEL_EXPORTER_OTLP_* / OTEL_BSP_*
    # variables are honoured as the SDK documents; the service name defaults to ours.
    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or service})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    AIOKafkaInstrumentor().instrument()
    _tracer = trace.get_tracer("kit")


def instrument_app(app: FastAPI) -> None:
    """Server spans for the app's requests (continuing an incoming traceparent); only when on."""
    if _tracer is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=_NOT_TRACED, exclude_spans=["receive", "send"]
    )


def format_traceparent(context: SpanContext) -> str:
    flags = int(context.trace_flags) & 0xFF
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"


def parse_traceparent(value: str | None) -> SpanContext | None:
    """The remote span context a W3C traceparent names; None if it names none."""
    parts = (value or "").split("-")
    if len(parts) != 4 or parts[0] != "00":
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3], 16)
    except ValueError:
        return None
    context = SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags))
    return context if context.is_valid else None


def active_traceparent() -> str | None:
    """The current span's traceparent; None when tracing is off or no span is current."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    return format_traceparent(context) if context.is_valid else None


def current_traceparent() -> str:
    """The current span's traceparent, or a fresh one when tracing is off or none is current."""
    return active_traceparent() or new_traceparent()


def event_traceparent(envelope: CloudEvent) -> str | None:
    """The traceparent for what a batch handler stages on behalf of `envelope`: the runner's
    span of that event; None (the outbox then stamps the current span or a fresh trace)
    when tracing is off or the event is not being consumed in a batch."""
    if _tracer is None:
        return None
    spans = _event_spans.get()
    span = spans.get(envelope.id) if spans else None
    return format_traceparent(span.get_span_context()) if span is not None else None


def _parent(traceparent: str | None) -> Context | None:
    remote = parse_traceparent(traceparent)
    return trace.set_span_in_context(trace.NonRecordingSpan(remote)) if remote else None


def serving(method: str, route: str, traceparent: str | None) -> AbstractContextManager[object]:
    """A server span of one request answered outside the FastAPI instrumentation (the
    gateway's proxy), continuing the caller's traceparent; nothing when off."""
    if _tracer is None:
        return _OFF
    return _tracer.start_as_current_span(
        f"{method} {route}",
        context=_parent(traceparent),
        kind=SpanKind.SERVER,
        attributes={"http.method": method, "http.route": route},
    )


def calling(method: str, url: str) -> AbstractContextManager[str | None]:
    """A client span of one outgoing HTTP call made without an instrumented client library;
    gives the traceparent to send with the call (None when off)."""
    if _tracer is None:
        return _NO_CALL_SPAN
    return _calling(_tracer, method, url)


@contextmanager
def _calling(tracer: trace.Tracer, method: str, url: str) -> Iterator[str]:
    attributes = {"http.method": method, "http.url": url}
    with tracer.start_as_current_span(method, kind=SpanKind.CLIENT, attributes=attributes) as span:
        yield format_traceparent(span.get_span_context())


def consuming(envelope: CloudEvent, consumer: str) -> AbstractContextManager[object]:
    """Handle one event inside a consumer span, child of the event's traceparent."""
    if _tracer is None:
        return _OFF
    return _tracer.start_as_current_span(
        f"{consumer} process {envelope.type}",
        context=_parent(envelope.traceparent),
        kind=SpanKind.CONSUMER,
        attributes=_event_attributes(envelope, consumer),
    )


def batch_spans(consumer: str, envelopes: Iterable[CloudEvent]) -> AbstractContextManager[object]:
    """One span for a batch (current while it is applied) and, per event, a consumer span that
    continues the event's trace, links to the batch span and ends when the batch does."""
    if _tracer is None:
        return _OFF
    events = list(envelopes)
    return _batch_spans(_tracer, consumer, events) if events else _OFF


@contextmanager
def _batch_spans(
    tracer: trace.Tracer, consumer: str, envelopes: Sequence[CloudEvent]
) -> Iterator[None]:
    with tracer.start_as_current_span(
        f"{consumer} process batch", attributes={"messaging.batch.message_count": len(envelopes)}
    ) as batch:
        link = [Link(batch.get_span_context())]
        spans = {
            e.id: tracer.start_span(
                f"{consumer} process {e.type}",
                context=_parent(e.traceparent),
                kind=SpanKind.CONSUMER,
                links=link,
                attributes=_event_attributes(e, consumer),
            )
            for e in envelopes
        }
        token = _event_spans.set(spans)
        try:
            yield
        finally:
            _event_spans.reset(token)
            for span in spans.values():
                span.end()


def in_event_span(envelope: CloudEvent) -> AbstractContextManager[object]:
    """Make the batch's span of `envelope` current (a handler that takes one event at a time)."""
    spans = _event_spans.get() if _tracer is not None else None
    span = spans.get(envelope.id) if spans else None
    if span is None:
        return _OFF
    return trace.use_span(span, end_on_exit=False)


def publishing(payload: str) -> AbstractContextManager[object]:
    """While the relay sends a stored event: its traceparent as the current context, so the
    Kafka producer span and the record's trace headers continue the event's trace."""
    if _tracer is None:
        return _OFF
    found = _STORED_TRACEPARENT.search(payload)
    remote = parse_traceparent(found.group(1)) if found else None
    return trace.use_span(trace.NonRecordingSpan(remote)) if remote else _OFF


def _event_attributes(envelope: CloudEvent, consumer: str) -> dict[str, str]:
    return {
        "messaging.system": "kafka",
        "messaging.consumer.group.name": consumer,
        "messaging.message.id": envelope.id,
        "cloudevents.event_type": envelope.type,
        "cloudevents.event_source": envelope.source,
    }
