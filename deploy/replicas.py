"""Replica counts for the local launcher: REPLICAS="points=3 gateway=2".

Replica k (counted from 0) of a service listens on its base port + 100·k: points on 8002, 8102
and 8202, the gateway on 8000 and 8100. The base ports of one profile are ten apart at most, so
no replica lands on another service's port; `check_ports` still refuses a clash, as ports can
be set one by one (POINTS_PORT=...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

PORT_STEP = 100
# Ten processes of one service on one machine is a test of the machine, not of the platform,
# and 9 keeps every replica within base + 800 (clear of the next thousand's ports).
MAX_REPLICAS = 9
EXAMPLE = 'e.g. REPLICAS="points=3 gateway=2"'


class ReplicasError(ValueError):
    """REPLICAS names something the launcher cannot run."""


def parse_replicas(text: str | None, names: Sequence[str]) -> dict[str, int]:
    """`"points=3 gateway=2"` (spaces or commas between) → {"points": 3, "gateway": 2}."""
    counts: dict[str, int] = {}
    for item in (text or "").replace(",", " ").split():
        name, sep, count = item.partition("=")
        if not sep or not name:
            raise ReplicasError(f"REPLICAS: {item!r} is not NAME=COUNT ({EXAMPLE})")
        if name not in names:
            known = ", ".join(names)
            raise ReplicasError(f"REPLICAS: unknown service {name!r}; it can scale {known}")
        if name in counts:
            raise ReplicasError(f"REPLICAS: {name} is given twice")
        if not count.isdigit() or not 1 <= int(count) <= MAX_REPLICAS:
            raise ReplicasError(
                f"REPLICAS: {item}: a count is a whole number from 1 to {MAX_REPLICAS}"
            )
        counts[name] = int(count)
    return counts


def replica_port(base: int, index: int) -> int:
    """The port of replica `index` (0 is the first, on the base port)."""
    return base + PORT_STEP * index


def replica_name(service: str, index: int, count: int) -> str:
    """How the launcher's output names a replica: "points" alone, "points-2" among three."""
    return service if count == 1 else f"{service}-{index + 1}"


def check_ports(ports: Iterable[tuple[str, int]]) -> None:
    """Refuse two processes on one port, naming both."""
    owners: dict[int, list[str]] = {}
    for owner, port in ports:
        owners.setdefault(port, []).append(owner)
    clashes = [f"{' and '.join(who)} on {port}" for port, who in owners.items() if len(who) > 1]
    if clashes:
        raise ReplicasError(
            f"ports clash ({'; '.join(clashes)}): each replica takes its base port "
            f"+ {PORT_STEP}·k, so set the base ports further apart or ask for fewer replicas"
        )


def idle_consumer_warnings(
    counts: Mapping[str, int], consumers: Iterable[str], partitions: int
) -> list[str]:
    """A line for each consuming service with more replicas than a topic has partitions."""
    by_name = Counter({name: counts.get(name, 1) for name in consumers})
    return [
        f"REPLICAS: {name}={count} is more than the {partitions} partitions of a topic: at most "
        f"{partitions} of its replicas share one topic's events (the others still serve HTTP)"
        for name, count in sorted(by_name.items())
        if count > partitions
    ]
