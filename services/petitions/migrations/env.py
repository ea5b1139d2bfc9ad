"""Alembic environment of the petitions database."""

from kit.alembic_env import run_migrations
from kit.idempotency import IDEMPOTENCY_METADATA
from services.petitions.models import Base

run_migrations([Base.metadata, IDEMPOTENCY_METADATA])
