"""The versioned store (SQLAlchemy Core): runs, current observations, value history, metadata."""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url

from config.clock import format_time, parse_time, utcnow
from config.settings import Settings
from fetchers import lease
from fetchers.errors import RunLocked, StoreError, SuspiciousRelease
from fetchers.lease import Holder
from fetchers.tidy import COLUMNS, KEY, Previous, SourceResult

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SERIES = ("indicator", "country", "partner")

metadata = sa.MetaData()
# Run statuses: running → ok | partial (some indicators refused, the rest stored) | unchanged (the
# source's release is the one stored) | failed | interrupted (its process died). A good run is one
# whose data stand.
GOOD = ("ok", "partial", "unchanged")

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


@dataclass(frozen=True)
class WriteSummary:
    """What one successful run changed."""

    run_id: int
    rows: int
    added: int
    changed: int


@dataclass(frozen=True)
class Removal:
    """Stored values of one series that a new release would blank or no longer carry."""

    indicator: str
    country: str
    partner: str
    stored: int  # non-null values stored for the series
    blanked: tuple[int, ...]  # years the release sends as empty
    absent: tuple[int, ...]  # years the release covers but leaves out for this series

    @property
    def share(self) -> float:
        """The share of the series' stored values that would go."""
        return (len(self.blanked) + len(self.absent)) / self.stored

    def text(self) -> str:
        """'NY.GDP.MKTP.CD RUS: 2 of 30 values (7%) blanked 2021, 2022' for people."""
        series = " ".join(p for p in (self.indicator, self.country, self.partner) if p)
        parts = [f"blanked {_years(self.blanked)}"] if self.blanked else []
        parts += [f"missing {_years(self.absent)}"] if self.absent else []
        removed = len(self.blanked) + len(self.absent)
        return f"{series}: {removed} of {self.stored} values ({self.share:.0%}) {', '.join(parts)}"


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
        self._live: dict[int, tuple[str, Holder]] = {}  # run id → its lease name and holder
        self._guard = threading.Lock()
        self._beat: threading.Thread | None = None

    @classmethod
    def open(
        cls, database_url: str, *, lease_seconds: int = 120, max_removed_share: float = 0.05
    ) -> Store:
        """Connect, create or upgrade the schema, and mark runs left by dead processes.

        Every failure is one StoreError line without the password or SQL; a SQLite file that
        cannot be written is opened read-only.
        """
        url = _normalise(database_url)
        engine, read_only = _connect(url)
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
        with self._guard:
            self._live.clear()
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
                now = utcnow()
                result = conn.execute(
                    runs.insert().values(
                        source=source, kind=kind, started_at=now, status="running",
                        owner=holder.owner, host=holder.host, pid=holder.pid, heartbeat_at=now,
                    )
                )  # fmt: skip
                run_id = int(result.inserted_primary_key[0])
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"starting a run of {source} failed: {_reason(exc)}") from exc
        with self._guard:
            self._live[run_id] = (name, holder)
        self._start_heartbeat()
        return run_id

    def fail_run(self, run_id: int, error: str, urls: Sequence[str] = (), detail: str = "") -> None:
        """Mark a run failed with its one-line reason and technical detail; data untouched."""
        with self.engine.begin() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(
                    status="failed",
                    finished_at=utcnow(),
                    error=error,
                    detail=detail,
                    urls=json.dumps(list(urls)),
                )
            )
            self._release(conn, run_id)

    def finish_unchanged(self, run_id: int, result: SourceResult) -> None:
        """Mark a run 'unchanged': the source still publishes the stored release."""
        with self.engine.begin() as conn:
            conn.execute(
                runs.update().where(runs.c.id == run_id).values(
                    status="unchanged", finished_at=utcnow(), release=result.release,
                    **_provenance(result),
                )
            )  # fmt: skip
            self._release(conn, run_id)

    def mark_interrupted(self) -> int:
        """Mark runs whose process died (or stopped beating) 'interrupted'; returns how many."""
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            running = conn.execute(sa.select(*_RUN_OWNER).where(runs.c.status == "running")).all()
        dead = [row for row in running if not self._alive(row._asdict(), now)]
        if not dead:
            return 0
        with self.engine.begin() as conn:
            for row in dead:
                conn.execute(
                    runs.update()
                    .where(runs.c.id == row.id, runs.c.status == "running")
                    .values(
                        status="interrupted",
                        finished_at=utcnow(),
                        error=_interrupted_text(row._asdict()),
                    )
                )
                if row.owner:
                    conn.execute(sa.delete(lease.leases).where(lease.leases.c.owner == row.owner))
        return len(dead)

    def hold_lease(self, name: str, seconds: int) -> bool:
        """Take or renew the store-wide lease `name` (e.g. 'scheduler'); whether this store holds it."""
        if self.read_only:
            return False
        try:
            return lease.acquire(self.engine, name, self.holder, seconds) is None
        except sa.exc.SQLAlchemyError as exc:
            log.warning("could not renew the %s lease: %s", name, _reason(exc))
            return False

    def release_lease(self, name: str) -> None:
        """Give up the store-wide lease `name` if this store holds it."""
        with self.engine.begin() as conn:
            lease.release(conn, name, self.holder.owner)

    def lease_holder(self, name: str) -> Holder | None:
        """Who holds lease `name`, if a live holder does."""
        with self.engine.connect() as conn:
            holder = lease.current_holder(conn, name)
        return holder if holder and lease.alive(holder, datetime.now(UTC)) else None

    def previous(self, source: str, full: bool = False) -> Previous:
        """The last good fetch's release and validators, and the years stored for `source`."""
        query = (
            sa.select(runs.c.release, runs.c.validators)
            # A bundled snapshot may lack indicators: the first live fetch must not skip them.
            .where(runs.c.source == source, runs.c.status.in_(GOOD), runs.c.kind != "snapshot")
            .order_by(runs.c.id.desc())
            .limit(1)
        )
        years = (
            sa.select(observations.c.year)
            .distinct()
            .where(observations.c.source == source, observations.c.value.is_not(None))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            stored = frozenset(int(y) for (y,) in conn.execute(years))
        if row is None:
            return Previous(full=full)
        return Previous(row.release or "", json.loads(row.validators or "{}"), stored, full)

    def write_run(self, run_id: int, result: SourceResult) -> WriteSummary:
        """Store a source's result and finish its run, all in one transaction."""
        try:
            return self._write_run(run_id, result)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("writing run %s failed: %s", run_id, exc)
            raise StoreError(
                f"writing run {run_id} of {result.source} failed: {_reason(exc)}"
            ) from exc

    def _write_run(self, run_id: int, result: SourceResult) -> WriteSummary:
        new = result.frame
        with self.engine.begin() as conn:
            old = _current(conn, result.source)
            # Values from the bundled snapshot are a stand-in: a live release replaces them freely.
            gone = removals(old[~old.pop("snapshot").astype(bool)], new, result.refused)
            suspicious = [r for r in gone if r.share > self.max_removed_share]
            if suspicious:
                raise SuspiciousRelease(_suspicious_text(suspicious, self.max_removed_share))
            added, revised = _diff(old, new)
            if not added.empty:
                conn.execute(observations.insert(), _rows(added, run_id))
            if not revised.empty:
                conn.execute(
                    observations.update()
                    .where(*(observations.c[k] == sa.bindparam(f"k_{k}") for k in KEY))
                    .values(
                        value=sa.bindparam("v_value"),
                        unit=sa.bindparam("v_unit"),
                        flag=sa.bindparam("v_flag"),
                        run_id=sa.bindparam("v_run_id"),
                    ),
                    [
                        {
                            **{f"k_{k}": r[k] for k in KEY},
                            **{f"v_{k}": r[k] for k in ("value", "unit", "flag", "run_id")},
                        }
                        for r in _rows(revised, run_id)
                    ],
                )
                conn.execute(history.insert(), _history_rows(revised, run_id))
            conn.execute(
                sa.delete(indicator_meta).where(
                    indicator_meta.c.source == result.source,
                    indicator_meta.c.indicator.in_([m.indicator for m in result.meta]),
                )
            )
            if result.meta:
                conn.execute(
                    indicator_meta.insert(),
                    [
                        {**m.__dict__, "source": result.source, "run_id": run_id}
                        for m in result.meta
                    ],
                )
            summary = WriteSummary(run_id, len(new), len(added), len(revised))
            conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(
                    status="partial" if result.refused else "ok",
                    error=_refused_text(result.refused),
                    finished_at=utcnow(),
                    release=result.release,
                    rows=summary.rows,
                    added=summary.added,
                    changed=summary.changed,
                    **_provenance(result, _removed_notes(gone)),
                )
            )
            self._release(conn, run_id)
        return summary

    # --- reading -------------------------------------------------------------------------
    def observations(
        self,
        indicators: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        sources: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Current observations as a tidy frame, optionally filtered."""
        query = sa.select(*(observations.c[c] for c in COLUMNS))
        if indicators is not None:
            query = query.where(observations.c.indicator.in_(list(indicators)))
        if countries is not None:
            query = query.where(observations.c.country.in_(list(countries)))
        if sources is not None:
            query = query.where(observations.c.source.in_(list(sources)))
        query = query.order_by(*(observations.c[k] for k in KEY))
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(query).all(), columns=list(COLUMNS))
        frame["year"] = frame["year"].astype("int64")
        frame["value"] = frame["value"].astype("float64")
        return frame

    def last_runs(self) -> pd.DataFrame:
        """Per source: its latest run, plus the id, time, release and kind of its last success."""
        latest = sa.select(sa.func.max(runs.c.id)).group_by(runs.c.source)
        frame = self._frame(sa.select(runs).where(runs.c.id.in_(latest)).order_by(runs.c.source))
        ok = self._frame(
            sa.select(
                runs.c.source,
                runs.c.id,
                runs.c.finished_at,
                runs.c.release,
                runs.c.sha256,
                runs.c.kind,
            ).where(
                runs.c.id.in_(
                    sa.select(sa.func.max(runs.c.id))
                    .where(runs.c.status.in_(GOOD))
                    .group_by(runs.c.source)
                )
            )
        ).rename(
            columns={
                "id": "last_ok_id",
                "finished_at": "last_ok_at",
                "release": "last_ok_release",
                "sha256": "last_ok_sha256",
                "kind": "last_ok_kind",
            }
        )
        frame = frame.merge(ok, on="source", how="left")
        numbers = ("id", "pid", "rows", "added", "changed", "last_ok_id")
        text = [c for c in frame.columns if c not in numbers]
        frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
        # A run whose process died shows as interrupted before anyone writes that down.
        now = datetime.now(UTC)
        for i, row in frame.iterrows():
            if row["status"] == "running" and not self._alive(row.to_dict(), now):
                frame.loc[i, ["status", "error"]] = ["interrupted", _interrupted_text(row)]
        return frame

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
        query = (
            sa.select(
                indicator_meta,
                runs.c.release,
                runs.c.finished_at.label("fetched_at"),
                runs.c.sha256,
            )
            .join(runs, runs.c.id == indicator_meta.c.run_id)
            .order_by(indicator_meta.c.source, indicator_meta.c.indicator)
        )
        return self._frame(query)

    def history(self, run_id: int | None = None) -> pd.DataFrame:
        """Revised values, optionally of one run."""
        query = sa.select(history).order_by(history.c.id)
        if run_id is not None:
            query = query.where(history.c.run_id == run_id)
        return self._frame(query)

    def data_version(self) -> int:
        """A number that grows whenever a run finishes (the dashboard polls it cheaply)."""
        query = sa.select(sa.func.max(runs.c.id)).where(runs.c.status != "running")
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def _frame(self, query: sa.Select) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.all(), columns=list(result.keys()))

    # --- leases and heartbeats -----------------------------------------------------------
    def _alive(self, run: dict, now: datetime) -> bool:
        """Whether a running run's process may still be working on it."""
        beat = run.get("heartbeat_at") or run.get("started_at")
        expires = format_time(parse_time(beat) + timedelta(seconds=self.lease_seconds))
        pid = run.get("pid")
        if not run.get("host") or pid is None or pd.isna(pid):  # a run from before heartbeats
            return expires >= format_time(now)
        return lease.alive(Holder(run.get("owner") or "", run["host"], int(pid), expires), now)

    def _release(self, conn: sa.Connection, run_id: int) -> None:
        """Give back a finished run's lease (inside the transaction that finishes it)."""
        with self._guard:
            name, holder = self._live.pop(run_id, ("", None))
        if holder is not None:
            lease.release(conn, name, holder.owner)

    def _start_heartbeat(self) -> None:
        """Start the thread that keeps this store's live runs and their leases fresh."""
        with self._guard:
            if self._beat is None or not self._beat.is_alive():
                self._beat = threading.Thread(target=self._heartbeat, name="store-heartbeat")
                self._beat.daemon = True
                self._beat.start()

    def _heartbeat(self) -> None:
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
                            .where(runs.c.id == run_id, runs.c.status == "running")
                            .values(heartbeat_at=utcnow())
                        )
                except sa.exc.SQLAlchemyError as exc:
                    log.warning("heartbeat of run %s failed: %s", run_id, _reason(exc))
                    continue
                if other is not None:
                    log.warning("run %s lost its lease to %s", run_id, other.describe())


