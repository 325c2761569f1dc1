"""Stored values a new release would remove: per series, and the texts a run carries about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fetchers.store.tidy import KEY

SERIES = ("indicator", "country", "partner")


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


def removals(old: pd.DataFrame, new: pd.DataFrame, refused: Sequence[str] = ()) -> list[Removal]:
    """Per series, stored values that `new` blanks or leaves out, within the span of years it covers.

    Years outside the release (a routine refresh asks only for recent years), indicators the
    source refused and indicators the release does not hold at all (an import of one
    indicator's file) are not removals: their stored values simply stand.
    """
    spoken = set(new["indicator"]) - set(refused)
    stored = old[pd.to_numeric(old["value"]).notna() & old["indicator"].isin(spoken)]
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


def removed_notes(gone: Sequence[Removal], shown: int = 10) -> list[str]:
    """The removals a run keeps, for its notes (the first few series, then how many more)."""
    notes = [r.text() for r in gone[:shown]]
    if len(gone) > shown:
        notes.append(f"and {len(gone) - shown} more series with values removed")
    return notes


def suspicious_text(suspicious: Sequence[Removal], limit: float) -> str:
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
