"""Alembic environment of the identity database."""

from kit.alembic_env import run_migrations
from services.identity.models import Base

run_migrations([Base.metadata])
