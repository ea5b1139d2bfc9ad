"""Alembic environment of the mall database."""

from kit.alembic_env import run_migrations
from kit.idempotency import IDEMPOTENCY_METADATA
from services.mall.models import Base

run_migrations([Base.metadata, IDEMPOTENCY_METADATA])
