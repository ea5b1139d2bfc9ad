"""Every table of the notices database, imported once so the metadata is complete."""

from services.notices.base import Base
from services.notices.directory.models import Resident, Unit
from services.notices.inbox.models import InboxMessage, PushJob, WechatSubscription

__all__ = [
    "Base",
    "InboxMessage",
    "PushJob",
    "Resident",
    "Unit",
    "WechatSubscription",
]
