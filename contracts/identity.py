"""Events published by the identity service. They never carry a phone number or ID number."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.base import REGISTRY, EventData

Id = Field(min_length=1, max_length=64)
PhoneHash = Field(pattern=r"^[0-9a-f]{64}$")
# Materialised path of org unit ids ("/district/town/community"): lets other services check
# a staff grant's scope ("this unit or below") without asking identity.
UnitPath = Field(min_length=2, max_length=512, pattern=r"^(/[0-9a-f-]+)+$")
Name = Field(min_length=1, max_length=32)
StaffRole = Literal[
    "district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"
]


class _IdentityEvent(EventData):
    topic: ClassVar[str] = "identity.events"
    aggregate_type: ClassVar[str] = "resident"


@REGISTRY.register
class ResidentRegistered(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.resident.registered.v1"

    resident_id: str = Id
    community_id: str = Id
    community_path: str = UnitPath
    name: str = Name
    # HMAC-SHA256 of the normalised phone under the platform key: lets points match
    # volunteer pushes without ever seeing the phone.
    phone_hash: str = PhoneHash
    registered_at: AwareDatetime


@REGISTRY.register
class ResidentVerified(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.resident.verified.v1"

    resident_id: str = Id
    community_id: str = Id
    community_path: str = UnitPath
    name: str = Name
    verified_at: AwareDatetime
    # kit.phone.counter_check of the phone and the verified ID number's last four, under the
    # phone_hash key: lets the mall's counter find an elderly resident by phone + ID tail
    # without seeing either. None from producers that predate it.
    counter_check: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


@REGISTRY.register
class ResidentMoved(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.resident.moved.v1"

    resident_id: str = Id
    from_community_id: str = Id
    to_community_id: str = Id
    to_community_path: str = UnitPath
    moved_at: AwareDatetime


@REGISTRY.register
class ResidentVerificationRevoked(_IdentityEvent):
    """A verified resident is verified no more: they moved themselves to another community,
    whose staff must verify them anew. Follows the resident.moved event of the same move.

    Handler note (points): the inverse of resident.verified, i.e. set the account's
    `verified` to False so it cannot spend until the next resident.verified.
    """

    event_type: ClassVar[str] = "org.shanzhi.identity.resident.verification_revoked.v1"

    resident_id: str = Id
    community_id: str = Id
    community_path: str = UnitPath
    reason: Literal["moved"]
    revoked_at: AwareDatetime


@REGISTRY.register
class ResidentGridChosen(_IdentityEvent):
    """A resident placed themselves in a grid (网格) of their community; grid workers follow
    up by grid. A move to another community leaves the grid (see resident.moved)."""

    event_type: ClassVar[str] = "org.shanzhi.identity.resident.grid_chosen.v1"

    resident_id: str = Id
    community_id: str = Id
    grid_id: str = Id
    grid_path: str = UnitPath
    chosen_at: AwareDatetime


@REGISTRY.register
class HouseholdMemberJoined(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.household.member_joined.v1"

    household_id: str = Id
    resident_id: str = Id
    community_id: str = Id
    joined_at: AwareDatetime


@REGISTRY.register
class HouseholdMemberLeft(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.household.member_left.v1"

    household_id: str = Id
    resident_id: str = Id
    left_at: AwareDatetime


@REGISTRY.register
class StaffRoleGranted(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.staff_role.granted.v1"
    aggregate_type: ClassVar[str] = "person"

    person_id: str = Id
    role: StaffRole
    unit_id: str = Id
    unit_path: str = UnitPath


@REGISTRY.register
class StaffRoleRevoked(_IdentityEvent):
    event_type: ClassVar[str] = "org.shanzhi.identity.staff_role.revoked.v1"
    aggregate_type: ClassVar[str] = "person"

    person_id: str = Id
    role: StaffRole
    unit_id: str = Id


class _PartnerEvent(_IdentityEvent):
    """Keyed by partner id, so a key's issue and revocation reach consumers in order."""

    aggregate_type: ClassVar[str] = "partner"


@REGISTRY.register
class PartnerApiKeyIssued(_PartnerEvent):
    """A partner platform's Open311 API key: only its SHA-256 travels (the key is shown once,
    to the root admin who issued it). Petitions looks presented keys up by this digest."""

    event_type: ClassVar[str] = "org.shanzhi.identity.partner.api_key_issued.v1"

    partner_id: str = Id
    partner_name: str = Field(min_length=1, max_length=64)
    key_id: str = Id
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str | None = Field(default=None, max_length=64)
    issued_at: AwareDatetime


@REGISTRY.register
class PartnerApiKeyRevoked(_PartnerEvent):
    """The key stops working: revoked by a root admin, or its partner was disabled."""

    event_type: ClassVar[str] = "org.shanzhi.identity.partner.api_key_revoked.v1"

    partner_id: str = Id
    key_id: str = Id
    revoked_at: AwareDatetime


class AccessGrant(BaseModel):
    """A staff role as tokens carry it: the role, the unit, and the unit's path (its scope)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: StaffRole
    unit_id: str = Id
    unit_path: str = UnitPath


@REGISTRY.register
class PersonAccessChanged(_IdentityEvent):
    """Everything a token says about what a person may do, as it stands after a change:
    real-name verification, a disabled account, staff roles, the community they act in.

    Published in the same transaction as every such change (verification approved, or dropped
    by a move; a role granted or revoked; the account disabled or enabled), keyed by person,
    so the last one read is the person's current state. Every process keeps the recent ones
    (kit.access) and lets them override older access tokens, so a change takes effect within
    seconds rather than when the token expires.
    """

    event_type: ClassVar[str] = "org.shanzhi.identity.person.access_changed.v1"
    aggregate_type: ClassVar[str] = "person"

    person_id: str = Id
    verified: bool
    disabled: bool
    community_id: str | None = Field(default=None, min_length=1, max_length=64)
    roles: list[AccessGrant] = Field(default_factory=list, max_length=200)
    changed_at: AwareDatetime
