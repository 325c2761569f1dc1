"""The store's tables (SQLAlchemy Core): runs, current observations, value history, metadata."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
# Run statuses (running, ok, partial, unchanged, failed, interrupted): config/vocabulary.py.

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False, default="fetch"),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.Text, default=""),  # one line for people
    sa.Column("detail", sa.Text, default=""),  # the technical detail, for the log and status -v
    sa.Column("urls", sa.Text, default="[]"),
    sa.Column("validators", sa.Text, default="{}"),  # JSON: what tells the next run nothing changed
    sa.Column("bodies", sa.Text, default="[]"),  # JSON: [{url, sha256, path}] raw bodies kept
    sa.Column("notes", sa.Text, default=""),
    sa.Column("sha256", sa.String(64), default=""),
    sa.Column("release", sa.String(64), default=""),
    sa.Column("rows", sa.Integer, default=0),
    sa.Column("added", sa.Integer, default=0),
    sa.Column("changed", sa.Integer, default=0),
    # Who runs it, and when it last said it was alive: a run whose process died is 'interrupted'.
    sa.Column("owner", sa.String(64)),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("heartbeat_at", sa.String(32)),
)


def _key_columns(primary_key: bool) -> list[sa.Column]:
    """The observation key, as primary key columns or as plain non-null columns."""
    return [
        sa.Column("source", sa.String(32), primary_key=primary_key, nullable=False),
        sa.Column("indicator", sa.String(64), primary_key=primary_key, nullable=False),
        sa.Column("country", sa.String(8), primary_key=primary_key, nullable=False),
        sa.Column("partner", sa.String(8), primary_key=primary_key, nullable=False),
        sa.Column("year", sa.Integer, primary_key=primary_key, nullable=False),
    ]


observations = sa.Table(
    "observations",
    metadata,
    *_key_columns(primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.String(64), nullable=False, default=""),
    sa.Column("flag", sa.String(16), nullable=False, default=""),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
)

history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
    *_key_columns(primary_key=False),
    sa.Column("old_value", sa.Float),
    sa.Column("new_value", sa.Float),
    sa.Column("old_flag", sa.String(16), nullable=False, default=""),
    sa.Column("new_flag", sa.String(16), nullable=False, default=""),
    sa.Column("old_run_id", sa.Integer),  # the run whose value this revision replaced
)

indicator_meta = sa.Table(
    "indicator_meta",
    metadata,
    sa.Column("source", sa.String(32), primary_key=True),
    sa.Column("indicator", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, default=""),
    sa.Column("source_note", sa.Text, default=""),
    sa.Column("source_organization", sa.Text, default=""),
    sa.Column("unit", sa.String(64), default=""),
    sa.Column("url", sa.Text, default=""),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
)

# One row (id 1): incremented inside every transaction that changes what a reader can see (a run
# finishing in any state, a snapshot load, an import), so it only grows and orders the commits.
data_version = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# The webhook delivery log (fetchers.jobs.notify): one row per event sent to one receiver. Not data a
# reader sees, so writing it does not move the data version.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.String(255), nullable=False),  # the receiver, without credentials
    sa.Column("status", sa.String(16), nullable=False),  # sending, delivered or failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.String(255), default=""),  # one short line: "HTTP 500", "timed out"
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
)
