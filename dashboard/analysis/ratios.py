"""A ÷ B per year for one indicator, the worst input flag carried through."""

from __future__ import annotations

import pandas as pd

from dashboard import metrics
from dashboard.analysis.flags import worst_flag


def ratio_series(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B per year for one indicator where both values are > 0, with the worst input flag."""
    a, b = pair
    rows = metrics.headline(frame[frame["indicator"] == indicator].dropna(subset=["value"]))
    rows = rows[rows["country"].isin(pair)]
    values = rows.pivot_table(index="year", columns="country", values="value", aggfunc="first")
    flags = rows.pivot_table(index="year", columns="country", values="flag", aggfunc="first")
    if a not in values or b not in values:
        return pd.DataFrame(columns=["year", "ratio", "flag"])
    both = values[[a, b]].dropna()
    both = both[(both[a] > 0) & (both[b] > 0)]
    return pd.DataFrame(
        {
            "year": both.index.astype(int),
            "ratio": (both[a] / both[b]).values,
            "flag": [worst_flag(flags.at[y, a], flags.at[y, b]) for y in both.index],
        }
    )
