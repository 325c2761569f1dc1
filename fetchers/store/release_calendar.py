"""The release calendar: per source, its last stored release, the next expected, and overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from config.catalogue import Catalogue
from config.vocabulary import GOOD
from fetchers.store.status import overdue, release_date


@dataclass(frozen=True)
class SourceCalendar:
    """One source's releases: the last one stored, the next expected from its cadence, overdue."""

    source: str
    title: str
    last_release: str
    released_on: date | None
    fetched_at: str
    expected: date | None
    overdue: bool


def calendar(runs: pd.DataFrame, catalogue: Catalogue, today: date) -> list[SourceCalendar]:
    """Per catalogued source: its last release, the next one expected, and whether it is overdue
    (older than twice the cadence; the bundled snapshot's release is never called overdue)."""
    out = []
    for source in catalogue.sources:
        rows = runs[(runs["source"] == source.id) & runs["status"].isin(GOOD)]
        live = rows[rows["kind"] != "snapshot"]
        last = (live if not live.empty else rows).sort_values("id").tail(1)
        if last.empty:
            out.append(SourceCalendar(source.id, source.title, "", None, "", None, False))
            continue
        row = last.iloc[0]
        released = release_date(row["release"])
        expected = released + timedelta(days=source.cadence_days) if released else None
        late = bool(released and not live.empty and overdue(released, source.cadence_days, today))
        out.append(
            SourceCalendar(
                source.id, source.title, row["release"], released, row["finished_at"],
                expected, late,
            )
        )  # fmt: skip
    return out
