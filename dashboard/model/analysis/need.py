"""Asymmetry of need: each country's share of the other's goods trade, and their ratio.

After 2021 Russia no longer reports to UN Comtrade: its flows with China are then China's reports
(the mirror rule) and its world totals the WDI's WTO-based merchandise trade, which continues.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.model import metrics
from dashboard.model.analysis.flags import worst, worst_flag
from dashboard.model.analysis.ratios import catalogue
from dashboard.model.numbers import share

FLOWS = catalogue().flows("trade")  # Comtrade's exports (X) and imports (M) by partner
OPPOSITE = {"X": "M", "M": "X"}  # A's exports to B are B's imports from A
WTO_TOTALS = catalogue().flows("worldbank")  # the WDI's WTO-based merchandise totals
WTO_NOTE = "from partner data and WTO totals"
COLUMNS = [
    "year",
    "a_share_of_b",
    "b_share_of_a",
    "need_ratio",
    "flag_b",
    "flag_a",
    "flag",
    "source_note",
]


def need_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """Per year: A's share of B's goods trade, B's share of A's, and their ratio (need ratio).

    Share of X's goods trade with Y = (exports X→Y + imports X←Y) ÷ (exports X→world + imports
    X←world) × 100. A bilateral flow X does not report is Y's report of the opposite flow (flag
    "mirror"); world totals X does not report are the WDI's merchandise exports + imports
    (TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT, WTO-based), noted "from partner data and WTO totals".
    Need ratio = A's share of B's trade ÷ B's share of A's.
    """
    a, b = pair
    of_b = _shares(frame, b, a)  # A's share of B's trade: from B's side
    of_a = _shares(frame, a, b)
    years = sorted(set(of_b) | set(of_a))
    if not years:
        return pd.DataFrame(columns=COLUMNS)
    nan = (math.nan, "", False)
    table = pd.DataFrame(
        {
            "year": years,
            "a_share_of_b": [of_b.get(y, nan)[0] for y in years],
            "b_share_of_a": [of_a.get(y, nan)[0] for y in years],
            "flag_b": [of_b.get(y, nan)[1] for y in years],
            "flag_a": [of_a.get(y, nan)[1] for y in years],
            "source_note": [
                WTO_NOTE if of_b.get(y, nan)[2] or of_a.get(y, nan)[2] else "" for y in years
            ],
        }
    )
    table["need_ratio"] = (table["a_share_of_b"] / table["b_share_of_a"]).replace(
        [np.inf, -np.inf], np.nan
    )
    table["flag"] = worst(table["flag_b"], table["flag_a"])
    return table[COLUMNS]


def need_sentence(need: pd.DataFrame, pair: tuple[str, str], names: Mapping[str, str]) -> str:
    """'China takes 35% of Russia's goods trade; Russia 4% of China's (2023).' for the latest year."""
    both = need.dropna(subset=["a_share_of_b", "b_share_of_a"])
    if both.empty:
        return ""
    row = both.iloc[-1]
    a, b = (names.get(c, c) for c in pair)
    source = (
        f" ({WTO_NOTE})"
        if row["source_note"]
        else " (partner-reported data)"
        if "mirror" in (row["flag_a"], row["flag_b"])
        else ""
    )
    return (
        f"{a} takes {share(row['a_share_of_b'])} of {b}'s goods trade; {b} "
        f"{share(row['b_share_of_a'])} of {a}'s ({int(row['year'])}){source}."
    )


def _shares(frame: pd.DataFrame, country: str, other: str) -> dict[int, tuple[float, str, bool]]:
    """Per year: `other`'s share (%) of `country`'s goods trade, its flag, and whether the world
    total is the WTO-based WDI series."""
    bilateral = {f: _values(frame, FLOWS[f], country, other) for f in FLOWS}
    mirror = {f: _values(frame, FLOWS[OPPOSITE[f]], other, country) for f in FLOWS}
    world = {f: _values(frame, FLOWS[f], country, metrics.world()) for f in FLOWS}
    wto = {f: _values(frame, WTO_TOTALS[f], country, "") for f in FLOWS}
    out = {}
    years = set().union(*(set(v) for v in (*bilateral.values(), *mirror.values())))
    for year in sorted(years):
        flows = [bilateral[f].get(year) or _mirrored(mirror[f].get(year)) for f in FLOWS]
        if any(f is None for f in flows):
            continue
        totals = [world[f].get(year) for f in FLOWS]
        from_wto = any(t is None for t in totals)
        if from_wto:
            totals = [wto[f].get(year) for f in FLOWS]
        if any(t is None for t in totals) or sum(t[0] for t in totals) <= 0:
            continue
        share = sum(f[0] for f in flows) / sum(t[0] for t in totals) * 100
        if share > 100:  # totals that cannot hold the flows (another unit or scope): no share
            continue
        out[year] = (share, worst_flag(*(f[1] for f in flows + totals)), from_wto)
    return out


def _values(
    frame: pd.DataFrame, indicator: str, country: str, partner: str
) -> dict[int, tuple[float, str]]:
    """One series' values and flags by year (the first row of a duplicate year)."""
    rows = frame[
        (frame["indicator"] == indicator)
        & (frame["country"] == country)
        & (frame["partner"] == partner)
    ].dropna(subset=["value"])
    out: dict[int, tuple[float, str]] = {}
    for year, value, flag in zip(rows["year"], rows["value"], rows["flag"], strict=True):
        out.setdefault(int(year), (float(value), flag if isinstance(flag, str) else ""))
    return out


def _mirrored(value: tuple[float, str] | None) -> tuple[float, str] | None:
    """The partner's report standing in, flagged."""
    return None if value is None else (value[0], "mirror")
