"""Alembic environment of the points database."""

from kit.alembic_env import run_migrations
from services.points.models import Base

run_migrations([Base.metadata])
