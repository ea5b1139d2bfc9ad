"""entries move balances once per statement

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 06:40:00.000000

A batch of awards inserts a thousand entries in one statement; the row-level trigger of 0002
ran one UPDATE of an account per entry. The statement-level trigger sums the statement's
entries per account (its transition table) and updates each resident account once. The
accounts CHECK still refuses a wallet whose balance - held would go below zero, now on the
statement's net movement of each account. The balanced-posting check (deferred, per entry)
and the append-only triggers are unchanged.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENT_LEVEL = [
    "DROP TRIGGER entries_apply ON entries",
    "DROP FUNCTION ledger_apply_entry()",
    """
    CREATE FUNCTION ledger_apply_entries() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE accounts a SET balance = a.balance + moved.amount
        FROM (SELECT account_id, sum(amount) AS amount FROM new_entries
              GROUP BY account_id) AS moved
       WHERE a.id = moved.account_id AND a.kind = 'resident' AND moved.amount <> 0;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER entries_apply AFTER INSERT ON entries
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply_entries()
    """,
]

ROW_LEVEL = [
    "DROP TRIGGER entries_apply ON entries",
    "DROP FUNCTION ledger_apply_entries()",
    """
    CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE accounts SET balance = balance + NEW.amount
       WHERE id = NEW.account_id AND kind = 'resident';
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER entries_apply AFTER INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry()
    """,
]


def upgrade() -> None:
    for statement in STATEMENT_LEVEL:
        op.execute(statement)


def downgrade() -> None:
    for statement in ROW_LEVEL:
        op.execute(statement)
