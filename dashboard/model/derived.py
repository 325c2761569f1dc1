"""Series computed here from stored ones: their titles, units, inputs, provenance and arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.model import metrics

GDP_PPP = "GDP.PPP.COMPUTED"  # not a WDI code: the WDI's own is NY.GDP.MKTP.PP.CD
GDP_PPP_INPUTS = ("NY.GDP.PCAP.PP.CD", "SP.POP.TOTL")
COLUMNS = ["source", "indicator", "country", "partner", "year", "value", "unit", "flag"]


def gdp_ppp(frame: pd.DataFrame, pair: Sequence[str] = ()) -> pd.DataFrame:
    """GDP, PPP = GDP per capita, PPP × population, per country and year where both are stored.

    Every country in `frame` (not only the pair): the world aggregate gets its share too.
    """
    rows = metrics.headline(frame[frame["indicator"].isin(GDP_PPP_INPUTS)]).dropna(subset=["value"])
    per_head = rows[rows["indicator"] == GDP_PPP_INPUTS[0]].set_index(["country", "year"])
    people = rows[rows["indicator"] == GDP_PPP_INPUTS[1]].set_index(["country", "year"])
    per_head = per_head[~per_head.index.duplicated()]
    people = people[~people.index.duplicated()]
    both = per_head[["value", "flag"]].join(
        people[["value", "flag"]].add_suffix("_people"), how="inner"
    )
    if both.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame(
        {
            "source": "worldbank",
            "indicator": GDP_PPP,
            "country": both.index.get_level_values("country"),
            "partner": "",
            "year": both.index.get_level_values("year").astype(int),
            "value": (both["value"] * both["value_people"]).values,
            "unit": "current international $",
            # WDI rows carry no estimate flags; either input's flag, if any, is kept.
            "flag": both["flag"].where(both["flag"] != "", both["flag_people"]).fillna("").values,
        }
    )
    return out.sort_values(["country", "year"], ignore_index=True)[COLUMNS]


@dataclass(frozen=True)
class Derived:
    """A series computed here from stored ones."""

    title: str
    theme: str
    unit: str
    inputs: tuple[str, ...]
    organisation: str
    note: str
    compute: Callable[[pd.DataFrame, Sequence[str]], pd.DataFrame]


DERIVED = {
    metrics.TRADE_SHARE: Derived(
        "Partner's share of goods trade (Comtrade)",
        "trade",
        "% of the country's goods trade",
        metrics.TRADE_FLOWS,
        "Derived here from UN Comtrade goods exports and imports",
        "(exports + imports with the other of the pair) ÷ (exports + imports with the world) × 100.",
        metrics.trade_share,
    ),
    GDP_PPP: Derived(
        "GDP, PPP (computed: per capita × population)",
        "economy",
        "current international $",
        GDP_PPP_INPUTS,
        "Computed here from World Bank WDI NY.GDP.PCAP.PP.CD and SP.POP.TOTL",
        "GDP per capita, PPP (current international $) × population, total: computed here, not "
        "the WDI's own NY.GDP.MKTP.PP.CD (which agrees up to rounding where both exist).",
        gdp_ppp,
    ),
}


def with_derived(frame: pd.DataFrame, wanted: Sequence[str], pair: Sequence[str]) -> pd.DataFrame:
    """`frame` with the rows of each derived series in `wanted` appended (inputs must be in it)."""
    parts = [DERIVED[i].compute(frame, pair) for i in wanted if i in DERIVED]
    parts = [p for p in parts if not p.empty]
    return pd.concat([frame, *parts], ignore_index=True) if parts else frame
