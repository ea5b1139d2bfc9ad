"""The points service's subscription table: event type → handler, one line each."""

from kit.consumer_steps import Handler
from kit.service import Subscriptions
from services.points import awards_events, awards_volunteer, projections, saga

TOPICS: tuple[str, ...] = (
    "identity.events",
    "volunteer.events",
    "notices.events",
    "petitions.events",
    "mall.events",
)

HANDLERS: dict[str, Handler] = {
    "org.shanzhi.identity.resident.registered.v1": projections.on_registered,
    "org.shanzhi.identity.resident.verified.v1": projections.on_verified,
    "org.shanzhi.identity.resident.moved.v1": projections.on_moved,
    "org.shanzhi.identity.household.member_joined.v1": projections.on_joined,
    "org.shanzhi.identity.household.member_left.v1": projections.on_left,
    "org.shanzhi.volunteer.activity_completed.v1": awards_volunteer.on_activity_completed,
    "org.shanzhi.notices.activity.attended.v1": awards_events.on_activity_attended,
    "org.shanzhi.petitions.petition.adopted.v1": awards_events.on_petition_adopted,
    **saga.HANDLERS,
}

SUBSCRIPTIONS = Subscriptions(topics=TOPICS if HANDLERS else (), handlers=HANDLERS)
