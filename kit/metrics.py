"""Prometheus metrics shared by the kit's relay, consumer runner and web layer."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
