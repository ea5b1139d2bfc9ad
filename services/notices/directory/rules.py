"""Pure rules about org unit paths ("/district/town/community[/grid]")."""

from __future__ import annotations

import uuid


def ancestors(path: str) -> list[tuple[uuid.UUID, str]]:
    """Every unit on the path with its own path, root first (the last is the unit itself)."""
    parts = path.strip("/").split("/")
    return [(uuid.UUID(parts[i]), "/" + "/".join(parts[: i + 1])) for i in range(len(parts))]


def unit_ids(path: str) -> list[uuid.UUID]:
    """The ids of the unit and every unit above it: a resident here reads their notices."""
    return [unit_id for unit_id, _ in ancestors(path)]


def within(inner: str, outer: str) -> bool:
    """True if `inner` is `outer` or lies below it."""
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")
