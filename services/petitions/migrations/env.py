"""Alembic environment of the petitions database."""

from kit.alembic_env import run_migrations
from services.petitions.models import Base

run_migrations([Base.metadata])
