"""The published language: every event type any service produces, with its data model."""

from contracts import identity, mall, notices, petitions, points, volunteer
from contracts.base import REGISTRY, TOPICS, EventData, Registry, UnknownEventType, dlq_topic

__all__ = [
    "REGISTRY",
    "TOPICS",
    "EventData",
    "Registry",
    "UnknownEventType",
    "dlq_topic",
    "identity",
    "mall",
    "notices",
    "petitions",
    "points",
    "volunteer",
]
