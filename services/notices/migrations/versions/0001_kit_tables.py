"""The kit's outbox and inbox tables.

Revision ID: 0001
Revises:
"""

from kit.migration_ops import create_kit_tables_v1, drop_kit_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables_v1()


def downgrade() -> None:
    drop_kit_tables_v1()
