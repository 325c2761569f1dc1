"""What every commit of a run does: the fence on its lease, the version bump, its provenance."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from config.vocabulary import RUNNING
from fetchers.store import lease
from fetchers.store.errors import RunFenced
from fetchers.store.schema import data_version, runs
from fetchers.store.tidy import SourceResult

RELEASE_LENGTH = runs.c.release.type.length  # the longest release label either store keeps


def bump(conn: sa.Connection) -> None:
    """Move the data version on, inside the transaction whose commit readers will see; last in
    it, so the row's lock (PostgreSQL) is held only while the commit completes."""
    conn.execute(
        data_version.update()
        .where(data_version.c.id == 1)
        .values(version=data_version.c.version + 1)
    )


def fence(conn: sa.Connection, run_id: int, source: str) -> None:
    """Refuse a run's commit unless it is still running and still holds its source's lease:
    a writer that paused past its lease, and was taken over, must not write after the new one.
    First in the transaction, so the run's row stays locked until the commit."""
    holder = sa.select(lease.leases.c.owner).where(lease.leases.c.name == f"run:{source}")
    held = conn.execute(
        runs.update()
        .where(runs.c.id == run_id, runs.c.status == RUNNING)
        .where(runs.c.owner == holder.scalar_subquery())
        .values(heartbeat_at=lease.db_time())
    ).rowcount
    if held != 1:
        raise RunFenced(
            f"run {run_id} of {source} lost its lease to another run; its data were not written"
        )


def provenance(result: SourceResult, notes: Sequence[str] = ()) -> dict:
    """The run columns that say where a result came from (and what a person should know)."""
    return {
        "urls": json.dumps(list(result.urls)),
        "sha256": result.sha256,
        "validators": json.dumps(dict(result.validators), sort_keys=True),
        "bodies": json.dumps([b.__dict__ for b in result.bodies]),
        "notes": "; ".join([*result.notes, *notes]),
    }
