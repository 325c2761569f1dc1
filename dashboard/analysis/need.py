"""Asymmetry of need: each country's share of the other's goods trade, and their ratio."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard import metrics
from dashboard.analysis.flags import worst


def need_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """Per year: A's share of B's goods trade, B's share of A's, and their ratio (need ratio).

    Share of X's goods trade with Y = (exports X→Y + imports X←Y) ÷ (exports X→world + imports
    X←world) × 100, from X's own rows (metrics.trade_share); flagged "mirror" where a bilateral
    value is the partner's report. Need ratio = A's share of B's trade ÷ B's share of A's.
    """
    a, b = pair
    shares = metrics.trade_share(frame, pair).set_index(["country", "year"])
    columns = ["year", "a_share_of_b", "b_share_of_a", "need_ratio", "flag_b", "flag_a", "flag"]
    if shares.empty:
        return pd.DataFrame(columns=columns)
    of_b = shares.xs(b, level="country") if b in shares.index.levels[0] else shares.iloc[0:0]
    of_a = shares.xs(a, level="country") if a in shares.index.levels[0] else shares.iloc[0:0]
    table = pd.DataFrame(
        {
            "a_share_of_b": of_b["value"],
            "b_share_of_a": of_a["value"],
            "flag_b": of_b["flag"],
            "flag_a": of_a["flag"],
        }
    ).sort_index()
    table["flag_b"] = table["flag_b"].fillna("")
    table["flag_a"] = table["flag_a"].fillna("")
    table["need_ratio"] = (table["a_share_of_b"] / table["b_share_of_a"]).replace(
        [np.inf, -np.inf], np.nan
    )
    table["flag"] = worst(table["flag_b"], table["flag_a"])
    table.index.name = "year"
    return table.reset_index()[columns]


def need_sentence(need: pd.DataFrame, pair: tuple[str, str], names: Mapping[str, str]) -> str:
    """'China takes 35% of Russia's goods trade; Russia 4% of China's (2023).' for the latest year."""
    both = need.dropna(subset=["a_share_of_b", "b_share_of_a"])
    if both.empty:
        return ""
    row = both.iloc[-1]
    a, b = (names.get(c, c) for c in pair)
    mirror = " (partner-reported data)" if "mirror" in (row["flag_a"], row["flag_b"]) else ""
    return (
        f"{a} takes {pct(row['a_share_of_b'])} of {b}'s goods trade; {b} "
        f"{pct(row['b_share_of_a'])} of {a}'s ({int(row['year'])}){mirror}."
    )


def pct(value: float) -> str:
    """A share for a sentence: one decimal below 10%, whole numbers above."""
    return f"{value:.1f}%" if abs(value) < 10 else f"{value:.0f}%"
