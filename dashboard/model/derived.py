"""Series computed here from stored ones: the arithmetic, named by the catalogue's [[derived]] entries.

Their titles, units, inputs and provenance are the catalogue's (config/indicators.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from config.catalogue import Indicator
from dashboard.model import metrics

COLUMNS = ["source", "indicator", "country", "partner", "year", "value", "unit", "flag"]


def gdp_ppp(frame: pd.DataFrame, pair: Sequence[str], item: Indicator) -> pd.DataFrame:
    """GDP, PPP = GDP per capita, PPP × population, per country and year where both are stored.

    Every country in `frame` (not only the pair): the world aggregate gets its share too.
    """
    per_head_id, people_id = item.inputs
    rows = metrics.headline(frame[frame["indicator"].isin(item.inputs)]).dropna(subset=["value"])
    per_head = rows[rows["indicator"] == per_head_id].set_index(["country", "year"])
    people = rows[rows["indicator"] == people_id].set_index(["country", "year"])
    per_head = per_head[~per_head.index.duplicated()]
    people = people[~people.index.duplicated()]
    both = per_head[["value", "flag"]].join(
        people[["value", "flag"]].add_suffix("_people"), how="inner"
    )
    if both.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame(
        {
            "source": item.source,
            "indicator": item.id,
            "country": both.index.get_level_values("country"),
            "partner": "",
            "year": both.index.get_level_values("year").astype(int),
            "value": (both["value"] * both["value_people"]).values,
            "unit": item.unit,
            # WDI rows carry no estimate flags; either input's flag, if any, is kept.
            "flag": both["flag"].where(both["flag"] != "", both["flag_people"]).fillna("").values,
        }
    )
    return out.sort_values(["country", "year"], ignore_index=True)[COLUMNS]


def trade_share(frame: pd.DataFrame, pair: Sequence[str], item: Indicator) -> pd.DataFrame:
    """The other of the pair's share (%) of each focus country's goods trade (its inputs' flows)."""
    return metrics.trade_share(frame, tuple(pair), item.inputs, item.id, item.unit)


# Each arithmetic a [[derived]] entry may name (config.catalogue_needs.ARITHMETIC), by name.
COMPUTE: dict[str, Callable[[pd.DataFrame, Sequence[str], Indicator], pd.DataFrame]] = {
    "partner share": trade_share,
    "per capita × population": gdp_ppp,
}


def with_derived(
    frame: pd.DataFrame, wanted: Sequence[Indicator], pair: Sequence[str]
) -> pd.DataFrame:
    """`frame` with the rows of each derived series in `wanted` appended (inputs must be in it)."""
    parts = [COMPUTE[item.arithmetic](frame, pair, item) for item in wanted if item.inputs]
    parts = [p for p in parts if not p.empty]
    return pd.concat([frame, *parts], ignore_index=True) if parts else frame