_RUN_OWNER = (runs.c.id, runs.c.started_at, runs.c.owner, runs.c.host, runs.c.pid,
              runs.c.heartbeat_at)  # fmt: skip


def _provenance(result: SourceResult, notes: Sequence[str] = ()) -> dict:
    """The run columns that say where a result came from (and what a person should know)."""
    return {
        "urls": json.dumps(list(result.urls)),
        "sha256": result.sha256,
        "validators": json.dumps(dict(result.validators), sort_keys=True),
        "bodies": json.dumps([b.__dict__ for b in result.bodies]),
        "notes": "; ".join([*result.notes, *notes]),
    }


def removals(old: pd.DataFrame, new: pd.DataFrame, refused: Sequence[str] = ()) -> list[Removal]:
    """Per series, stored values that `new` blanks or leaves out, within the span of years it covers.

    Years outside the release (a routine refresh asks only for recent years) and indicators the
    source refused are not removals: their stored values simply stand.
    """
    stored = old[pd.to_numeric(old["value"]).notna() & ~old["indicator"].isin(list(refused))]
    if stored.empty or new.empty:
        return []
    merged = stored[list(KEY)].merge(new[[*KEY, "value"]], on=list(KEY), how="left", indicator=True)
    covered = merged["year"].between(new["year"].min(), new["year"].max())
    merged["blanked"] = covered & (merged["_merge"] == "both") & merged["value"].isna()
    merged["absent"] = covered & (merged["_merge"] == "left_only")
    out = []
    for (indicator, country, partner), rows in merged.groupby(list(SERIES), sort=True):
        if rows["blanked"].any() or rows["absent"].any():
            out.append(
                Removal(
                    indicator, country, partner, len(rows),
                    tuple(sorted(int(y) for y in rows.loc[rows["blanked"], "year"])),
                    tuple(sorted(int(y) for y in rows.loc[rows["absent"], "year"])),
                )
            )  # fmt: skip
    return out


