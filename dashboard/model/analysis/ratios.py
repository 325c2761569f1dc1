"""A ÷ B and A − B per year for one indicator, the worst input flag carried through."""

from __future__ import annotations

import pandas as pd

from dashboard.model import metrics, numbers
from dashboard.model.analysis.flags import worst_flag
from dashboard.model.metrics import catalogue

RATIO_COLUMNS = ["year", "a", "b", "ratio", "difference", "flag"]


def used_series(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> str:
    """`indicator`, or its computed stand-in when only the stand-in has both of the pair."""
    stand_in = stand_ins().get(indicator)
    if stand_in is None or _has_pair(frame, indicator, pair):
        return indicator
    return stand_in if _has_pair(frame, stand_in, pair) else indicator


def ratio_series(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B and A − B per year where both values are > 0, with the worst input flag.

    A computed stand-in (stand_ins()) is used when the indicator itself lacks the pair.
    """
    a, b = pair
    indicator = used_series(frame, indicator, pair)
    rows = metrics.headline(frame[frame["indicator"] == indicator].dropna(subset=["value"]))
    rows = rows[rows["country"].isin(pair)]
    values = rows.pivot_table(index="year", columns="country", values="value", aggfunc="first")
    flags = rows.pivot_table(index="year", columns="country", values="flag", aggfunc="first")
    if a not in values or b not in values:
        return pd.DataFrame(columns=RATIO_COLUMNS)
    both = values[[a, b]].dropna()
    both = both[(both[a] > 0) & (both[b] > 0)]
    return pd.DataFrame(
        {
            "year": both.index.astype(int),
            "a": both[a].values,
            "b": both[b].values,
            "ratio": (both[a] / both[b]).values,
            "difference": (both[a] - both[b]).values,
            "flag": [worst_flag(flags.at[y, a], flags.at[y, b]) for y in both.index],
        }
    )


def stand_ins() -> dict[str, str]:
    """A stored series a source may lack → the derived one that stands in for it."""
    return {d.stands_in_for: d.id for d in catalogue().derived if d.stands_in_for}


def stored_unit(frame: pd.DataFrame, indicator: str) -> str:
    """The stored unit of a series (its last row's), or ''."""
    units = frame.loc[frame["indicator"] == indicator, "unit"].dropna()
    return str(units.iloc[-1]) if len(units) else ""


def unit_of_series(frame: pd.DataFrame, indicator: str) -> numbers.Unit:
    """How a series reads: its catalogue fields (the stored unit names an edition's base year)."""
    return numbers.unit_for(catalogue().indicator(indicator), stored_unit(frame, indicator))


def _has_pair(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> bool:
    """Whether both of the pair have a value of `indicator`."""
    rows = frame[(frame["indicator"] == indicator) & frame["country"].isin(pair)]
    return set(rows.dropna(subset=["value"])["country"]) >= set(pair)
