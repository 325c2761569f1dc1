"""Live runs' heartbeats: a thread renews their leases until they finish; a silent run is dead."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config.clock import parse_time
from config.vocabulary import RUNNING
from fetchers.store import lease
from fetchers.store.database import reason
from fetchers.store.lease import Holder
from fetchers.store.schema import runs

log = logging.getLogger(__name__)


class Heartbeat:
    """The runs one store is running, each with its lease, kept fresh from a background thread."""

    def __init__(self, engine: Engine, lease_seconds: int) -> None:
        self.engine = engine
        self.lease_seconds = lease_seconds
        self._live: dict[int, tuple[str, Holder]] = {}  # run id → its lease name and holder
        self._guard = threading.Lock()
        self._beat: threading.Thread | None = None

    def track(self, run_id: int, name: str, holder: Holder) -> None:
        """Keep run `run_id` and its lease `name` fresh until `finish`."""
        with self._guard:
            self._live[run_id] = (name, holder)
        self._start()

    def finish(self, conn: sa.Connection, run_id: int) -> None:
        """Give back a finished run's lease (inside the transaction that finishes it)."""
        with self._guard:
            name, holder = self._live.pop(run_id, ("", None))
        if holder is not None:
            lease.release(conn, name, holder.owner)

    def forget(self, run_id: int) -> None:
        """Stop keeping run `run_id` alive without touching the database (it could not be)."""
        with self._guard:
            self._live.pop(run_id, None)

    def stop(self) -> None:
        """Forget every live run: the thread stops at its next beat."""
        with self._guard:
            self._live.clear()

    def _start(self) -> None:
        """Start the thread that keeps this store's live runs and their leases fresh."""
        with self._guard:
            if self._beat is None or not self._beat.is_alive():
                self._beat = threading.Thread(target=self._run, name="store-heartbeat")
                self._beat.daemon = True
                self._beat.start()

    def _run(self) -> None:
        """Every third of the lease, renew each live run's lease and heartbeat; stop when idle."""
        while True:
            threading.Event().wait(max(self.lease_seconds / 3, 0.2))
            with self._guard:
                live = dict(self._live)
                if not live:
                    self._beat = None
                    return
            for run_id, (name, holder) in live.items():
                try:
                    other = lease.acquire(self.engine, name, holder, self.lease_seconds)
                    with self.engine.begin() as conn:
                        conn.execute(
                            runs.update()
                            .where(runs.c.id == run_id, runs.c.status == RUNNING)
                            .values(heartbeat_at=lease.db_time())
                        )
                except sa.exc.SQLAlchemyError as exc:
                    log.warning("heartbeat of run %s failed: %s", run_id, reason(exc))
                    continue
                if other is not None:
                    log.warning("run %s lost its lease to %s", run_id, other.describe())


def alive(run: dict, now: datetime, lease_seconds: int) -> bool:
    """Whether a running run's process may still be working on it, `now` by the database's clock
    (which wrote its heartbeat)."""
    beat = run.get("heartbeat_at") or run.get("started_at")
    expired = parse_time(beat) + timedelta(seconds=lease_seconds) < now
    pid = run.get("pid")
    if not run.get("host") or pid is None or pd.isna(pid):  # a run from before heartbeats
        return not expired
    return lease.alive(Holder(run.get("owner") or "", run["host"], int(pid), expired=expired))


INTERRUPTED = "interrupted: the process running it stopped"  # the line people see


def interrupted_detail(run) -> str:
    """Which process it was (host and pid: for the log and `detail`, never for visitors)."""
    who = f"{run['host']}, pid {int(run['pid'])}" if run["host"] else "an older version"
    return f"{INTERRUPTED} ({who})"


def interrupt_others(conn: sa.Connection, source: str, owner: str, now: object) -> int:
    """Mark every other running run of `source` interrupted; how many. Called by the new holder
    of the source's lease: no other run of it can still be running, and one whose lease ran out
    before its heartbeat looked stale is taken over here, and says so."""
    other = sa.or_(runs.c.owner.is_(None), runs.c.owner != owner)
    return conn.execute(
        runs.update()
        .where(runs.c.source == source, runs.c.status == RUNNING, other)
        .values(status="interrupted", finished_at=now, error=INTERRUPTED,
                detail="its lease ran out and a new run took the source over")
    ).rowcount  # fmt: skip
