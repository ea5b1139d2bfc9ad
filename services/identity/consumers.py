"""The identity service's subscription table: event model → handler, one line each.

    SUBSCRIPTIONS = Subscriptions().add(ResidentRegistered, projections.on_registered)

The runner starts only once the table has a handler, so no event is consumed (and its
offset committed) before this service knows what to do with it.
"""

from kit.subscriptions import Subscriptions

SUBSCRIPTIONS = Subscriptions()
