"""Alembic environment of the points database: every area's tables on the one shared Base."""

from kit.alembic_env import run_migrations
from services.points.awards import models as _awards  # noqa: F401  (registers its tables)
from services.points.base import Base
from services.points.claims import models as _claims  # noqa: F401
from services.points.evidence import models as _evidence  # noqa: F401
from services.points.expiry import models as _expiry  # noqa: F401
from services.points.holds import models as _holds  # noqa: F401
from services.points.ledger import models as _ledger  # noqa: F401
from services.points.listing import models as _listing  # noqa: F401

run_migrations([Base.metadata])
