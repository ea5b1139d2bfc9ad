"""Recent changes of people's access, applied over the tokens they already hold.

identity publishes `org.shanzhi.identity.person.access_changed.v1` in the same transaction as
every change of what a token says a person may do (verified, disabled, roles, community), with
the person's complete facts after the change. Every process (each service replica and each
gateway replica) reads those events itself (kit.access_feed) into an AccessOverlay and lets
them override an older token's claims, per request, after the token's signature was checked.

Why a window is enough: a fact older than the longest a token stays accepted (its lifetime
plus the verifier's leeway) is already in every token still accepted, since identity signs
each token from the facts as they stand. So the overlay keeps only the facts of
`access_facts_window_seconds` and memory stays bounded by the changes made in that time.

When a fact governs a token (`governs`): its `changed_at` is at or after the token's `iat`,
less ISSUE_SLACK_SECONDS. Both times come from identity's clock; `iat` is whole seconds
(rounded down), `changed_at` is not. The edge cases:
- A token issued in the same second as a change, before or after it, is governed by it: `iat`
  cannot tell them apart. If the token came after, the facts equal what it says (identity
  read them from the same committed state), so applying them changes nothing.
- A change's `changed_at` is when its request began, and it commits a little later; a token
  issued in between read the state before the change, yet its `iat` is later than
  `changed_at`. ISSUE_SLACK_SECONDS covers a change whose transaction takes up to that long;
  a token issued during a change that took longer keeps its stale claims until it expires.
- The price of the slack: a token issued up to ISSUE_SLACK_SECONDS after a change is governed
  by it too. With the person's latest facts that changes nothing; a process still behind on
  a second change made within those seconds applies the first until it reads the second.
- A token issued more than ISSUE_SLACK_SECONDS after the person's last change is never
  overridden: it was signed from that change's outcome. So a fresh login works at once even
  while this process is still catching up on older facts (e.g. disabled, then enabled).
- Several changes of one person: the last event read is their current state (identity
  publishes them in commit order, keyed by person, so in one partition), and it governs every
  token issued before the latest of them. "Latest" is the largest `changed_at` read for the
  person, not the last event's own: two changes that overlap commit in the order of their row
  lock, which need not be the order in which their requests began.
- The overlay is not caught up, or Kafka is away: the token's own claims stand (at worst as
  stale as they were before this existed); readiness waits for the first catch-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kit.auth import KNOWN_ROLES, InvalidToken, Principal, Role, RoleGrant, principal_from_claims

ACCESS_CHANGED = "org.shanzhi.identity.person.access_changed.v1"
ISSUE_SLACK_SECONDS = 2
ACCOUNT_DISABLED = "账号已停用，请联系社区工作人员"


class AccountDisabled(InvalidToken):
    """The token is genuine but its person's account was disabled after it was issued."""

    title = "账号已停用"


@dataclass(frozen=True)
class AccessFacts:
    """What identity says a person may do now, and since when (epoch seconds, identity's clock)."""

    verified: bool
    disabled: bool
    community_id: str | None
    roles: tuple[RoleGrant, ...]
    changed_at: float

    def governs(self, iat: float) -> bool:
        """Whether these facts are newer than what a token issued at `iat` says (see module)."""
        return self.changed_at >= iat - ISSUE_SLACK_SECONDS


def facts_from_event(data: Mapping[str, Any]) -> tuple[str, AccessFacts]:
    """The person id and facts of an access_changed event's `data` (validated by contracts)."""
    changed = datetime.fromisoformat(str(data["changed_at"])).timestamp()
    grants = tuple(
        RoleGrant(role=_role(g["role"]), unit_id=str(g["unit_id"]), unit_path=str(g["unit_path"]))
        for g in data.get("roles", [])
        if g["role"] in KNOWN_ROLES  # as for tokens: a role this code does not know grants nothing
    )
    community = data.get("community_id")
    facts = AccessFacts(
        verified=bool(data["verified"]),
        disabled=bool(data["disabled"]),
        community_id=None if community is None else str(community),
        roles=grants,
        changed_at=changed,
    )
    return str(data["person_id"]), facts


def _role(value: str) -> Role:
    return value  # type: ignore[return-value]  # checked against KNOWN_ROLES by the caller


def overlay(principal: Principal, iat: float, facts: AccessFacts | None) -> Principal:
    """The principal with the person's newer facts applied; AccountDisabled if they are off."""
    if facts is None or not facts.governs(iat):
        return principal
    if facts.disabled:
        raise AccountDisabled(ACCOUNT_DISABLED)
    return replace(
        principal, verified=facts.verified, roles=facts.roles, community_id=facts.community_id
    )


class AccessOverlay:
    """The latest facts per person within the window; one per process, read by every request."""

    def __init__(self, *, window_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.window_seconds = window_seconds
        self._clock = clock
        self._facts: dict[str, AccessFacts] = {}
        self.caught_up = False  # set by the feed once it has read up to the log's end

    def record(self, person_id: str, facts: AccessFacts) -> None:
        """The person's facts from now on: the last event read is their current state."""
        previous = self._facts.get(person_id)
        if previous is not None and previous.changed_at > facts.changed_at:
            facts = replace(facts, changed_at=previous.changed_at)
        if self._in_window(facts.changed_at):
            self._facts[person_id] = facts
        else:  # every accepted token already says this, and it supersedes what came before
            self._facts.pop(person_id, None)

    def prune(self) -> int:
        """Forget facts every accepted token already carries; how many people were forgotten."""
        stale = [p for p, f in self._facts.items() if not self._in_window(f.changed_at)]
        for person_id in stale:
            del self._facts[person_id]
        return len(stale)

    def facts_for(self, person_id: str) -> AccessFacts | None:
        return self._facts.get(person_id)

    def __len__(self) -> int:
        return len(self._facts)

    def principal(self, claims: Mapping[str, Any]) -> Principal:
        """The Principal of verified token claims, with any newer facts of its person applied."""
        principal = principal_from_claims(claims)
        iat = claims.get("iat")
        if not isinstance(iat, int | float):
            return principal  # the verifier requires iat; a test's hand-made claims may not
        return overlay(principal, iat, self._facts.get(principal.sub))

    def _in_window(self, changed_at: float) -> bool:
        return changed_at >= self._clock() - self.window_seconds


def principal_of(state: Any, claims: Mapping[str, Any]) -> Principal:
    """The caller as an app whose state may hold an AccessOverlay (`access_overlay`) sees them."""
    access: AccessOverlay | None = getattr(state, "access_overlay", None)
    if access is None:
        return principal_from_claims(claims)
    return access.principal(claims)