def _removed_notes(gone: Sequence[Removal], shown: int = 10) -> list[str]:
    """The removals a run keeps, for its notes (the first few series, then how many more)."""
    notes = [r.text() for r in gone[:shown]]
    if len(gone) > shown:
        notes.append(f"and {len(gone) - shown} more series with values removed")
    return notes


def _suspicious_text(suspicious: Sequence[Removal], limit: float) -> str:
    """The one line a refused release carries."""
    named = "; ".join(r.text() for r in suspicious[:3])
    more = f"; and {len(suspicious) - 3} more series" if len(suspicious) > 3 else ""
    return (
        f"suspicious release refused, stored data kept: it would remove more than "
        f"{limit:.0%} of a series ({named}{more})"
    )


def _years(years: Sequence[int]) -> str:
    """'2019–2021, 2023' for a sorted run of years."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _interrupted_text(run) -> str:
    """The one line an interrupted run carries."""
    who = f"{run['host']}, pid {int(run['pid'])}" if run["host"] else "an older version"
    return f"interrupted: the process running it stopped ({who})"


def _reason(exc: BaseException) -> str:
    """The database's own first line about a failure, without the SQL SQLAlchemy adds."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0]}" if lines else type(orig).__name__


def _normalise(database_url: str) -> sa.URL:
    """Parse the URL; a bare postgresql:// means the psycopg (3) driver."""
    try:
        url = make_url(database_url)
    except sa.exc.ArgumentError as exc:
        raise StoreError("DATABASE_URL is not a database URL") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _connect(url: sa.URL) -> tuple[Engine, bool]:
    """An engine on an up-to-date schema, and whether it is read-only (SQLite only)."""
    shown = url.render_as_string(hide_password=True)
    sqlite = url.get_backend_name() == "sqlite"
    path = (
        Path(url.database).expanduser()
        if sqlite and url.database not in (None, "", ":memory:")
        else None
    )
    read_only = False
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of the store file {path.name}: {exc.strerror}"
            ) from exc
        folder_writable = os.access(path.parent, os.W_OK)
        read_only = path.exists() and not (os.access(path, os.W_OK) and folder_writable)
        if read_only:
            # WAL needs its -shm file beside the store: where none can be made (a read-only file
            # system), nobody can be writing either, so the file is read as immutable.
            mode = "mode=ro" if folder_writable else "mode=ro&immutable=1"
            url = make_url(f"sqlite:///file:{path}?{mode}&uri=true")
    try:
        engine = sa.create_engine(url)
    except ImportError as exc:
        raise StoreError(
            "PostgreSQL needs the psycopg driver: pip install 'psycopg[binary]'"
            if url.get_backend_name() == "postgresql"
            else f"the database driver for {url.drivername} is not installed"
        ) from exc
    if sqlite:
        sa.event.listen(engine, "connect", _sqlite_pragmas_ro if read_only else _sqlite_pragmas)
    name = path.name if path is not None else shown
    try:
        if sqlite:
            _check_sqlite(engine, name)
        if read_only:
            _check_current(engine, name)
        else:
            _migrate(engine)
    except sa.exc.DatabaseError as exc:
        if sqlite and ("not a database" in str(exc.orig) or "malformed" in str(exc.orig)):
            raise StoreError(_damaged(name, str(exc.orig).splitlines()[0])) from exc
        raise StoreError(f"cannot open the store {name}: {_reason(exc)}") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store {name}: {_reason(exc)}") from exc
    return engine, read_only


