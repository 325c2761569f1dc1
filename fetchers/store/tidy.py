"""The one canonical tidy frame every source produces, and its validate()."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from fetchers.store.errors import ValidationError

COLUMNS = ("source", "indicator", "country", "partner", "year", "value", "unit", "flag")
KEY = ("source", "indicator", "country", "partner", "year")
# Flags a value may carry: "" for a plain observation, SIPRI's colour marks, missing cells
# (text markers or API nulls), and trade figures taken from the partner's report.
FLAGS = ("", "estimate", "uncertain", "missing", "not_existing", "mirror")


def make_frame(records: list[dict]) -> pd.DataFrame:
    """A tidy frame from row dicts, with the canonical columns and dtypes."""
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    for column in ("partner", "unit", "flag"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="raise").astype("float64")
    return frame.sort_values(list(KEY), ignore_index=True)


def validate(frame: pd.DataFrame, source: str, url: str = "") -> pd.DataFrame:
    """Check a tidy frame; raise ValidationError listing every violation at once."""
    problems: list[str] = []
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(source, url, f"frame lacks column(s) {', '.join(missing)}")
    if frame.empty:
        problems.append("no rows")
    if (frame["source"] != source).any():
        problems.append(f"rows from another source than {source!r}")
    duplicated = frame[frame.duplicated(list(KEY), keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        problems.append(
            f"{len(duplicated)} duplicated key rows, e.g. {first['indicator']} "
            f"{first['country']} {first['year']}"
        )
    bad_years = frame[(frame["year"] < 1900) | (frame["year"] > 2100)]
    if not bad_years.empty:
        problems.append(f"{len(bad_years)} rows with a year outside 1900–2100")
    bad_flags = sorted(set(frame["flag"]) - set(FLAGS))
    if bad_flags:
        problems.append(f"unknown flag(s) {bad_flags}")
    infinite = frame["value"].map(lambda v: isinstance(v, float) and math.isinf(v))
    if infinite.any():
        problems.append(f"{int(infinite.sum())} infinite values")
    null_unflagged = frame["value"].isna() & ~frame["flag"].isin(["missing", "not_existing"])
    if null_unflagged.any():
        problems.append(f"{int(null_unflagged.sum())} empty values not flagged as missing")
    if problems:
        raise ValidationError(source, url, "invalid data: " + "; ".join(problems))
    return frame


@dataclass(frozen=True)
class IndicatorMeta:
    """What a source says about one of its indicators."""

    indicator: str
    name: str
    source_note: str = ""
    source_organization: str = ""
    unit: str = ""
    url: str = ""


@dataclass(frozen=True)
class RawBody:
    """One raw response body of a run: where it came from, its sha256, and where it is kept."""

    url: str
    sha256: str
    path: str = ""  # a file under RAW_DIR, named by its sha256; "" when not kept


@dataclass(frozen=True)
class SourceResult:
    """A source's complete answer: the tidy frame plus its provenance.

    `refused` names indicators the source refused (the run is then 'partial': the rest is stored);
    `unchanged` says the source's release equals the last good run's (nothing is stored);
    `validators` are what tells the next run whether anything changed (URL, Content-Length, …);
    `notes` are things a person should know about the run (e.g. a possibly cut response).
    """

    source: str
    frame: pd.DataFrame
    meta: tuple[IndicatorMeta, ...]
    urls: tuple[str, ...]
    sha256: str
    release: str
    refused: tuple[str, ...] = ()
    unchanged: bool = False
    validators: Mapping[str, str] = field(default_factory=dict)
    bodies: tuple[RawBody, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Previous:
    """What the store knows of a source's last good run, for incremental and no-change refreshes."""

    release: str = ""
    validators: Mapping[str, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()  # years with at least one stored value
    full: bool = False  # `fetchers run --full`: fetch everything whatever is stored
