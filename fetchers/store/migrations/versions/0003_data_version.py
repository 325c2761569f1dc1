"""The data version: one counter that every transaction changing what readers see increments."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the one-row counter, starting above every version a reader may have seen."""
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    # The old version was the highest finished run's id: start at the highest run id, so a page
    # that last saw the old version still sees the next change as newer.
    start = op.get_bind().execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM runs")).scalar()
    op.bulk_insert(table, [{"id": 1, "version": int(start or 0)}])


def downgrade() -> None:
    """Drop the counter."""
    op.drop_table("data_version")
