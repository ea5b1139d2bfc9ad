"""Alembic environment of the notices database."""

from kit.alembic_env import run_migrations
from services.notices.models import Base

run_migrations([Base.metadata])
