"""Run detail, validators, bodies and notes; who runs a run and its heartbeat; the leases table."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RUN_COLUMNS = (
    sa.Column("detail", sa.Text),
    sa.Column("validators", sa.Text),
    sa.Column("bodies", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("owner", sa.String(64)),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("heartbeat_at", sa.String(32)),
)


def upgrade() -> None:
    """Add the run columns a store may lack and create the leases table."""
    # A store made between 0.1 and this revision (tables by create_all, no version table) already
    # has the first four columns: add only what is missing.
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("runs")}
    missing = [c for c in RUN_COLUMNS if c.name not in present]
    if missing:
        with op.batch_alter_table("runs") as batch:
            for column in missing:
                batch.add_column(column)
    op.create_table(
        "leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("acquired_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
    )
