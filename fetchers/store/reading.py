"""The store's reads on one connection, shared by `Store`'s methods and the per-version snapshot."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from config.vocabulary import GOOD, RUNNING
from fetchers.store.heartbeat import INTERRUPTED, alive
from fetchers.store.schema import data_version, history, indicator_meta, observations, runs
from fetchers.store.tidy import COLUMNS, KEY, Previous

RUN_TEXT = ("source", "kind", "status", "release", "started_at", "finished_at", "error", "notes",
            "sha256", "owner", "host", "heartbeat_at", "detail")  # fmt: skip
RUN_NUMBERS = ("rows", "added", "changed")
LAST_OK = {"id": "last_ok_id", "finished_at": "last_ok_at", "release": "last_ok_release",
           "sha256": "last_ok_sha256", "kind": "last_ok_kind"}  # fmt: skip


def version(conn: sa.Connection) -> int:
    """The data version: it grows with every commit that changes what a reader can see."""
    query = sa.select(data_version.c.version).where(data_version.c.id == 1)
    return int(conn.execute(query).scalar() or 0)


def observations_frame(
    conn: sa.Connection,
    indicators: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    with_run: bool = False,
) -> pd.DataFrame:
    """Current observations as a tidy frame, optionally filtered, in key order."""
    columns = [*COLUMNS, "run_id"] if with_run else list(COLUMNS)
    query = sa.select(*(observations.c[c] for c in columns))
    for column, wanted in (("indicator", indicators), ("country", countries), ("source", sources)):
        if wanted is not None:
            query = query.where(observations.c[column].in_(list(wanted)))
    query = query.order_by(*(observations.c[k] for k in KEY))
    frame = pd.DataFrame(conn.execute(query).all(), columns=columns)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    if with_run:
        frame["run_id"] = frame["run_id"].astype("int64")
    return frame


TEXT_KEYS = ("source", "indicator", "country", "partner", "unit", "flag")


def observations_compact(conn: sa.Connection) -> pd.DataFrame:
    """Every observation with its run, in key order, text as categories: the snapshot's frame.

    Read through the driver's own cursor (in `conn`'s transaction): a few hundred thousand rows
    build in a fraction of the time SQLAlchemy's rows take, and repeated text (ids, units, flags)
    is held once, so a store of every economy stays small in memory."""
    columns = [*COLUMNS, "run_id"]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(f"SELECT {', '.join(columns)} FROM observations")
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for column in TEXT_KEYS:
        frame[column] = frame[column].astype("category")
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["run_id"] = frame["run_id"].astype("int64")
    return frame.sort_values(list(KEY), ignore_index=True)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A compact frame's text columns as plain text again (what every reader expects)."""
    text = [c for c in TEXT_KEYS if c in frame and isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(text, "str")) if text else frame


def runs_frame(conn: sa.Connection) -> pd.DataFrame:
    """Every run, oldest first, as stored (a dead 'running' run is not relabelled here); its
    bulky JSON (validators, raw bodies) left out."""
    columns = ["id", *RUN_TEXT, *RUN_NUMBERS, "pid"]
    frame = _frame(conn, sa.select(*(runs.c[c] for c in columns)).order_by(runs.c.id))
    numbers = ["id", *RUN_NUMBERS]
    frame[numbers] = frame[numbers].fillna(0).astype("int64")
    text = list(RUN_TEXT)
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
    return frame


def last_runs(all_runs: pd.DataFrame, lease_seconds: int, now: datetime) -> pd.DataFrame:
    """Per source: its latest run, plus the id, time, release, hash and kind of its last success;
    a run whose process died shows as interrupted before anyone writes that down."""
    if all_runs.empty:
        return all_runs.assign(**{c: pd.Series(dtype=object) for c in LAST_OK.values()})
    latest = all_runs.sort_values("id").groupby("source", sort=True).tail(1)
    good = all_runs[all_runs["status"].isin(GOOD)].sort_values("id")
    ok = good.groupby("source").tail(1)[["source", *LAST_OK]].rename(columns=LAST_OK)
    frame = latest.merge(ok, on="source", how="left").sort_values("source")
    frame = frame.reset_index(drop=True)
    text = [*LAST_OK.values()]
    text.remove("last_ok_id")
    frame[text] = frame[text].astype(object).where(frame[text].notna(), "")
    for i, row in frame.iterrows():
        if row["status"] == RUNNING and not alive(row.to_dict(), now, lease_seconds):
            frame.loc[i, ["status", "error"]] = ["interrupted", INTERRUPTED]
    return frame


def indicator_meta_frame(conn: sa.Connection) -> pd.DataFrame:
    """What each source says about its indicators, with the run that stored it."""
    query = (
        sa.select(
            indicator_meta, runs.c.release, runs.c.finished_at.label("fetched_at"), runs.c.sha256
        )
        .join(runs, runs.c.id == indicator_meta.c.run_id)
        .order_by(indicator_meta.c.source, indicator_meta.c.indicator)
    )
    return _frame(conn, query)


def history_frame(conn: sa.Connection, run_id: int | None = None) -> pd.DataFrame:
    """Revised values, optionally of one run."""
    query = sa.select(history).order_by(history.c.id)
    if run_id is not None:
        query = query.where(history.c.run_id == run_id)
    return _frame(conn, query)


def _frame(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def previous(conn: sa.Connection, source: str, full: bool = False) -> Previous:
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
    row = conn.execute(query).first()
    stored = frozenset(int(y) for (y,) in conn.execute(years))
    if row is None:
        return Previous(full=full)
    return Previous(row.release or "", json.loads(row.validators or "{}"), stored, full)
