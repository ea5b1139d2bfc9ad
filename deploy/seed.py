"""Demo data for a first local start, loaded through the public API at the gateway.

Run by the launcher once per data directory: it waits for the gateway, logs in
as the district administrator (FIRST_ADMIN_PHONE / FIRST_ADMIN_PASSWORD), loads
deploy/demo_data.py and only then writes the marker file, so later starts skip
it. A run that fails halfway can simply run again: whatever already exists
(409, or found by looking it up) is taken as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import httpx

from deploy import demo_data as demo
from deploy import seed_mall, seed_notices, seed_petitions, volunteer_sim
from deploy.seed_activities import ensure_activities
from deploy.seed_api import Account, Caller, Json, SeedError, log_in

WAIT_FOR_GATEWAY = 180.0


async def wait_for_gateway(gateway_url: str) -> bool:
    deadline = time.monotonic() + WAIT_FOR_GATEWAY
    async with httpx.AsyncClient(base_url=gateway_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            await asyncio.sleep(1.0)
    return False


async def ensure_units(admin: Caller) -> dict[str, str]:
    """Every demo unit, created unless its code exists; returns code → id (root included)."""
    ids = {u["code"]: u["id"] for u in await admin.call("GET", "/org-units")}
    root = (await admin.call("GET", "/org-units?kind=district"))[0]
    for unit in demo.UNITS:
        if unit.code in ids:
            continue
        parent = ids[unit.parent] if unit.parent else root["id"]
        body = {"kind": unit.kind, "code": unit.code, "name": unit.name, "parent_id": parent}
        created = await admin.call("POST", "/org-units", body=body, conflict_ok=True)
        if created is None:  # created meanwhile: look it up by code
            found = await admin.call("GET", f"/org-units?kind={unit.kind}")
            created = next(u for u in found if u["code"] == unit.code)
        ids[unit.code] = created["id"]
    return ids


async def ensure_accounts(
    client: httpx.AsyncClient, people: Sequence[demo.Staff | demo.Resident], units: dict[str, str]
) -> dict[str, Account]:
    """Register each (409: registered already) and log in with the demo password; by phone."""
    accounts = {}
    for person in people:
        body = {"phone": person.phone, "password": demo.DEMO_PASSWORD, "name": person.name}
        body["community_id"] = units[person.community]
        await Caller(client).call("POST", "/residents", body=body, conflict_ok=True)
        accounts[person.phone] = await log_in(client, person.phone, demo.DEMO_PASSWORD)
    return accounts


async def grant_roles(admin: Caller, staff: dict[str, Account], units: dict[str, str]) -> None:
    """Each staff member's role on their community (409: granted already)."""
    for person in demo.STAFF:
        body = {"person_id": staff[person.phone].me["id"], "role": person.role}
        body["unit_id"] = units[person.community]
        await admin.call("POST", "/staff-roles", body=body, conflict_ok=True)


async def verify(resident: demo.Resident, account: Account, reviewer: Caller) -> None:
    """Submit the ID number and, for "verified", approve it as the community's staff."""
    status = account.me["verification_status"]
    if resident.verification == "unverified" or status == "verified":
        return
    if status in ("unverified", "rejected"):
        body = {"real_name": resident.name, "id_number": resident.id_number}
        await account.caller.call("POST", "/me/verification", body=body, conflict_ok=True)
    if resident.verification == "verified":
        path = f"/residents/{account.me['id']}/verification/approve"
        await reviewer.call("POST", path, conflict_ok=True)


async def ensure_household(
    household: demo.Household, accounts: dict[str, Account], reviewer: Caller
) -> None:
    """The head founds it (unless already in one); the community's staff add the others."""
    head = accounts[household.members[0]]
    household_id = head.me["household_id"]
    if household_id is None:
        created = await head.caller.call("POST", "/households", body={"address": household.address})
        household_id = created["id"]
    for phone in household.members[1:]:
        member = accounts[phone]
        if member.me["household_id"] != household_id:
            path = f"/households/{household_id}/members"
            await reviewer.call("POST", path, body={"person_id": member.me["id"]}, conflict_ok=True)


