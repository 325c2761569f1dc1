"""Writing one release: diff it against the stored rows, refuse suspicious removals, apply it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from fetchers.store.errors import SuspiciousRelease
from fetchers.store.removals import Removal, removals, suspicious_text
from fetchers.store.schema import history, indicator_meta, observations, runs
from fetchers.store.tidy import COLUMNS, KEY, SourceResult


@dataclass(frozen=True)
class WriteSummary:
    """What one successful run changed."""

    run_id: int
    rows: int
    added: int
    changed: int


def write_release(
    conn: sa.Connection, run_id: int, result: SourceResult, max_removed_share: float
) -> tuple[WriteSummary, list[Removal]]:
    """Store a result's rows and indicator metadata in `conn`'s transaction, as run `run_id`.

    Returns what changed and the stored values the release removed (for the run's notes); raises
    SuspiciousRelease when it would remove more than `max_removed_share` of any series.
    """
    new = result.frame
    old = _current(conn, result.source)
    # Values from the bundled snapshot are a stand-in: a live release replaces them freely.
    gone = removals(old[~old.pop("snapshot").astype(bool)], new, result.refused)
    suspicious = [r for r in gone if r.share > max_removed_share]
    if suspicious:
        raise SuspiciousRelease(suspicious_text(suspicious, max_removed_share))
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
            [{**m.__dict__, "source": result.source, "run_id": run_id} for m in result.meta],
        )
    return WriteSummary(run_id, len(new), len(added), len(revised)), gone


def _current(conn: sa.Connection, source: str) -> pd.DataFrame:
    """The stored observations of one source, whether each came from the bundled snapshot, and
    the run that wrote it."""
    query = (
        sa.select(
            *(observations.c[c] for c in COLUMNS),
            (runs.c.kind == "snapshot").label("s"),
            observations.c.run_id,
        )
        .join(runs, runs.c.id == observations.c.run_id)
        .where(observations.c.source == source)
    )
    return pd.DataFrame(conn.execute(query).all(), columns=[*COLUMNS, "snapshot", "old_run_id"])


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
            "old_run_id": int(r["old_run_id"]),
        }
        for r in frame.to_dict("records")
    ]
