"""The abuse matrix's hand-written tables: where parameters get their ids, which routes are
public or caller-scoped by design and why, and values the schemas alone would not reach."""

from __future__ import annotations

from typing import Any

# Which fixture a parameter named so is filled from ("partner" is the platform's partner).
PARAM_POOLS = {
    "community_id": "community",
    "unit_id": "community",
    "parent_id": "town",
    "person_id": "neighbour",
    "resident_id": "neighbour",
    "head_id": "neighbour",
    "household_id": "household",
    "claim_id": "claim",
    "version_id": "version",
    "posting_id": "posting",
    "grant_id": "grant",
    "partner_id": "partner",
    "petition_id": "petition",
    "category_id": "category",
    "assignee_id": "staff",
    "attachment_id": "attachment",
    "request_id": "petition",  # Open311's service_request_id is the petition's id
    "jurisdiction_id": "community",  # Open311's jurisdiction is a community
    "activity_id": "activity",
    "notice_id": "notice",
    "message_id": "message",  # an inbox message: the tenant's resident's own
    "counter_id": "counter",  # the mall's exchange counter of the community
    "item_id": "item",  # an item of the community's mall, stocked at its counter
    "order_id": "order",  # the tenant's resident's confirmed order
}
# Path parameters filled from several pools in turn, each variant its own cells: a petition id
# is the tenant's private petition and, again, its public one (on the board).
PATH_VARIANTS = {
    "petition_id": ("petition", "public_petition"),
    "request_id": ("petition", "public_petition"),
}
# Path parameters that are not ids: the value that reaches the route's check.
PATH_VALUES = {"fmt": "json", "service_code": "suggestions"}
# Ids that only their tenant (or the platform operator) may see: a 2xx answer carrying one of
# another tenant's is a leak even when the request named none of them.
PERSON_POOLS = ("resident", "neighbour", "staff", "admin", "town_admin", "spare")
PRIVATE_POOLS = (
    *PERSON_POOLS,
    "household",
    "claim",
    "posting",
    "grant",
    "petition",
    "attachment",
    "activity",
    "notice",  # a notice of the community: its residents and staff (and units above) only
    "message",
    "order",  # a resident's order: theirs and the staff of its counter's community only
)
# Routes open to anyone by design (the gateway's allowlist lets them through without a token),
# and why. Their answers are still scanned: they must never show what is listed in HIDES.
PUBLIC_BY_DESIGN = {
    ("GET", "/api/petitions/public"): "a community's board: its accepted public petitions",
    ("GET", "/api/petitions/public/{petition_id}"): "one petition of the board, author masked",
    ("GET", "/api/petitions/open311/v2/requests.{fmt}"): "Open311: a jurisdiction's requests",
    ("GET", "/api/petitions/open311/v2/requests/{request_id}.{fmt}"): "Open311: one request",
    ("GET", "/api/mall/items/{item_id}/image"): "an on-shelf item's picture, as on the shelf",
}
# Routes the gateway lets through without a token that the service still scopes: judged like
# any other route (the fixture's attachment is on a private petition, shown to no one else).
JUDGED_THOUGH_PUBLIC = {
    ("GET", "/api/petitions/attachments/{attachment_id}"): (
        "anyone may fetch a board image; others only who may see the petition"
    ),
}
# What a public-by-design answer must never carry: private petitions, and who wrote a petition.
HIDES = ("petition", "resident")
# Writes that name no id act on the caller's own record or community, not platform-wide state.
# Any other id-less write is platform-wide (keys, partners): only the operator may make it.
CALLER_SCOPED = {
    ("POST", "/api/points/claims"): "a resident claims points in the community they live in",
    ("POST", "/api/points/evidence"): "a photo for the caller's own claim, readable by few",
    ("POST", "/api/identity/households"): "with no head_id the caller founds and heads it",
    ("POST", "/api/inbox/read-all"): "marks the caller's own inbox messages read, no one else's",
}
# A resident acts for themselves: naming another person's id is acting on someone else's record,
# even in their own community. Routes where a resident may name another person, and why:
RESIDENT_MAY_NAME_OTHERS = {
    ("DELETE", "/api/identity/households/{household_id}/members/{person_id}"): (
        "the head removes members of the household they head"
    ),
}
# Routes where a resident naming another person only asks: the answer is a pending request
# the named person must accept, and nothing of theirs changes until they do.
RESIDENT_MAY_ASK_OTHERS = {
    ("POST", "/api/identity/households/{household_id}/members"): (
        "the head invites; the member joins only on accepting the invitation"
    ),
}
# Values for fields whose schema alone would not reach the authorisation check.
PREFERRED: dict[str, Any] = {
    "role": "community_staff",
    "kind": "community",
    "decision": "approve",
    "action": "dismiss",
    "item_code": "VOL-ENV",
    "phone": "13600000000",
    "password": "Passw0rd!",
    "id_number": "11010519491231002X",
    "amount": 1,
    "service_code": "matrix",
    "location": {"address": "矩阵测试地址"},
}
# Optional body properties the matrix fills anyway: without them the request is refused as
# invalid (assign) or would carry no other tenant's id (accept) and so test nothing.
OPTIONAL_FILLED = {
    ("POST", "/api/petitions/{petition_id}/actions/assign"): ("assignee_id",),
    ("POST", "/api/petitions/{petition_id}/actions/accept"): ("assignee_id",),
}
CALLERS = (  # label, tenant, role key in Tenant.callers
    ("anonymous", None, None),
    ("resident A", "A", "resident"),
    ("resident B", "B", "resident"),
    ("community_staff A", "A", "staff"),
    ("community_admin A", "A", "admin"),
    ("community_staff B", "B", "staff"),
    ("district_admin of town A", "A", "town_admin"),
)
TARGETS = ("own", "other", "own path, other body")