async def ensure_points_list(staff: Caller, community_id: str, items: list[Json]) -> None:
    """Publish the community's points list unless one is in force already."""
    shown = await staff.client.get(f"/api/points/communities/{community_id}/rules")
    if shown.status_code == 200:
        return
    path = f"/communities/{community_id}/rules"
    draft = await staff.call("POST", path, body={"items": items}, service="points")
    await staff.call("POST", f"/rules/{draft['id']}/publish", body={}, service="points")


async def award_activity(staff: Caller, resident_id: str, amount: int) -> None:
    """Some points for the red list, once: the account opens when points hears of the person."""
    for _ in range(60):
        shown = await staff.client.get(
            f"/api/points/accounts/{resident_id}",
            headers={"Authorization": f"Bearer {staff.token}"},
        )
        if shown.status_code == 200:
            break
        await asyncio.sleep(0.5)
    else:
        raise SeedError(f"points account of {resident_id} did not open")
    if shown.json()["lifetime_earned"] > 10:  # more than the welcome award: done before
        return
    body = {
        "resident_id": resident_id,
        "amount": amount,
        "item_code": "ACTIVITY",
        "reason": "参加社区志愿活动（演示数据）",
    }
    await staff.call("POST", "/adjustments", body=body, service="points")


async def ensure_partner(admin: Caller, partner_file: Path) -> str:
    """The volunteer platform and its signing secret, written once to `partner_file` (0600).

    The secret is shown only when issued: a partner that exists without the file
    (an earlier run stopped in between) gets a fresh secret by rotation.
    """
    saved = saved_partner_id(partner_file)
    if saved is not None:
        return saved
    known = [p for p in await admin.call("GET", "/partners") if p["name"] == demo.PARTNER_NAME]
    if known:
        path = f"/partners/{known[0]['partner_id']}/rotate-secret"
        issued = await admin.call("POST", path)
    else:
        issued = await admin.call("POST", "/partners", body={"name": demo.PARTNER_NAME})
    write_private(partner_file, {k: issued[k] for k in ("partner_id", "name", "secret")})
    return str(issued["partner_id"])


def saved_partner_id(path: Path) -> str | None:
    """The partner an earlier run wrote to `path`, if it got that far."""
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["partner_id"])
    except FileNotFoundError:
        return None


