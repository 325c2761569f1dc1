"""A run's revisions named for people: the largest by relative size, amounts and percentages."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from config.catalogue import Catalogue
from config.numerals import percent_change, scaled

LARGEST = 3  # revisions named per release
REVISION_DIGITS = 4  # a revision is often small: one digit more than the page's three


@dataclass(frozen=True)
class Revision:
    """One revised value, named for people."""

    indicator: str
    indicator_title: str
    country: str
    country_name: str
    year: int
    old: float | None
    new: float | None
    scale: float = 1.0  # the catalogue's: stored × scale = the value people read (SIPRI's US$ m)

    @property
    def change(self) -> float | None:
        """The relative change (−0.031 for −3.1 %), None when it has no meaning."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / abs(self.old)

    def text(self) -> str:
        """ "Russia's GDP 2024: 2.2 tn → 2.132 tn (−3.1%)", numbers as on the page."""
        old, new = (None if v is None else v * self.scale for v in (self.old, self.new))
        moved = " → ".join("—" if v is None else scaled(v, REVISION_DIGITS) for v in (old, new))
        pct = f" ({percent_change(self.change * 100)})" if self.change is not None else ""
        return f"{self.country_name}'s {self.indicator_title} {self.year}: {moved}{pct}"


def largest(history: pd.DataFrame, catalogue: Catalogue, count: int = LARGEST) -> list[Revision]:
    """A run's largest revisions by relative size (values that appeared or vanished first)."""
    revisions = [
        Revision(
            r["indicator"], _indicator_title(catalogue, r["indicator"]), r["country"],
            catalogue.country_name(r["country"]), int(r["year"]),
            _number(r["old_value"]), _number(r["new_value"]), _scale(catalogue, r["indicator"]),
        )
        for r in history.to_dict("records")
    ]  # fmt: skip
    size = [math.inf if r.change is None else abs(r.change) for r in revisions]
    ranked = sorted(zip(size, range(len(revisions)), revisions, strict=True), reverse=True)
    return [r for s, _, r in ranked if s > 0][:count]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _scale(catalogue: Catalogue, indicator: str) -> float:
    try:
        return catalogue.indicator(indicator).scale
    except KeyError:
        return 1.0


def _indicator_title(catalogue: Catalogue, indicator: str) -> str:
    try:
        return catalogue.indicator(indicator).title
    except KeyError:
        return indicator
