"""Partner simulator: signed volunteer pushes to the local gateway at a steady rate, with figures.

    python -m deploy.volunteer_sim --count 1000 --rate 200 [--gateway http://127.0.0.1:8000]
        [--partner-file .data/demo-partner.json] [--phones 13800002001,...] [--batch N]
        [--duplicate-every K] [--max-seconds S]

It plays the volunteer platform with the demo partner's secret (written by deploy/seed.py):
`--count` events for the demo residents' phones and the activity types of the demo points
lists, `--rate` events per second (open loop: a slow gateway does not slow the schedule),
one CloudEvent per request or `--batch N` per request. `--duplicate-every K` sends every
K-th request a second time once it was answered, as a partner retrying would. It talks to
127.0.0.1 only, stops sending after `--max-seconds`, and prints sent/accepted/rejected/
duplicates and the p50/p99 request latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from deploy import demo_data as demo
from deploy.settings import DeploySettings
from gateway.ingress_checks import BATCH, SINGLE, signature_header

EVENT_TYPE = "org.shanzhi.volunteer.activity_completed.v1"
MAX_COUNT = 1_000_000
MAX_RATE = 20_000.0
MAX_IN_FLIGHT = 256
DEMO_PHONES = tuple(r.phone for r in demo.RESIDENTS)
COMMUNITY_OF = {r.phone: r.community for r in demo.RESIDENTS}


def volunteer_activity_types() -> tuple[str, ...]:
    """The activity types the demo points lists name in their volunteer triggers."""
    found: list[str] = []
    for item in demo.COMMON_ITEMS:
        triggers = item.get("triggers")
        for trigger in triggers if isinstance(triggers, list) else []:
            kind = trigger.get("activity_type") if isinstance(trigger, dict) else None
            if isinstance(kind, str) and kind not in found:
                found.append(kind)
    return tuple(found)


ACTIVITY_TYPES = volunteer_activity_types()  # 环境整治, 助老服务


@dataclass(frozen=True)
class Plan:
    gateway: str
    partner_id: str
    secret: str
    count: int
    rate: float  # events per second
    phones: tuple[str, ...] = DEMO_PHONES
    batch: int | None = None  # None: one event per request, as application/cloudevents+json
    duplicate_every: int = 0
    max_seconds: float = 600.0


@dataclass
class Report:
    sent: int = 0  # distinct events
    resent: int = 0  # events sent again by --duplicate-every
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # events, by status or error
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    elapsed: float = 0.0

    def lines(self, plan: Plan) -> list[str]:
        rate = self.sent / self.elapsed if self.elapsed else 0.0
        failed = ", ".join(f"{k}: {v}" for k, v in sorted(self.failed.items())) or "0"
        return [
            f"{self.sent} events in {len(self.latencies)} requests to {plan.gateway} "
            f"over {self.elapsed:.1f} s ({rate:.1f} events/s, asked {plan.rate:g})",
            f"sent {self.sent}  resent {self.resent}  accepted {self.accepted}  "
            f"duplicates {self.duplicates}  rejected {self.rejected}  failed {failed}",
            f"request latency p50 {percentile(self.latencies, 0.50) * 1000:.1f} ms  "
            f"p99 {percentile(self.latencies, 0.99) * 1000:.1f} ms",
        ]


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def activity_event(n: int, plan: Plan, now: datetime) -> dict[str, Any]:
    phone = plan.phones[n % len(plan.phones)]
    kind = ACTIVITY_TYPES[n % len(ACTIVITY_TYPES)]
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": f"/partners/{plan.partner_id}",
        "type": EVENT_TYPE,
        "time": now.isoformat(),
        "data": {
            "volunteer": {"phone": phone},
            "activity": {"id": f"sim-{n}", "type": kind, "title": f"{kind}（模拟）"},
            "community_code": COMMUNITY_OF.get(phone, demo.communities()[0]),
            "hours": 1 + n % 2,
            "completed_at": now.isoformat(),
        },
    }


def encode(plan: Plan, events: list[dict[str, Any]]) -> bytes:
    """The body as sent (a duplicate sends the very same bytes again, freshly signed)."""
    return json.dumps(events if plan.batch else events[0], ensure_ascii=False).encode()


async def send(
    client: httpx.AsyncClient, plan: Plan, raw: bytes, size: int, report: Report
) -> None:
    headers = {
        "X-Partner-Id": plan.partner_id,
        "X-Signature": signature_header(plan.secret, raw, timestamp=int(time.time())),
        "Content-Type": BATCH if plan.batch else SINGLE,
    }
    started = time.perf_counter()
    try:
        answer = await client.post("/webhooks/volunteer", content=raw, headers=headers)
    except httpx.HTTPError as exc:
        report.failed[type(exc).__name__] += size
        return
    finally:
        report.latencies.append(time.perf_counter() - started)
    if answer.status_code != 202:
        report.failed[str(answer.status_code)] += size
        return
    body = answer.json()
    report.accepted += body["accepted"]
    report.duplicates += body["duplicates"]
    report.rejected += len(body["rejected"])


async def run(plan: Plan) -> Report:
    """Send the plan's events on schedule; returns when all answered (or the time ran out)."""
    check_local(plan.gateway)
    report = Report()
    per_request = plan.batch or 1
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=plan.gateway, timeout=30.0, limits=limits) as client:

        async def one(raw: bytes, size: int, copies: int) -> None:
            try:
                async with slots:
                    for _ in range(copies):  # a resend only once the first was answered
                        await send(client, plan, raw, size, report)
            except asyncio.CancelledError:
                report.failed["no answer in time"] += size
                raise

        for number, first in enumerate(range(0, plan.count, per_request), start=1):
            due = started + first / plan.rate
            if due - started > plan.max_seconds:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = datetime.now(UTC)
            size = min(per_request, plan.count - first)
            events = [activity_event(n, plan, now) for n in range(first, first + size)]
            raw = encode(plan, events)
            report.sent += size
            copies = 2 if plan.duplicate_every and number % plan.duplicate_every == 0 else 1
            report.resent += size * (copies - 1)
            task = asyncio.create_task(one(raw, size, copies))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        remaining = max(1.0, plan.max_seconds - (time.monotonic() - started))
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=remaining)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
    report.elapsed = time.monotonic() - started
    return report


