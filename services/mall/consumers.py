"""The mall service's subscription table: event model → handler, one line each."""

from contracts.identity import (
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
)
from contracts.points import HoldPlaced, HoldRejected
from kit.subscriptions import HandlerTable, Subscriptions
from services.mall.directory import service as directory
from services.mall.orders import saga

SUBSCRIPTIONS = (
    Subscriptions()
    .add(ResidentRegistered, directory.on_registered)
    .add(ResidentVerified, directory.on_verified)
    .add(ResidentMoved, directory.on_moved)
    .add(ResidentVerificationRevoked, directory.on_verification_revoked)
    .add(HoldPlaced, saga.on_hold_placed)
    .add(HoldRejected, saga.on_hold_rejected)
)

# Type name → handler, derived from the table, for runners built by hand (tests, bench).
HANDLERS: HandlerTable = SUBSCRIPTIONS.handlers
