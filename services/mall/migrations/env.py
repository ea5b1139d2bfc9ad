"""Alembic environment of the mall database."""

from kit.alembic_env import run_migrations
from services.mall.models import Base

run_migrations([Base.metadata])
