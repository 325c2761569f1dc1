"""History names the run whose value a revision replaced, so a vintage is exact."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add history.old_run_id (empty for revisions recorded before this revision)."""
    if "history" not in sa.inspect(op.get_bind()).get_table_names():
        return  # a partial store from before migrations: its tables are made as they are needed
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("old_run_id", sa.Integer))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("history") as batch:
        batch.drop_column("old_run_id")
