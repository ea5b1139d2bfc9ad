"""Alembic environment of the identity database: every area's tables on one metadata."""

from kit.alembic_env import run_migrations
from services.identity.auth import models as _auth_tables
from services.identity.base import Base
from services.identity.households import models as _household_tables
from services.identity.org import models as _org_tables
from services.identity.partners import models as _partner_tables
from services.identity.people import models as _people_tables
from services.identity.roles import models as _role_tables

# Imported for their side effect: each area's tables register on Base.metadata.
AREAS = (
    _auth_tables,
    _household_tables,
    _org_tables,
    _partner_tables,
    _people_tables,
    _role_tables,
)

run_migrations([Base.metadata])
