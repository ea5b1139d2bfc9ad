"""村民说事 demo data through the API: each community's categories, then its petitions raised by
verified residents and taken by staff and authors to the state deploy/demo_petitions.py gives.

Idempotent: categories are found by name, petitions by their author's title, and an action
already in a petition's timeline is not taken again, so a second run (or one after a failure
halfway) adds nothing twice. Petitions learns communities and staff from identity's events:
until it has, a request naming them answers 422 on that field, which is retried for a while.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from typing import Any

import httpx

from deploy import demo_data as demo
from deploy import demo_petitions as plan
from deploy.seed_api import Caller, Json, SeedError, log_in

WAIT_FOR_SYNC = 90.0  # seconds petitions may take to hear of a community or staff grant
SYNCED_FIELDS = ("community_id", "assignee_id", "default_assignee_id")
KEYS = uuid.UUID("5d1c0c57-7a8e-4d0e-9c1e-3f2d6c0b9a11")  # namespace of the idempotency keys


async def request(
    caller: Caller, method: str, path: str, body: Json | None = None, key: str | None = None
) -> Any:
    """The petitions API's JSON answer, retried while it names a field not yet synced."""
    headers = {"Authorization": f"Bearer {caller.token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    deadline = time.monotonic() + WAIT_FOR_SYNC
    while True:
        answer = await caller.client.request(
            method, f"/api/petitions{path}", json=body, headers=headers
        )
        unsynced = answer.status_code == 422 and _field(answer) in SYNCED_FIELDS
        if not unsynced or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    if answer.is_error:
        raise SeedError(f"{method} /api/petitions{path}: {answer.status_code} {answer.text[:300]}")
    return answer.json() if answer.content else None


def _field(answer: httpx.Response) -> Any:
    try:
        return answer.json().get("field")
    except ValueError:
        return None


async def ensure_categories(staff: Caller, community_id: str) -> dict[str, str]:
    """The community's demo categories, created unless one of that name exists; name → id."""
    listed = await request(staff, "GET", f"/categories?community_id={community_id}")
    ids = {c["name"]: c["id"] for c in listed["items"]}
    for category in plan.CATEGORIES:
        if category.name in ids:
            continue
        body = {"community_id": community_id, **dataclasses.asdict(category)}
        ids[category.name] = (await request(staff, "POST", "/categories", body))["id"]
    return ids


async def ensure_petition(
    petition: plan.Petition,
    *,
    author: Caller,
    staff: Caller,
    staff_id: str,
    community_id: str,
    categories: dict[str, str],
) -> None:
    """Raise it unless the author has one of that title; then take the steps not yet taken."""
    found = await _mine(author, petition.title)
    if found is None:
        body = {
            "community_id": community_id,
            "category_id": categories[petition.category],
            "title": petition.title,
            "content": petition.content,
            "location": {"address": petition.address},
            "visibility": petition.visibility,
        }
        key = str(uuid.uuid5(KEYS, f"{petition.author}:{petition.title}"))
        found = await request(author, "POST", "", body, key=key)
    pid = found["id"]
    done = {e["action"] for e in (await request(staff, "GET", f"/{pid}"))["timeline"]}
    for step in petition.steps:
        if step.action in done:
            continue
        body = {k: staff_id if v == plan.STAFF_ID else v for k, v in step.body.items()}
        caller = staff if step.by == "staff" else author
        await request(caller, "POST", f"/{pid}/actions/{step.action}", body)


async def _mine(author: Caller, title: str) -> Json | None:
    """The author's petition of this title, if raised already."""
    page = await request(author, "GET", "?mine=true&limit=100")
    return next((p for p in page["items"] if p["title"] == title), None)


async def seed_petitions(
    client: httpx.AsyncClient, units: dict[str, str], staff: dict[str, Caller]
) -> int:
    """Every demo community's categories and petitions; returns how many petitions there are.

    `staff` is each community's petitions handler (its reviewer), logged in after the grant.
    """
    for code in demo.communities():
        handler_id = (await staff[code].call("GET", "/me"))["id"]
        categories = await ensure_categories(staff[code], units[code])
        for petition in (p for p in plan.PETITIONS if p.community == code):
            # Logged in now: the token must carry the verification done earlier in the seed.
            author = (await log_in(client, petition.author, demo.DEMO_PASSWORD)).caller
            await ensure_petition(
                petition,
                author=author,
                staff=staff[code],
                staff_id=handler_id,
                community_id=units[code],
                categories=categories,
            )
    return len(plan.PETITIONS)
