"""Vintages: exactly what the store held at a past moment, rebuilt from its history and runs."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from datetime import UTC, date, datetime, time

import pandas as pd

from config.clock import format_time, parse_time
from config.vocabulary import GOOD, WRITING
from fetchers.store.snapshot import StoreSnapshot
from fetchers.store.tidy import KEY

VINTAGES_KEPT = 4  # vintages kept per snapshot: a page and its downloads ask for the same one
AS_OF_MAX = 40  # characters of an as_of value looked at: a timestamp is at most ~32
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class VintageError(ValueError):
    """An `as_of` that names no moment the store can show; the message says why, for people."""


def parse_as_of(text: object, first: datetime | None, now: datetime | None = None) -> datetime:
    """`YYYY-MM-DD` (the end of that day, UTC; today means now) or an ISO timestamp (UTC unless
    it says otherwise) as an aware UTC datetime; refused if later than now or before `first`
    (the first run's end; None: the store is empty)."""
    now = now or datetime.now(UTC)
    if not isinstance(text, str) or not text.strip():
        raise VintageError("as_of must be a date (YYYY-MM-DD) or an ISO 8601 timestamp")
    raw = text.strip()[: AS_OF_MAX + 1]
    if len(raw) > AS_OF_MAX:
        raise VintageError("as_of is too long to be a date or a timestamp")
    when = _moment(raw, now)
    if when > now:
        raise VintageError(f"as_of {raw} is in the future; the latest moment is now")
    if first is None:
        raise VintageError("the store holds no data yet, so no earlier vintage either")
    if when < first:
        raise VintageError(f"as_of {raw} is before the store's first data ({format_time(first)})")
    return when


def first_moment(runs: pd.DataFrame) -> datetime | None:
    """When the first run that stored data finished (the earliest moment a vintage can show)."""
    done = runs[runs["status"].isin(GOOD) & (runs["finished_at"] != "")]
    return parse_time(min(done["finished_at"])) if not done.empty else None


def as_of(snapshot: StoreSnapshot, when: datetime) -> StoreSnapshot:
    """The snapshot as the store held it at `when`: every run that finished later is undone (its
    revisions get their old values back, the values it added are dropped), and runs, metadata
    and history are limited to the runs finished by then."""
    cutoff = format_time(when)  # the store's own format sorts as time does
    runs = snapshot.runs
    kept_mask = (runs["finished_at"] != "") & (runs["finished_at"] <= cutoff)
    kept_runs = runs[kept_mask].reset_index(drop=True)
    kept = set(kept_runs["id"])
    history = snapshot.history
    later = history[~history["run_id"].isin(kept)]
    return StoreSnapshot(
        version=snapshot.version,
        observations=_observations(snapshot.rows(), later, kept, kept_runs),
        runs=kept_runs,
        meta=_meta(snapshot.meta, kept_runs),
        history=history[history["run_id"].isin(kept)].reset_index(drop=True),
        read_at=snapshot.read_at,
        clock_offset=snapshot.clock_offset,
    )


def at(snapshot: StoreSnapshot, when: datetime) -> StoreSnapshot:
    """`as_of`, kept with the snapshot: every moment between the same two runs is one vintage,
    and the last VINTAGES_KEPT vintages of a snapshot are kept (each is a copy of its rows)."""
    cutoff = format_time(when)
    runs = snapshot.runs
    kept = tuple(runs.loc[(runs["finished_at"] != "") & (runs["finished_at"] <= cutoff), "id"])
    cache, lock = snapshot.derive("vintages", lambda: (OrderedDict(), threading.Lock()))
    with lock:
        if kept in cache:
            cache.move_to_end(kept)
            return cache[kept]
    found = as_of(snapshot, when)  # outside the lock: two readers may build one; both are equal
    with lock:
        cache[kept] = found
        while len(cache) > VINTAGES_KEPT:
            cache.popitem(last=False)
    return found


def _observations(
    current: pd.DataFrame, later: pd.DataFrame, kept: set, kept_runs: pd.DataFrame
) -> pd.DataFrame:
    """Current rows, with each value a later run revised put back and each it added dropped."""
    frame = current
    if not later.empty:
        # The first later revision of a key holds the value the key had before it.
        first = later.sort_values("id").drop_duplicates(list(KEY), keep="first")
        first = first.assign(old_run=[_writer(r, kept_runs) for r in first.to_dict("records")])
        merged = frame.merge(
            first[[*KEY, "old_value", "old_flag", "old_run"]], on=list(KEY), how="left"
        )
        undone = merged["old_run"].notna()
        merged.loc[undone, "value"] = merged.loc[undone, "old_value"]
        merged.loc[undone, "flag"] = merged.loc[undone, "old_flag"]
        merged.loc[undone, "run_id"] = merged.loc[undone, "old_run"]
        frame = merged.drop(columns=["old_value", "old_flag", "old_run"])
        frame["run_id"] = frame["run_id"].astype("int64")
    # A row still written by a later run was added by it (or by a run undone before it).
    frame = frame[frame["run_id"].isin(kept)]
    frame["value"] = frame["value"].astype("float64")
    return frame.reset_index(drop=True)


def _writer(revision: dict, kept_runs: pd.DataFrame) -> float:
    """The kept run whose value a later revision replaced (NaN: none, so the key was not yet
    stored). History records the replaced value but not its run (unless it has `old_run_id`):
    then the latest kept run of the source that wrote data before the revision is taken."""
    old_run = revision.get("old_run_id")
    if old_run is not None and not pd.isna(old_run):
        return float(old_run) if int(old_run) in set(kept_runs["id"]) else float("nan")
    writers = kept_runs[
        (kept_runs["source"] == revision["source"])
        & kept_runs["status"].isin(WRITING)
        & (kept_runs["id"] < revision["run_id"])
    ]
    return float(writers["id"].max()) if not writers.empty else float("nan")


def _meta(meta: pd.DataFrame, kept_runs: pd.DataFrame) -> pd.DataFrame:
    """Indicator metadata with the release, fetch time and hash of the latest kept run that
    wrote each source's data; a source with no such run then is left out. (The names and notes
    are the newest stored: the store keeps no older ones.)"""
    if meta.empty:
        return meta
    writers = kept_runs[kept_runs["status"].isin(WRITING)]
    latest = writers.sort_values("id").groupby("source").tail(1).set_index("source")
    out = meta[meta["source"].isin(latest.index)].copy()
    moved = ~out["run_id"].isin(set(kept_runs["id"]))
    if not moved.any():
        return out.reset_index(drop=True)
    for column, run_column in (("release", "release"), ("fetched_at", "finished_at"),
                               ("sha256", "sha256"), ("run_id", "id")):  # fmt: skip
        out.loc[moved, column] = out.loc[moved, "source"].map(latest[run_column])
    return out.reset_index(drop=True)


def _moment(raw: str, now: datetime) -> datetime:
    """A date's end (UTC) or a timestamp, aware and in UTC."""
    if _DAY.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError as exc:
            raise VintageError(f"as_of {raw} is not a calendar date") from exc
        if day == now.date():
            return now
        return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise VintageError(
            f"as_of {raw!r} is neither a date (YYYY-MM-DD) nor an ISO 8601 timestamp"
        ) from exc
    if "T" not in raw.upper() and " " not in raw:
        raise VintageError(f"as_of {raw!r} is neither a date (YYYY-MM-DD) nor a timestamp")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
