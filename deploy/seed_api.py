"""The seed's view of the public API: a logged-in caller at the gateway, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

Json = dict[str, Any]


class SeedError(RuntimeError):
    """The API refused a step of the seed (the run stops; the next start tries again)."""


@dataclass(frozen=True)
class Caller:
    """The public API through the gateway, as one logged-in person (or nobody)."""

    client: httpx.AsyncClient
    token: str | None = None

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Json | None = None,
        conflict_ok: bool = False,
        service: str = "identity",
    ) -> Any:
        """The JSON answer; None for a 409 when `conflict_ok` (the thing exists already)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        answer = await self.client.request(
            method, f"/api/{service}{path}", json=body, headers=headers
        )
        if answer.status_code == 409 and conflict_ok:
            return None
        if answer.is_error:  # problem+json, whose detail names no personal data
            raise SeedError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json() if answer.content else None


@dataclass(frozen=True)
class Account:
    """A demo person logged in: their API caller and their /me at login time."""

    caller: Caller
    me: Json  # id, verification_status, household_id, roles ...


async def log_in(client: httpx.AsyncClient, phone: str, password: str) -> Account:
    tokens = await Caller(client).call(
        "POST", "/auth/login", body={"phone": phone, "password": password}
    )
    caller = Caller(client, tokens["access_token"])
    return Account(caller, await caller.call("GET", "/me"))
