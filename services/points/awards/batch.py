"""Awards for a run of events at once, leaving the ledger exactly as posting them one at a time
(awards/service.py, awards/volunteer.py) in the same order would.

One statement per step for the whole batch: lock every wallet, find the lists in force per
(community, local date), sum what caps have counted per (resident, item, window), then plan
the postings in order in memory (a wallet's debt and balance, and the caps' windows, move as
each award of the batch is planned), and write postings, entries, scores, wallets and outbox
rows in bulk. The database enforces the ledger's invariants as before (balanced postings,
append-only, the wallet CHECK, a fact posted once). Anything the batch does not decide alone —
an account missing for an event that needs one, a fact already posted — raises, and the
runner replays the events one by one on the careful path.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kit import metrics
from kit.errors import PermanentEventError
from kit.events import CloudEvent
from kit.tracing import event_traceparent
from services.points.awards import batch_sql as sql
from services.points.awards.batch_plan import Ledger, Resolved, WalletState
from services.points.base import LOCAL
from services.points.ledger import wallets as ledger_wallets
from services.points.listing.rules import Item, Source, find_item, points_for


@dataclass(frozen=True)
class AwardRequest:
    """One event's award as the one-at-a-time handler would post it."""

    envelope: CloudEvent
    resident_id: uuid.UUID | None  # the wallet by resident id, or else
    phone_hash: str | None  # by the keyed phone hash of a volunteer push
    community_hint: str | None  # the list's community as pushed; None: the wallet's own
    source: Source
    activity_type: str | None
    hours: float | None
    at: datetime
    source_type: str
    actor: str
    reason: str
    per_resident_source: bool = False  # source id "<event id>:<resident id>" (volunteer)
    pending_key: str | None = None  # no wallet: park for registration (else a poison event)
    park_unmatched: bool = False  # no item: park for staff (else nothing to post)


PENDING = ("event", "key", "envelope", "received", "expires")
UNMATCHED = ("id", "event", "community", "type", "envelope")


@dataclass
class Parked:
    pending: dict[str, list[object]] = field(default_factory=lambda: _columns(PENDING))
    unmatched: dict[str, list[object]] = field(default_factory=lambda: _columns(UNMATCHED))


def _columns(names: tuple[str, ...]) -> dict[str, list[object]]:
    return {name: [] for name in names}


async def apply_awards(
    session: AsyncSession, requests: list[AwardRequest], *, pending_retention: timedelta
) -> None:
    """Post the requests' awards in order, park what waits for registration or for staff."""
    locked = await _lock(session, requests)
    parked = Parked()
    found: list[tuple[AwardRequest, WalletState, uuid.UUID]] = []
    for request in requests:
        wallet = _wallet_of(locked, request)
        if wallet is None:
            _park_pending(parked, request, pending_retention)
            continue
        found.append((request, wallet, _community(request, wallet)))
    lists = await sql.lists_in_force(session, {(c, _day(r.at)) for r, _, c in found})
    resolved: list[Resolved] = []
    times: list[datetime] = []  # of the events posted, for points_award_latency_seconds
    for request, wallet, community in found:
        item = find_item(
            lists.get((community, _day(request.at)), []), request.source, request.activity_type
        )
        if item is None:
            if request.park_unmatched:
                _park_unmatched(parked, request, community)
            continue
        resolved.append(_resolved(request, wallet, item))
        times.append(request.envelope.time)
    ledger = Ledger(await sql.earned_since(session, Ledger.windows(resolved)))
    issuing = {
        c: await ledger_wallets.system_account(session, "issuing", c)
        for c in {r.wallet.community_id for r in resolved}
    }
    for entry in resolved:
        ledger.post(entry, issuing=issuing[entry.wallet.community_id])
    await sql.park_pending(session, parked.pending)
    await sql.park_unmatched(session, parked.unmatched)
    await ledger.write(session)
    metrics.observe_after_commit(session, metrics.AWARD_LATENCY, times)


async def _lock(session: AsyncSession, requests: list[AwardRequest]) -> dict[object, WalletState]:
    rows = await sql.lock_wallets(
        session,
        (r.resident_id for r in requests if r.resident_id is not None),
        (r.phone_hash for r in requests if r.phone_hash is not None),
    )
    found: dict[object, WalletState] = {}
    for row in rows:
        wallet = WalletState.from_row(row)
        found[("resident", row["resident_id"])] = wallet
        if row["phone_hash"] is not None:
            found[("phone", row["phone_hash"])] = wallet
    return found


def _wallet_of(wallets: dict[object, WalletState], request: AwardRequest) -> WalletState | None:
    key = (
        ("resident", request.resident_id) if request.resident_id else ("phone", request.phone_hash)
    )
    wallet = wallets.get(key)
    if wallet is None and request.pending_key is None:
        # Parked in the dead-letter topic with the reason, to be replayed once identity caught up.
        raise PermanentEventError(f"no points account for resident {request.resident_id}")
    return wallet


def _community(request: AwardRequest, wallet: WalletState) -> uuid.UUID:
    if request.community_hint is None:
        return wallet.community_id
    try:
        return uuid.UUID(request.community_hint)
    except ValueError:
        raise PermanentEventError(f"community_id {request.community_hint!r} is not an id") from None


def _resolved(request: AwardRequest, wallet: WalletState, item: Item) -> Resolved:
    envelope_id = request.envelope.id
    source_id = (
        f"{envelope_id}:{wallet.resident_id}" if request.per_resident_source else envelope_id
    )
    return Resolved(
        wallet=wallet,
        item=item,
        amount=points_for(item, request.hours),
        source_type=request.source_type,
        source_id=source_id,
        actor=request.actor,
        reason=request.reason,
        at=request.at,
        trace=event_traceparent(request.envelope),
    )


def _day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


def _park_pending(parked: Parked, request: AwardRequest, retention: timedelta) -> None:
    assert request.pending_key is not None
    received = request.envelope.time
    rows = parked.pending
    rows["event"].append(request.envelope.id)
    rows["key"].append(request.pending_key)
    rows["envelope"].append(request.envelope.model_dump_json())
    rows["received"].append(received)
    rows["expires"].append(received + retention)


def _park_unmatched(parked: Parked, request: AwardRequest, community: uuid.UUID) -> None:
    rows = parked.unmatched
    rows["id"].append(uuid.uuid4())
    rows["event"].append(request.envelope.id)
    rows["community"].append(community)
    rows["type"].append(request.activity_type)
    rows["envelope"].append(request.envelope.model_dump_json())
