"""The petitions service's subscription table: event model → handler, one line each."""

from contracts.identity import (
    PartnerApiKeyIssued,
    PartnerApiKeyRevoked,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
    StaffRoleGranted,
    StaffRoleRevoked,
)
from kit.subscriptions import HandlerTable, Subscriptions
from services.petitions.directory import service as directory
from services.petitions.open311 import keys as open311_keys

SUBSCRIPTIONS = (
    Subscriptions()
    .add(ResidentRegistered, directory.on_registered)
    .add(ResidentVerified, directory.on_verified)
    .add(ResidentMoved, directory.on_moved)
    .add(ResidentVerificationRevoked, directory.on_verification_revoked)
    .add(StaffRoleGranted, directory.on_role_granted)
    .add(StaffRoleRevoked, directory.on_role_revoked)
    .add(PartnerApiKeyIssued, open311_keys.on_api_key_issued)
    .add(PartnerApiKeyRevoked, open311_keys.on_api_key_revoked)
)

# Type name → handler, derived from the table, for runners built by hand (tests, bench).
HANDLERS: HandlerTable = SUBSCRIPTIONS.handlers
