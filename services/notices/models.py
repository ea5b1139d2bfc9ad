"""Every table of the notices database, imported once so the metadata is complete."""

from services.notices.activities.models import Activity, Participant
from services.notices.base import Base
from services.notices.board.models import (
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    NoticeVersion,
)
from services.notices.directory.models import Resident, Unit
from services.notices.inbox.models import InboxMessage, PushJob, WechatSubscription

__all__ = [
    "Activity",
    "Base",
    "InboxMessage",
    "Notice",
    "NoticeAttachment",
    "NoticeReceipt",
    "NoticeVersion",
    "Participant",
    "PushJob",
    "Resident",
    "Unit",
    "WechatSubscription",
]