def _damaged(name: str, detail: str) -> str:
    return f"the store file {name} is damaged ({detail}): restore it from a backup or delete it to start again"


def _check_sqlite(engine: Engine, name: str) -> None:
    """PRAGMA quick_check: a damaged file is one clear line, not a traceback later."""
    with engine.connect() as conn:
        problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
    if problems != ["ok"]:
        lines = [x for p in problems for x in str(p).splitlines() if not x.startswith("***")]
        more = f" and {len(lines) - 1} more problems" if len(lines) > 1 else ""
        raise StoreError(_damaged(name, (lines[0] if lines else "no answer") + more))


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic says two lines at INFO on every start; our own log line says what changed."""
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_log.setLevel(level)


def _alembic(conn: sa.Connection) -> Config:
    """An Alembic config that migrates over `conn`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def _migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision, one process at a time.

    A store made before migrations existed (tables, no version table) is stamped with the first
    revision, then upgraded.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock: other openers wait here
        else:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7205761234)"))
        tables = set(sa.inspect(conn).get_table_names())
        with _quiet_alembic():
            before = MigrationContext.configure(conn).get_current_revision()
            config = _alembic(conn)
            if "runs" in tables and "alembic_version" not in tables:
                command.stamp(config, "0001")
            command.upgrade(config, "head")
            after = MigrationContext.configure(conn).get_current_revision()
        conn.commit()
    if after != before:
        log.info("store schema upgraded from %s to %s", before or "nothing", after)


