"""Releases: what each source's latest release changed against the release before it."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from config.vocabulary import GOOD, WRITING
from fetchers.store.tidy import KEY as TIDY_KEY

KEY = list(TIDY_KEY)
DIFF_COLUMNS = [
    "source",
    "release",
    "previous_release",
    "run_id",
    "indicator",
    "country",
    "partner",
    "year",
    "change",
    "old_value",
    "new_value",
    "difference",
    "difference_pct",
    "old_flag",
    "new_flag",
]


def release_diff(frame: pd.DataFrame, history: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """What each source's latest stored release changed against the release before it: values only.

    From the history rows of each source's latest writing run: "revised" (old and new values),
    "flag changed", "new value" (none before) and "removed" (no value now). "added" rows (values
    the store did not hold) come from `frame`'s run_id column when it has one.
    """
    parts = []
    if runs.empty:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    for source, own in runs.groupby("source"):
        writing = own[own["status"].isin(WRITING)].sort_values("id")
        if writing.empty:
            continue
        latest = writing.iloc[-1]
        run_id = int(latest["id"])
        before = own[(own["id"] < run_id) & own["status"].isin(GOOD)].sort_values("id")
        previous = str(before.iloc[-1]["release"] or "") if not before.empty else ""
        revised = history[history["run_id"] == run_id] if len(history) else history
        rows = revised.assign(change=[_change(r) for r in revised.to_dict("records")])
        if "run_id" in frame:
            added = frame[(frame["source"] == source) & (frame["run_id"] == run_id)]
            added = added.merge(revised[KEY], on=KEY, how="left", indicator=True)
            added = added[added["_merge"] == "left_only"]
            rows = pd.concat(
                [
                    rows,
                    pd.DataFrame(
                        {
                            **{k: added[k].values for k in KEY},
                            "old_value": math.nan,
                            "new_value": added["value"].values,
                            "old_flag": "",
                            "new_flag": added["flag"].values,
                            "change": "added",
                        }
                    ),
                ],
                ignore_index=True,
            )
        # Values only: a row with no value before or after (a year the source lists empty) is
        # not a change anyone can read.
        rows = rows[rows["old_value"].notna() | rows["new_value"].notna()]
        if rows.empty:
            continue
        rows = rows.assign(
            source=source,
            release=str(latest["release"] or ""),
            previous_release=previous,
            run_id=run_id,
            difference=rows["new_value"] - rows["old_value"],
            difference_pct=(rows["new_value"] / rows["old_value"] - 1) * 100,
        )
        parts.append(rows[DIFF_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["difference_pct"] = out["difference_pct"].replace([np.inf, -np.inf], np.nan)
    return out.sort_values(["source", "indicator", "country", "partner", "year"], ignore_index=True)


def _change(row: Mapping) -> str:
    """What a history row records."""
    old, new = row["old_value"], row["new_value"]
    if pd.isna(old) and not pd.isna(new):
        return "new value"
    if not pd.isna(old) and pd.isna(new):
        return "removed"
    if pd.isna(old) or old == new:
        return "flag changed"
    return "revised"


def latest_releases(runs: pd.DataFrame) -> dict[str, str]:
    """Each source's release of its latest good run."""
    if runs.empty:
        return {}
    good = runs[runs["status"].isin(GOOD)].sort_values("id")
    return {s: str(g.iloc[-1]["release"] or "") for s, g in good.groupby("source")}
