"""Pure exports: store frames → tidy CSV with provenance columns."""

from __future__ import annotations

import pandas as pd

EXPORT_COLUMNS = (
    "source",
    "indicator",
    "country",
    "year",
    "value",
    "unit",
    "flag",
    "partner",
    "source_release",
    "fetched_at",
)


def tidy_export(
    observations: pd.DataFrame, last_runs: pd.DataFrame, include_missing: bool = False
) -> pd.DataFrame:
    """The export table: observations with their source's release date and fetch time."""
    frame = observations if include_missing else observations[observations["value"].notna()]
    provenance = pd.DataFrame(columns=["source", "source_release", "fetched_at"])
    if not last_runs.empty and "last_ok_release" in last_runs:
        provenance = last_runs[["source", "last_ok_release", "last_ok_at"]].rename(
            columns={"last_ok_release": "source_release", "last_ok_at": "fetched_at"}
        )
    merged = frame.merge(provenance, on="source", how="left")
    return merged[list(EXPORT_COLUMNS)].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8, floats written shortest-exact, missing values as empty cells."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
