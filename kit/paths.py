"""Org unit paths ("/district/town/community[/grid]", ids joined by "/"): pure helpers every
service that keeps identity's units by path shares, and staff grants' scope checks use."""

from __future__ import annotations

import uuid


def within(inner: str, outer: str) -> bool:
    """True if `inner` is `outer` or lies below it (a sibling sharing a prefix does not)."""
    own = outer.rstrip("/")
    return inner == own or inner.startswith(own + "/")


def ancestors(path: str) -> list[tuple[uuid.UUID, str]]:
    """Every unit on the path with its own path, root first (the last is the unit itself)."""
    parts = path.strip("/").split("/")
    return [(uuid.UUID(parts[i]), "/" + "/".join(parts[: i + 1])) for i in range(len(parts))]


def unit_ids(path: str) -> list[uuid.UUID]:
    """The ids of the unit and every unit above it, root first."""
    return [unit_id for unit_id, _ in ancestors(path)]


def parent_of(path: str) -> uuid.UUID | None:
    """The unit one level up (a community's town), or None at the root."""
    ids = unit_ids(path)
    return ids[-2] if len(ids) >= 2 else None
