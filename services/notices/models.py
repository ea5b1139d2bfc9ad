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

__all__ = [
    "Activity",
    "Base",
    "Notice",
    "NoticeAttachment",
    "NoticeReceipt",
    "NoticeVersion",
    "Participant",
    "Resident",
    "Unit",
]
