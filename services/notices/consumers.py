"""The notices service's subscription table: event model → handler, one line each."""

from contracts.identity import (
    HouseholdMemberJoined,
    HouseholdMemberLeft,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
    StaffRoleGranted,
)
from kit.subscriptions import HandlerTable, Subscriptions
from services.notices.directory import service as directory

SUBSCRIPTIONS = (
    Subscriptions()
    .add(ResidentRegistered, directory.on_registered)
    .add(ResidentVerified, directory.on_verified)
    .add(ResidentMoved, directory.on_moved)
    .add(ResidentVerificationRevoked, directory.on_verification_revoked)
    .add(HouseholdMemberJoined, directory.on_joined)
    .add(HouseholdMemberLeft, directory.on_left)
    .add(StaffRoleGranted, directory.on_role_granted)
)

# Type name → handler, derived from the table, for runners built by hand (tests, bench).
HANDLERS: HandlerTable = SUBSCRIPTIONS.handlers
