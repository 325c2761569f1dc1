"""Pure metrics on tidy frames: ratios, indexed series, shares, growth, KPIs, table columns."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MODES = ("absolute", "ratio", "indexed", "share")
TRADE_SHARE = "CMT.PARTNER_SHARE"  # derived: the partner's share of a country's goods trade
TRADE_FLOWS = ("CMT.TOTAL.X", "CMT.TOTAL.M")


def headline(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that describe a country as a whole: no partner, or the world as partner."""
    return frame[frame["partner"].isin(["", "WLD"])]


def wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Headline values of one indicator as year × country."""
    data = headline(frame)
    return data.pivot_table(index="year", columns="country", values="value", aggfunc="first")


def ratio(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    """a ÷ b per year, for one indicator; only years where both values are positive."""
    table = wide(frame)
    if a not in table or b not in table:
        return pd.Series(dtype="float64")
    both = table[(table[a] > 0) & (table[b] > 0)]
    return (both[a] / both[b]).dropna()


def transform(
    frame: pd.DataFrame, mode: str, pair: tuple[str, str], base_year: int
) -> pd.DataFrame:
    """The plotted series for one indicator: columns series, country, partner, year, value, flag."""
    data = frame.dropna(subset=["value"]).copy()
    if mode == "ratio":
        series = ratio(data, *pair)
        return pd.DataFrame(
            {
                "country": f"{pair[0]}÷{pair[1]}",
                "partner": "",
                "year": series.index,
                "value": series.values,
                "flag": "",
            }
        )
    if mode == "indexed":
        keys = ["country", "partner"]
        base = data[data["year"] == base_year].set_index(keys)["value"]
        data["value"] = [
            v / base[(c, p)] * 100 if (c, p) in base.index and base[(c, p)] != 0 else np.nan
            for c, p, v in zip(data["country"], data["partner"], data["value"], strict=True)
        ]
        return data.dropna(subset=["value"])[["country", "partner", "year", "value", "flag"]]
    if mode == "share":
        data = headline(data)
        data = data[data["country"].isin(pair) & (data["value"] > 0)]
        totals = data.groupby("year")["value"].transform("sum")
        counts = data.groupby("year")["value"].transform("count")
        data = data.assign(value=data["value"] / totals * 100)[counts == 2]
        return data[["country", "partner", "year", "value", "flag"]]
    return data[["country", "partner", "year", "value", "flag"]]


def cagr(first: float, last: float, years: int) -> float:
    """Compound annual growth rate in percent; NaN where undefined."""
    if years <= 0 or not first or first <= 0 or last <= 0 or math.isnan(first) or math.isnan(last):
        return math.nan
    return ((last / first) ** (1 / years) - 1) * 100


@dataclass(frozen=True)
class Kpi:
    """The headline comparison of the pair for one indicator; NaN where a number is undefined."""

    indicator: str
    year: int
    a_value: float
    b_value: float
    ratio: float  # NaN when either value is zero or negative: such a ratio means nothing
    base_year: int
    base_ratio: float
    ratio_change: float
    ratio_change_pct: float
    a_growth: float
    b_growth: float
    a_flag: str
    b_flag: str
    a_base: float = math.nan
    b_base: float = math.nan


def kpi(
    frame: pd.DataFrame,
    indicator: str,
    pair: tuple[str, str],
    base_year: int,
    years: tuple[int, int] | None = None,
) -> Kpi | None:
    """The latest common year in `years`: values, ratio, its change since the base year, growth."""
    data = headline(frame[frame["indicator"] == indicator].dropna(subset=["value"]))
    table = wide(data)
    if pair[0] not in table or pair[1] not in table:
        return None
    both = table[[pair[0], pair[1]]].dropna()
    if years is not None:
        both = both[(both.index >= years[0]) & (both.index <= years[1])]
    if both.empty:
        return None
    year = int(both.index.max())
    a, b = float(both.loc[year, pair[0]]), float(both.loc[year, pair[1]])
    a_base, b_base = _at(table, pair[0], base_year), _at(table, pair[1], base_year)
    flags = data.set_index(["country", "year"])["flag"]
    now_ratio, base_ratio = _ratio(a, b), _ratio(a_base, b_base)
    span = year - base_year
    return Kpi(
        indicator=indicator,
        year=year,
        a_value=a,
        b_value=b,
        ratio=now_ratio,
        base_year=base_year,
        base_ratio=base_ratio,
        ratio_change=now_ratio - base_ratio,
        ratio_change_pct=(now_ratio / base_ratio - 1) * 100,
        a_growth=cagr(a_base, a, span),
        b_growth=cagr(b_base, b, span),
        a_flag=str(flags.get((pair[0], year), "")),
        b_flag=str(flags.get((pair[1], year), "")),
        a_base=a_base,
        b_base=b_base,
    )


def common_years(frame: pd.DataFrame, pair: tuple[str, str]) -> list[int]:
    """Years in which both of the pair have a headline value, for any indicator in `frame`."""
    data = headline(frame.dropna(subset=["value"]))
    data = data[data["country"].isin(pair)]
    counts = data.groupby(["indicator", "year"])["country"].nunique()
    return sorted({int(year) for (_, year), n in counts.items() if n == 2})


def table_rows(frame: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """The data table: each value with its change on a year and since the base year (% and diff)."""
    data = frame.dropna(subset=["value"]).sort_values(["indicator", "country", "partner", "year"])
    keys = ["indicator", "country", "partner"]
    previous = data.groupby(keys)["value"].shift(1)
    previous_year = data.groupby(keys)["year"].shift(1)
    consecutive = previous_year == data["year"] - 1
    yoy = (data["value"] / previous - 1) * 100
    data = data.assign(
        yoy_pct=yoy.where(consecutive & (previous > 0)),
        yoy_diff=(data["value"] - previous).where(consecutive),
    )
    base = data[data["year"] == base_year].set_index(keys)["value"].rename("base_value")
    data = data.join(base, on=keys)
    since = (data["value"] / data["base_value"] - 1) * 100
    data["since_base_pct"] = since.where(data["base_value"] > 0)
    data["since_base_diff"] = data["value"] - data["base_value"]
    return data.drop(columns=["base_value"]).reset_index(drop=True)


def trade_share(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """Derived rows: the other country's share (%) of each focus country's goods trade."""
    flows = frame[frame["indicator"].isin(TRADE_FLOWS)].dropna(subset=["value"])
    rows = []
    for country in pair:
        other = pair[1] if country == pair[0] else pair[0]
        mine = flows[flows["country"] == country]
        bilateral = mine[mine["partner"] == other].groupby("year")
        world = mine[mine["partner"] == "WLD"].groupby("year")
        both = pd.DataFrame(
            {
                "bilateral": bilateral["value"].sum(min_count=2),
                "world": world["value"].sum(min_count=2),
                "mirror": bilateral["flag"].apply(lambda f: (f == "mirror").any()),
            }
        ).dropna(subset=["bilateral", "world"])
        for year, row in both.iterrows():
            rows.append(
                {
                    "source": "trade",
                    "indicator": TRADE_SHARE,
                    "country": country,
                    "partner": "",
                    "year": int(year),
                    "value": row["bilateral"] / row["world"] * 100,
                    "unit": "% of the country's goods trade, with the other of the pair",
                    "flag": "mirror" if row["mirror"] else "",
                }
            )
    columns = ["source", "indicator", "country", "partner", "year", "value", "unit", "flag"]
    return pd.DataFrame(rows, columns=columns)


def _ratio(a: float, b: float) -> float:
    """a ÷ b when both are positive, else NaN."""
    return a / b if a > 0 and b > 0 else math.nan


def _at(table: pd.DataFrame, country: str, year: int) -> float:
    """One cell of a year × country table, NaN if absent."""
    if country not in table or year not in table.index:
        return math.nan
    value = table.loc[year, country]
    return float(value) if pd.notna(value) else math.nan