def write_private(path: Path, content: Json) -> None:
    """Write JSON readable by the owner only, replacing the file in one step."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older partial file may have had other bits
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(content, out, ensure_ascii=False, indent=2)
    partial.replace(path)


async def load(
    client: httpx.AsyncClient, admin_phone: str, admin_password: str, partner_file: Path
) -> str:
    """Load all demo data; returns a one-line summary (no personal data)."""
    admin = (await log_in(client, admin_phone, admin_password)).caller
    units = await ensure_units(admin)
    staff = await ensure_accounts(client, demo.STAFF, units)
    await grant_roles(admin, staff, units)
    # Logged in again: a token carries the roles held when it was issued.
    reviewers = {
        code: (await log_in(client, demo.reviewer_of(code).phone, demo.DEMO_PASSWORD)).caller
        for code in demo.communities()
    }
    # The lists first: a resident registering afterwards gets the welcome award.
    for code in demo.communities():
        await ensure_points_list(reviewers[code], units[code], demo.points_list(code))
    residents = await ensure_accounts(client, demo.RESIDENTS, units)
    for resident in demo.RESIDENTS:
        await verify(resident, residents[resident.phone], reviewers[resident.community])
    for household in demo.HOUSEHOLDS:
        await ensure_household(household, residents, reviewers[household.community])
    partner_id = await ensure_partner(admin, partner_file)
    for n, resident in enumerate(r for r in demo.RESIDENTS if r.verification == "verified"):
        account = residents[resident.phone]
        await award_activity(reviewers[resident.community], account.me["id"], 2 + (n * 3) % 9)
    # After the awards above, which judge "done before" by points earned: adoption earns too.
    petitions = await seed_petitions.seed_petitions(client, units, reviewers)
    for code in demo.communities():
        here = [r for r in demo.RESIDENTS if r.community == code and r.verification == "verified"]
        attendees = [residents[r.phone].me["id"] for r in here][:3]
        await ensure_activities(reviewers[code], units[code], attendees)
    notices = await load_notices(admin, reviewers, units)
    # After the awards: the demo orders are paid with the points residents earned above.
    items, orders = await seed_mall.seed_mall(client, units, reviewers)
    pushes = await push_volunteer_activities(str(client.base_url), partner_file)
    verified = sum(r.verification == "verified" for r in demo.RESIDENTS)
    return (
        f"{len(demo.UNITS)} org units, {len(demo.STAFF)} staff, {len(demo.RESIDENTS)} residents "
        f"({verified} verified), {len(demo.HOUSEHOLDS)} households, {petitions} petitions, "
        f"{notices} notices, {items} mall items, orders {_counts(orders)}, partner {partner_id}, "
        f"{pushes} volunteer pushes accepted"
    )


def _counts(by_state: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in sorted(by_state.items())) or "none"


async def load_notices(admin: Caller, reviewers: dict[str, Caller], units: dict[str, str]) -> int:
    """Each community's notices by its staff, then the district's one notice; how many new."""
    today = datetime.now(seed_notices.SHANGHAI).date()
    created = 0
    for code in demo.communities():
        drafts = seed_notices.COMMUNITY_NOTICES
        created += await seed_notices.ensure_notices(reviewers[code], units[code], drafts, today)
    root = (await admin.call("GET", "/org-units?kind=district"))[0]["id"]
    district = (seed_notices.DISTRICT_NOTICE,)
    return created + await seed_notices.ensure_notices(admin, root, district, today)


async def push_volunteer_activities(gateway_url: str, partner_file: Path) -> int:
    """The volunteer platform reports a first few completed activities, signed as it would."""
    # A small file, read once: blocking the loop for it is harmless here.
    partner = json.loads(partner_file.read_text(encoding="utf-8"))  # noqa: ASYNC240
    plan = volunteer_sim.Plan(
        gateway=gateway_url.rstrip("/"),
        partner_id=partner["partner_id"],
        secret=partner["secret"],
        count=24,
        rate=12,
    )
    report = await volunteer_sim.run(plan)
    return report.accepted


async def seed(gateway_url: str, partner_file: Path) -> str | None:
    """Load the demo data; its summary, or None (said why) when it could not."""
    phone = os.environ.get("FIRST_ADMIN_PHONE")
    password = os.environ.get("FIRST_ADMIN_PASSWORD")
    if not (phone and password):
        print("FIRST_ADMIN_PHONE and FIRST_ADMIN_PASSWORD are not set: no admin to seed with")
        return None
    if not await wait_for_gateway(gateway_url):
        print(f"gateway at {gateway_url} not ready after {WAIT_FOR_GATEWAY:.0f} s; no demo data")
        return None
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30.0) as client:
        try:
            return await load(client, phone, password, partner_file)
        except (SeedError, httpx.HTTPError) as error:
            print(f"demo data not loaded: {type(error).__name__}: {error}")
            print("the seed runs again on the next start (no marker written)")
            return None


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.seed", description=__doc__)
    parser.add_argument("--marker", type=Path, required=True, help="written once data is loaded")
    parser.add_argument(
        "--gateway-url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")
    )
    args = parser.parse_args()
    # Beside the marker, i.e. in DATA_DIR, where the volunteer simulator looks for it.
    partner_file = args.marker.parent / "demo-partner.json"
    started = time.monotonic()
    summary = asyncio.run(seed(args.gateway_url, partner_file))
    if summary is None:
        return 1
    args.marker.write_text(f"{summary}\n", encoding="utf-8")
    print(f"demo data loaded in {time.monotonic() - started:.1f} s: {summary}")
    print(f"partner secret in {partner_file}; demo logins in README.md (Demo logins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
