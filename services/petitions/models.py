"""Every table of the petitions database, imported once so the metadata is complete."""

from services.petitions.attachments.models import Attachment
from services.petitions.base import Base
from services.petitions.cases.models import Petition, Support, TimelineEntry
from services.petitions.categories.models import Category
from services.petitions.directory.models import Resident, StaffGrant, Unit
from services.petitions.open311.models import Open311Request, PartnerKey

__all__ = [
    "Attachment",
    "Base",
    "Category",
    "Open311Request",
    "PartnerKey",
    "Petition",
    "Resident",
    "StaffGrant",
    "Support",
    "TimelineEntry",
    "Unit",
]
