"""reads at province scale

Indexes found with bench/points_scale.py (EXPLAIN of every read on 20M postings):
- a household's all-time score (the wallet screen) is read by subject alone, not by its
  community: a small partial index on the 'all' rows answers it (before: a skip scan of
  pk_scores, thousands of index searches);
- the expiry job reads every entry of a wallet: the account's index now carries the entry's
  posting and amount, so those come from the index (an index-only scan), not one heap page
  per entry; it replaces ix_entries_account_id (same key, so writes maintain one index as
  before);
- the expiry job's candidates start from the communities with a policy: a partial index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_scores_subject_all",
        "scores",
        ["subject_id", "subject_kind"],
        unique=False,
        postgresql_where=sa.text("period = 'all'"),
    )
    op.create_index(
        "ix_entries_account",
        "entries",
        ["account_id"],
        unique=False,
        postgresql_include=["posting_id", "amount"],
    )
    op.drop_index(op.f("ix_entries_account_id"), table_name="entries")
    op.create_index(
        "ix_community_settings_expiring",
        "community_settings",
        ["community_id"],
        unique=False,
        postgresql_where=sa.text("expiry_years IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_community_settings_expiring", table_name="community_settings")
    op.create_index(op.f("ix_entries_account_id"), "entries", ["account_id"], unique=False)
    op.drop_index("ix_entries_account", table_name="entries")
    op.drop_index("ix_scores_subject_all", table_name="scores")
