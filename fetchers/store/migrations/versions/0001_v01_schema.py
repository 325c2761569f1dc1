"""The v0.1 schema: runs, observations, history and indicator metadata."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key_columns(primary_key: bool) -> list[sa.Column]:
    """The observation key, as primary key columns or as plain non-null columns."""
    return [
        sa.Column("source", sa.String(32), primary_key=primary_key, nullable=False),
        sa.Column("indicator", sa.String(64), primary_key=primary_key, nullable=False),
        sa.Column("country", sa.String(8), primary_key=primary_key, nullable=False),
        sa.Column("partner", sa.String(8), primary_key=primary_key, nullable=False),
        sa.Column("year", sa.Integer, primary_key=primary_key, nullable=False),
    ]


def upgrade() -> None:
    """Create the four tables exactly as version 0.1 did."""
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("urls", sa.Text),
        sa.Column("sha256", sa.String(64)),
        sa.Column("release", sa.String(64)),
        sa.Column("rows", sa.Integer),
        sa.Column("added", sa.Integer),
        sa.Column("changed", sa.Integer),
    )
    op.create_table(
        "observations",
        *_key_columns(primary_key=True),
        sa.Column("value", sa.Float),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("flag", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        *_key_columns(primary_key=False),
        sa.Column("old_value", sa.Float),
        sa.Column("new_value", sa.Float),
        sa.Column("old_flag", sa.String(16), nullable=False),
        sa.Column("new_flag", sa.String(16), nullable=False),
    )
    op.create_table(
        "indicator_meta",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("indicator", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("source_note", sa.Text),
        sa.Column("source_organization", sa.Text),
        sa.Column("unit", sa.String(64)),
        sa.Column("url", sa.Text),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    )
