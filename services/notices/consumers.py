"""The notices service's subscription table: event model → handler, one line each."""

from contracts.identity import (
    HouseholdMemberJoined,
    HouseholdMemberLeft,
    ResidentGridChosen,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
    StaffRoleGranted,
)
from contracts.mall import (
    OrderCancelled,
    OrderConfirmed,
    OrderExpired,
    OrderFulfilled,
    OrderPlaced,
)
from contracts.notices import NoticePublished
from contracts.petitions import (
    PetitionAccepted,
    PetitionAdopted,
    PetitionAssigned,
    PetitionClosed,
    PetitionEscalated,
    PetitionRejected,
    PetitionReopened,
    PetitionResolved,
    PetitionSubmitted,
)
from contracts.points import (
    ClaimReviewed,
    ClaimVested,
    HoldRejected,
    PointsAwarded,
    PointsDeducted,
    PointsExpiringSoon,
    PostingReversed,
)
from kit.subscriptions import HandlerTable, Subscriptions
from services.notices.directory import service as directory
from services.notices.inbox import handlers as inbox

SUBSCRIPTIONS = (
    Subscriptions()
    .add(ResidentRegistered, directory.on_registered)
    .add(ResidentVerified, directory.on_verified)
    .add(ResidentMoved, directory.on_moved)
    .add(ResidentVerificationRevoked, directory.on_verification_revoked)
    .add(HouseholdMemberJoined, directory.on_joined)
    .add(HouseholdMemberLeft, directory.on_left)
    .add(ResidentGridChosen, directory.on_grid_chosen)
    .add(StaffRoleGranted, directory.on_role_granted)
    # Inbox: a message to each person an event concerns.
    .add(PointsAwarded, inbox.on_event)
    .add(PointsDeducted, inbox.on_event)
    .add(PostingReversed, inbox.on_event)
    .add(ClaimReviewed, inbox.on_event)
    .add(ClaimVested, inbox.on_event)
    .add(PointsExpiringSoon, inbox.on_event)
    .add(HoldRejected, inbox.on_event)
    .add(PetitionSubmitted, inbox.on_event)
    .add(PetitionAccepted, inbox.on_event)
    .add(PetitionRejected, inbox.on_event)
    .add(PetitionAssigned, inbox.on_event)
    .add(PetitionResolved, inbox.on_event)
    .add(PetitionReopened, inbox.on_event)
    .add(PetitionClosed, inbox.on_event)
    .add(PetitionEscalated, inbox.on_event)
    .add(PetitionAdopted, inbox.on_event)
    .add(OrderPlaced, inbox.on_event)
    .add(OrderConfirmed, inbox.on_event)
    .add(OrderFulfilled, inbox.on_event)
    .add(OrderCancelled, inbox.on_event)
    .add(OrderExpired, inbox.on_event)
    .add(NoticePublished, inbox.on_notice_published)
)

# Type name → handler, derived from the table, for runners built by hand (tests, bench).
HANDLERS: HandlerTable = SUBSCRIPTIONS.handlers
