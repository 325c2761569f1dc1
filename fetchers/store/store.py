"""The versioned store: open it, record runs under their leases, write releases, read the data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config.settings import Settings
from config.vocabulary import GOOD, RUNNING, refused_text
from fetchers.store import commits, lease, reading
from fetchers.store import heartbeat as beats
from fetchers.store.database import connect, reason
from fetchers.store.errors import RunLocked, StoreError
from fetchers.store.lease import Holder
from fetchers.store.removals import removed_notes
from fetchers.store.schema import runs
from fetchers.store.tidy import Previous, SourceResult
from fetchers.store.writing import WriteSummary, write_release

log = logging.getLogger(__name__)


class Store:
    """Read and write access to one database; create with `Store.open(url)`.

    Each source has one writer at a time (a lease named `run:<source>` taken by `start_run` and
    given back when the run finishes); a live run's heartbeat renews it from a background thread.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        read_only: bool = False,
        lease_seconds: int = 120,
        max_removed_share: float = 0.05,
    ) -> None:
        self.engine = engine
        self.read_only = read_only
        self.lease_seconds = lease_seconds
        self.max_removed_share = max_removed_share
        self.holder = lease.me()  # this store's identity for store-wide leases (the scheduler)
        self._heartbeat = beats.Heartbeat(engine, lease_seconds)

    @classmethod
    def open(
        cls, database_url: str, *, lease_seconds: int = 120, max_removed_share: float = 0.05
    ) -> Store:
        """Connect, create or upgrade the schema, and mark runs left by dead processes.

        Every failure is one StoreError line without the password or SQL; a SQLite file that
        cannot be written is opened read-only.
        """
        engine, read_only = connect(database_url)
        store = cls(
            engine,
            read_only=read_only,
            lease_seconds=lease_seconds,
            max_removed_share=max_removed_share,
        )
        if not read_only:
            store.mark_interrupted()
        return store

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """`open` with the store's settings: DATABASE_URL, the lease and the removal limit."""
        return cls.open(
            settings.database_url,
            lease_seconds=settings.scheduler_lease_seconds,
            max_removed_share=settings.max_removed_share,
        )

    def close(self) -> None:
        """Stop the heartbeat and close the connections."""
        self._heartbeat.stop()
        self.engine.dispose()

    # --- writing -------------------------------------------------------------------------
    def start_run(self, source: str, kind: str = "fetch") -> int:
        """Take the source's lease and record that a run began; returns its id.

        Raises RunLocked (naming the holder) when a live process is already running `source`.
        """
        if self.read_only:
            raise StoreError("the store is open read-only: no run can be recorded")
        self.mark_interrupted()
        name, holder = f"run:{source}", lease.me()
        try:
            other = lease.acquire(self.engine, name, holder, self.lease_seconds)
            if other is not None:
                raise RunLocked(f"{source} is already being refreshed by {other.describe()}")
            with self.engine.begin() as conn:
                now = lease.db_time()  # the database's clock, as the lease's
                if beats.interrupt_others(conn, source, holder.owner, now):
                    commits.bump(conn)
                result = conn.execute(
                    runs.insert().values(
                        source=source, kind=kind, started_at=now, status=RUNNING,
                        owner=holder.owner, host=holder.host, pid=holder.pid, heartbeat_at=now,
                    )
                )  # fmt: skip
                run_id = int(result.inserted_primary_key[0])
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"starting a run of {source} failed: {reason(exc)}") from exc
        self._heartbeat.track(run_id, name, holder)
        return run_id

    def fail_run(self, run_id: int, error: str, urls: Sequence[str] = (), detail: str = "") -> None:
        """Mark a run failed with its one-line reason and technical detail; data untouched.

        On a disk all but full, where the detail does not fit, the status, time and reason are
        recorded without it. If even that fails, the run is no longer kept alive: its lease
        expires and it reads (and is marked) interrupted, so the source is never stuck.
        """
        self._heartbeat.forget(run_id)  # a failed run needs no more beats, recorded or not
        try:
            self._record_failure(run_id, error=error, detail=detail, urls=json.dumps(list(urls)))
        except sa.exc.SQLAlchemyError as exc:
            log.warning("recording run %s's failure in full failed: %s", run_id, reason(exc))
            try:
                self._record_failure(run_id, error=error)
            except sa.exc.SQLAlchemyError as again:
                raise StoreError(
                    f"recording the failure of run {run_id} failed: {reason(again)}"
                ) from again

    def _record_failure(self, run_id: int, **values: str) -> None:
        """Mark a running run failed and give back its source's lease, in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(
                runs.update()
                # A run taken over (marked interrupted) keeps that status.
                .where(runs.c.id == run_id, runs.c.status == RUNNING)
                .values(status="failed", finished_at=lease.db_time(), **values)
            )
            owner = sa.select(runs.c.owner).where(runs.c.id == run_id).scalar_subquery()
            conn.execute(sa.delete(lease.leases).where(lease.leases.c.owner == owner))
            commits.bump(conn)

    def finish_unchanged(self, run_id: int, result: SourceResult) -> None:
        """Mark a run 'unchanged': the source still publishes the stored release."""
        with self.engine.begin() as conn:
            commits.fence(conn, run_id, result.source)
            conn.execute(
                runs.update().where(runs.c.id == run_id).values(
                    status="unchanged", finished_at=lease.db_time(), release=result.release,
                    **commits.provenance(result),
                )
            )  # fmt: skip
            self._heartbeat.finish(conn, run_id)
            commits.bump(conn)

    def mark_interrupted(self) -> int:
        """Mark runs whose process died (or stopped beating) 'interrupted'; returns how many."""
        with self.engine.connect() as conn:
            now = lease.db_now(conn)  # heartbeats are the database's times: so is their expiry
            running = conn.execute(sa.select(*_RUN_OWNER).where(runs.c.status == RUNNING)).all()
        dead = [row for row in running if not beats.alive(row._asdict(), now, self.lease_seconds)]
        if not dead:
            return 0
        with self.engine.begin() as conn:
            for row in dead:
                conn.execute(
                    runs.update()
                    .where(runs.c.id == row.id, runs.c.status == RUNNING)
                    .values(
                        status="interrupted",
                        finished_at=lease.db_time(),
                        error=beats.INTERRUPTED,
                        detail=beats.interrupted_detail(row._asdict()),
                    )
                )
                if row.owner:
                    conn.execute(sa.delete(lease.leases).where(lease.leases.c.owner == row.owner))
            commits.bump(conn)
        return len(dead)

    def hold_lease(self, name: str, seconds: int) -> bool:
        """Take or renew the store-wide lease `name` (e.g. 'scheduler'); whether this store holds it."""
        if self.read_only:
            return False
        try:
            return lease.acquire(self.engine, name, self.holder, seconds) is None
        except sa.exc.SQLAlchemyError as exc:
            log.warning("could not renew the %s lease: %s", name, reason(exc))
            return False

    def release_lease(self, name: str) -> None:
        """Give up the store-wide lease `name` if this store holds it."""
        with self.engine.begin() as conn:
            lease.release(conn, name, self.holder.owner)

    def lease_holder(self, name: str) -> Holder | None:
        """Who holds lease `name`, if a live holder does."""
        with self.engine.connect() as conn:
            holder = lease.current_holder(conn, name)
        return holder if holder and lease.alive(holder) else None

    def previous(self, source: str, full: bool = False) -> Previous:
        """The last good fetch's release and validators, and the years stored for `source`."""
        with self.engine.connect() as conn:
            return reading.previous(conn, source, full)

    def write_run(self, run_id: int, result: SourceResult) -> WriteSummary:
        """Store a source's result and finish its run, all in one transaction."""
        try:
            return self._write_run(run_id, result)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("writing run %s failed: %s", run_id, exc)
            raise StoreError(
                f"writing run {run_id} of {result.source} failed: {reason(exc)}"
            ) from exc

    def _write_run(self, run_id: int, result: SourceResult) -> WriteSummary:
        if len(result.release) > commits.RELEASE_LENGTH:  # one limit on SQLite and PostgreSQL alike
            raise StoreError(
                f"{result.source}'s release label is {len(result.release)} characters long; "
                f"at most {commits.RELEASE_LENGTH} are kept"
            )
        with self.engine.begin() as conn:
            commits.fence(conn, run_id, result.source)
            summary, gone = write_release(conn, run_id, result, self.max_removed_share)
            conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(
                    status="partial" if result.refused else "ok",
                    error=refused_text(result.refused),
                    finished_at=lease.db_time(),
                    release=result.release,
                    rows=summary.rows,
                    added=summary.added,
                    changed=summary.changed,
                    **commits.provenance(result, removed_notes(gone)),
                )
            )
            self._heartbeat.finish(conn, run_id)
            commits.bump(conn)
        return summary

    # --- reading -------------------------------------------------------------------------
    def observations(
        self,
        indicators: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
        with_run: bool = False,
    ) -> pd.DataFrame:
        """Current observations as a tidy frame, optionally filtered; `with_run` adds the id of
        the run that last wrote each row (`run_id`)."""
        with self.engine.connect() as conn:
            return reading.observations_frame(conn, indicators, countries, sources, with_run)

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first, as stored (a dead 'running' run is not relabelled here)."""
        with self.engine.connect() as conn:
            return reading.runs_frame(conn)

    def last_runs(self) -> pd.DataFrame:
        """Per source: its latest run, plus the id, time, release and kind of its last success."""
        with self.engine.connect() as conn:
            now = lease.db_now(conn)
        return reading.last_runs(self.runs(), self.lease_seconds, now)

    def has_success(self, source: str) -> bool:
        """Whether `source` has ever been fetched successfully (a bundled snapshot does not count)."""
        query = (
            sa.select(runs.c.id)
            .where(runs.c.source == source, runs.c.status.in_(GOOD), runs.c.kind != "snapshot")
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def indicator_meta(self) -> pd.DataFrame:
        """What each source says about its indicators, with the run that stored it."""
        with self.engine.connect() as conn:
            return reading.indicator_meta_frame(conn)

    def history(self, run_id: int | None = None) -> pd.DataFrame:
        """Revised values, optionally of one run."""
        with self.engine.connect() as conn:
            return reading.history_frame(conn, run_id)

    def data_version(self) -> int:
        """The data version: one counter every commit that changes what readers see increments
        (cheap to poll; `fetchers.snapshot` reads the whole store once per version)."""
        with self.engine.connect() as conn:
            return reading.version(conn)


_RUN_OWNER = (runs.c.id, runs.c.started_at, runs.c.owner, runs.c.host, runs.c.pid,
              runs.c.heartbeat_at)  # fmt: skip
