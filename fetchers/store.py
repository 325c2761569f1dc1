"""The versioned store (SQLAlchemy Core): runs, current observations, value history, metadata."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config.clock import utcnow
from config.settings import ensure_sqlite_folder
from fetchers.errors import StoreError
from fetchers.tidy import COLUMNS, KEY, Previous, SourceResult

metadata = sa.MetaData()
# Run statuses: running → ok | partial (some indicators refused, the rest stored) | unchanged (the
# source's release is the one stored) | failed. A good run is one whose data stand.
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


class Store:
    """Read and write access to one database; create with `Store.open(url)`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, database_url: str) -> Store:
        """Connect (creating the SQLite folder and the tables if needed)."""
        ensure_sqlite_folder(database_url)
        try:
            engine = sa.create_engine(database_url)
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            metadata.create_all(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {database_url}: {exc}") from exc
        return cls(engine)

    # --- writing -------------------------------------------------------------------------
    def start_run(self, source: str, kind: str = "fetch") -> int:
        """Record that a run began; returns its id."""
        with self.engine.begin() as conn:
            result = conn.execute(
                runs.insert().values(
                    source=source, kind=kind, started_at=utcnow(), status="running"
                )
            )
            return int(result.inserted_primary_key[0])

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

    def finish_unchanged(self, run_id: int, result: SourceResult) -> None:
        """Mark a run 'unchanged': the source still publishes the stored release."""
        with self.engine.begin() as conn:
            conn.execute(
                runs.update().where(runs.c.id == run_id).values(
                    status="unchanged", finished_at=utcnow(), release=result.release,
                    **_provenance(result),
                )
            )  # fmt: skip

    def previous(self, source: str, full: bool = False) -> Previous:
        """The last good run's release and validators, and the years stored for `source`."""
        query = (
            sa.select(runs.c.release, runs.c.validators)
            .where(runs.c.source == source, runs.c.status.in_(GOOD))
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
            raise StoreError(f"writing run {run_id} of {result.source} failed: {exc}") from exc

    def _write_run(self, run_id: int, result: SourceResult) -> WriteSummary:
        new = result.frame
        with self.engine.begin() as conn:
            old = _current(conn, result.source)
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
                    **_provenance(result),
                )
            )
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
        return frame.merge(ok, on="source", how="left")

    def has_success(self, source: str) -> bool:
        """Whether `source` has ever been stored successfully."""
        query = (
            sa.select(runs.c.id).where(runs.c.source == source, runs.c.status.in_(GOOD)).limit(1)
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


def _provenance(result: SourceResult) -> dict:
    """The run columns that say where a result came from."""
    return {
        "urls": json.dumps(list(result.urls)),
        "sha256": result.sha256,
        "validators": json.dumps(dict(result.validators), sort_keys=True),
        "bodies": json.dumps([b.__dict__ for b in result.bodies]),
        "notes": "; ".join(result.notes),
    }


def _refused_text(refused: Sequence[str]) -> str:
    """The one line a partial run carries."""
    return f"refused by the source, kept as before: {', '.join(refused)}" if refused else ""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the dashboard read while a refresh writes; wait rather than fail on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _current(conn: sa.Connection, source: str) -> pd.DataFrame:
    """The stored observations of one source."""
    query = sa.select(*(observations.c[c] for c in COLUMNS)).where(observations.c.source == source)
    return pd.DataFrame(conn.execute(query).all(), columns=list(COLUMNS))


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
