"""The petitions service's subscription table: event type → handler, one line each.

The runner starts only once the table has a handler, so no event is consumed (and its
offset committed) before this service knows what to do with it.
"""

from kit.consumer_steps import Handler
from kit.service import Subscriptions

TOPICS: tuple[str, ...] = ("identity.events",)

HANDLERS: dict[str, Handler] = {}

SUBSCRIPTIONS = Subscriptions(topics=TOPICS if HANDLERS else (), handlers=HANDLERS)
