"""The points service's subscription table: event model → handler, one line each."""

from contracts.identity import (
    HouseholdMemberJoined,
    HouseholdMemberLeft,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
)
from contracts.mall import OrderCancelled, OrderExpired, OrderFulfilled, OrderPlaced
from contracts.notices import ActivityAttended
from contracts.petitions import PetitionAdopted
from contracts.volunteer import ActivityCompleted
from kit.subscriptions import HandlerTable, Subscriptions
from services.points.accounts import projections
from services.points.awards import service as awards
from services.points.awards import volunteer
from services.points.holds import saga

SUBSCRIPTIONS = (
    Subscriptions()
    .add(ResidentRegistered, projections.on_registered)
    .add(ResidentVerified, projections.on_verified)
    .add(ResidentMoved, projections.on_moved)
    .add(ResidentVerificationRevoked, projections.on_verification_revoked)
    .add(HouseholdMemberJoined, projections.on_joined)
    .add(HouseholdMemberLeft, projections.on_left)
    # Awards run in batches on the fast path (awards/batch.py), one by one on the careful path.
    .add(ActivityCompleted, volunteer.on_activity_completed, batch=volunteer.on_completed_batch)
    .add(ActivityAttended, awards.on_activity_attended, batch=awards.on_attended_batch)
    .add(PetitionAdopted, awards.on_petition_adopted, batch=awards.on_adopted_batch)
    # The points side of the redemption saga.
    .add(OrderPlaced, saga.on_order_placed)
    .add(OrderFulfilled, saga.on_order_fulfilled)
    .add(OrderCancelled, saga.on_order_cancelled)
    .add(OrderExpired, saga.on_order_expired)
)

# Type name → handler, derived from the table, for runners built by hand (tests, bench).
HANDLERS: HandlerTable = SUBSCRIPTIONS.handlers