def check_local(gateway: str) -> None:
    """A load generator must not be pointed at somebody else's server."""
    url = httpx.URL(gateway)
    if url.scheme not in ("http", "https") or url.host != "127.0.0.1":
        raise ValueError(f"the simulator only pushes to 127.0.0.1, not {gateway}")


def read_partner(path: Path) -> tuple[str, str]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return str(saved["partner_id"]), str(saved["secret"])
    except FileNotFoundError:
        raise SystemExit(
            f"{path} not found: start the demo (make up) so the seed writes it"
        ) from None
    except (ValueError, KeyError) as exc:
        raise SystemExit(f"{path} is not a partner file: {exc!r}") from None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    deploy = DeploySettings()
    parser = argparse.ArgumentParser(
        prog="python -m deploy.volunteer_sim",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--count", type=int, default=1000, help="events to send")
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{deploy.gateway_port}")
    parser.add_argument("--partner-file", type=Path, default=deploy.data_dir / "demo-partner.json")
    parser.add_argument("--phones", help="comma-separated; default: the demo residents'")
    parser.add_argument("--batch", type=int, help="events per request (a batch push)")
    parser.add_argument("--duplicate-every", type=int, default=0, help="resend every K-th")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop sending after")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= MAX_COUNT or not 0 < args.rate <= MAX_RATE:
        parser.error(f"--count must be 1..{MAX_COUNT} and --rate in (0, {MAX_RATE:g}]")
    if args.batch is not None and not 1 <= args.batch <= 500:
        parser.error("--batch must be 1..500 (the gateway's batch limit)")
    if args.duplicate_every < 0 or not 0 < args.max_seconds <= 3600:
        parser.error("--duplicate-every must be >= 0 and --max-seconds in (0, 3600]")
    try:
        check_local(args.gateway)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    partner_id, secret = read_partner(args.partner_file)
    phones = tuple(p.strip() for p in args.phones.split(",") if p.strip()) if args.phones else None
    plan = Plan(
        gateway=args.gateway,
        partner_id=partner_id,
        secret=secret,
        count=args.count,
        rate=args.rate,
        batch=args.batch,
        duplicate_every=args.duplicate_every,
        max_seconds=args.max_seconds,
        phones=phones or DEMO_PHONES,
    )
    report = asyncio.run(run(plan))
    for line in report.lines(plan):
        print(f"volunteer_sim: {line}")
    return 1 if report.failed or report.sent < plan.count else 0


if __name__ == "__main__":
    sys.exit(main())
