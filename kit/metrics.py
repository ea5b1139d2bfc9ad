"""Prometheus metrics shared by the kit's relay, consumer runner and web layer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet acknowledged by Kafka", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds", "Age of the oldest unsent outbox row", ["service"]
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows acknowledged", ["service"])
OUTBOX_FAILURES = Counter("outbox_publish_failures_total", "Outbox sends that failed", ["service"])
OUTBOX_LATENCY = Histogram(
    "outbox_publish_latency_seconds",
    "From outbox row creation to broker acknowledgement",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OUTBOX_LEADER = Gauge(
    "outbox_relay_leader", "1 when this replica's relay holds the lock", ["service"]
)

CONSUMED = Counter(
    "consumer_events_total",
    "Events seen by the consumer runner, by outcome",
    ["consumer", "outcome"],
)
DEAD_LETTERED = Counter(
    "consumer_dead_lettered_total", "Events parked in a dead-letter topic", ["consumer", "topic"]
)
CONSUMER_RETRIES = Counter(
    "consumer_transient_retries_total", "Batches retried after a transient failure", ["consumer"]
)

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"]
)
# The labelled children of the two request metrics, by labels: `labels()` costs a lock and a
# tuple per call, and a busy gateway observes every request it passes on.
_REQUEST_CHILDREN: dict[tuple[str, str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(service: str, method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency (route is the template, a bounded label)."""
    key = (service, method, route, status)
    children = _REQUEST_CHILDREN.get(key)
    if children is None:
        children = _REQUEST_CHILDREN[key] = (
            HTTP_REQUESTS.labels(service, method, route, str(status)),
            HTTP_LATENCY.labels(service, method, route),
        )
    children[0].inc()
    children[1].observe(seconds)


CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages behind the partition's log end (high watermark minus the consumer's position)",
    ["consumer", "topic", "partition"],
)

# Declared here with the platform's other metrics; observed by points' award handlers.
AWARD_LATENCY = Histogram(
    "points_award_latency_seconds",
    "From the source event's time (a partner push, a fact of another service) to its award "
    "committed",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)


def observe_after_commit(
    session: AsyncSession, histogram: Histogram, since: Iterable[datetime]
) -> None:
    """Observe now - t for each t once the session's transaction commits (not if it rolls back:
    a retried batch is observed once, when it lands)."""
    times = list(since)
    if not times:
        return

    def observe(_: object) -> None:
        now = datetime.now(UTC)
        for t in times:
            histogram.observe(max((now - t).total_seconds(), 0.0))

    event.listen(session.sync_session, "after_commit", observe, once=True)