def _check_current(engine: Engine, name: str) -> None:
    """A read-only store must already have this version's schema."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engine.connect() as conn, _quiet_alembic():
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        raise StoreError(
            f"the store {name} is read-only and was made by another version "
            f"(schema {current or 'unversioned'}, this version needs {head})"
        )


def _refused_text(refused: Sequence[str]) -> str:
    """The one line a partial run carries."""
    return f"refused by the source, kept as before: {', '.join(refused)}" if refused else ""


def _sqlite_pragmas_ro(dbapi_connection, _record) -> None:
    """A read-only store: no journal changes, no writes."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the dashboard read while a refresh writes; wait rather than fail on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _current(conn: sa.Connection, source: str) -> pd.DataFrame:
    """The stored observations of one source, and whether each came from the bundled snapshot."""
    query = (
        sa.select(*(observations.c[c] for c in COLUMNS), (runs.c.kind == "snapshot").label("s"))
        .join(runs, runs.c.id == observations.c.run_id)
        .where(observations.c.source == source)
    )
    return pd.DataFrame(conn.execute(query).all(), columns=[*COLUMNS, "snapshot"])


def _same(a: object, b: object) -> bool:
    """Equal values, with two missing values counted as equal."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a))
    b_missing = b is None or (isinstance(b, float) and math.isnan(b))
    return (a_missing and b_missing) or (not a_missing and not b_missing and a == b)


def _diff(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of `new` not in `old`, and rows whose value, flag or unit changed (with old_*)."""
    merged = new.merge(old, on=list(KEY), how="left", suffixes=("", "_old"), indicator=True)
    is_new = merged["_merge"] == "left_only"
    both = merged[~is_new]
    changed_mask = [
        not (_same(v, ov) and f == of and u == ou)
        for v, ov, f, of, u, ou in zip(
            both["value"],
            both["value_old"],
            both["flag"],
            both["flag_old"],
            both["unit"],
            both["unit_old"],
            strict=False,
        )
    ]
    return merged[is_new], both[changed_mask]


def _clean(value: object) -> float | None:
    """NaN → None so the database stores NULL."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _rows(frame: pd.DataFrame, run_id: int) -> list[dict]:
    """Observation rows for insert."""
    return [
        {
            **{k: (int(r[k]) if k == "year" else r[k]) for k in KEY},
            "value": _clean(r["value"]),
            "unit": r["unit"],
            "flag": r["flag"],
            "run_id": run_id,
        }
        for r in frame.to_dict("records")
    ]


def _history_rows(frame: pd.DataFrame, run_id: int) -> list[dict]:
    """History rows for revised observations."""
    return [
        {
            **{k: (int(r[k]) if k == "year" else r[k]) for k in KEY},
            "run_id": run_id,
            "old_value": _clean(r["value_old"]),
            "new_value": _clean(r["value"]),
            "old_flag": r["flag_old"],
            "new_flag": r["flag"],
        }
        for r in frame.to_dict("records")
    ]
