"""Pure metrics on tidy frames: ratios, indexed series, shares, growth, KPIs, table columns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from config.catalogue import Catalogue, load_catalogue

MODES = ("absolute", "ratio", "indexed", "share")


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue (config/indicators.toml), read once: the one copy the model's pure
    functions name series and the world by."""
    return load_catalogue()


def world() -> str:
    """The world aggregate's code: the catalogue's `aggregate` country (the World Bank's World)."""
    return catalogue().aggregate.iso3


def headline(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that describe a country as a whole: no partner, or the world as partner."""
    return frame[frame["partner"].isin(["", world()])]


def wide(frame: pd.DataFrame) -> pd.DataFrame:
    """Headline values of one indicator as year × country (the first value of a duplicate)."""
    data = headline(frame).dropna(subset=["value"]).drop_duplicates(["year", "country"])
    return data.set_index(["year", "country"])["value"].unstack("country").sort_index()


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
    return kpi_of(by_year(frame, indicator, pair), indicator, base_year, years)


ByYear = dict[int, tuple[float, str]]  # one country's value and flag by year


def by_year(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> tuple[ByYear, ByYear]:
    """Each of the pair's headline values and flags of one indicator by year (plain dicts)."""
    rows = frame[(frame["indicator"] == indicator) & frame["partner"].isin(["", world()])]
    rows = rows.dropna(subset=["value"])
    a_by, b_by = (_by_year(rows[rows["country"] == c]) for c in pair)
    return a_by, b_by


def kpi_of(
    values: tuple[ByYear, ByYear],
    indicator: str,
    base_year: int,
    years: tuple[int, int] | None = None,
) -> Kpi | None:
    """`kpi` from the pair's values by year (see `by_year`): no frame work, so cheap per view."""
    a_by, b_by = values
    common = [y for y in a_by.keys() & b_by.keys()
              if years is None or years[0] <= y <= years[1]]  # fmt: skip
    if not common:
        return None
    year = max(common)
    (a, a_flag), (b, b_flag) = a_by[year], b_by[year]
    a_base = a_by.get(base_year, (math.nan, ""))[0]
    b_base = b_by.get(base_year, (math.nan, ""))[0]
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
        a_flag=a_flag,
        b_flag=b_flag,
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


def trade_share(
    frame: pd.DataFrame, pair: tuple[str, str], inputs: Sequence[str], indicator: str, unit: str
) -> pd.DataFrame:
    """Derived rows `indicator`: the other country's share (%) of each focus country's goods
    trade, from the export and import flows `inputs` with the other and with the world."""
    flows = frame[frame["indicator"].isin(inputs)].dropna(subset=["value"])
    rows = []
    for country in pair:
        other = pair[1] if country == pair[0] else pair[0]
        mine = flows[flows["country"] == country]
        bilateral = mine[mine["partner"] == other].groupby("year")
        total = mine[mine["partner"] == world()].groupby("year")
        both = pd.DataFrame(
            {
                "bilateral": bilateral["value"].sum(min_count=2),
                "world": total["value"].sum(min_count=2),
                "mirror": bilateral["flag"].apply(lambda f: (f == "mirror").any()),
            }
        ).dropna(subset=["bilateral", "world"])
        for year, row in both.iterrows():
            rows.append(
                {
                    "source": "trade",
                    "indicator": indicator,
                    "country": country,
                    "partner": "",
                    "year": int(year),
                    "value": row["bilateral"] / row["world"] * 100,
                    "unit": unit,
                    "flag": "mirror" if row["mirror"] else "",
                }
            )
    columns = ["source", "indicator", "country", "partner", "year", "value", "unit", "flag"]
    return pd.DataFrame(rows, columns=columns)


def _by_year(rows: pd.DataFrame) -> dict[int, tuple[float, str]]:
    """One country's values and flags by year (the first row of a duplicate year)."""
    out: dict[int, tuple[float, str]] = {}
    for year, value, flag in zip(rows["year"], rows["value"], rows["flag"], strict=True):
        out.setdefault(int(year), (float(value), flag if isinstance(flag, str) else ""))
    return out


def _ratio(a: float, b: float) -> float:
    """a ÷ b when both are positive, else NaN."""
    return a / b if a > 0 and b > 0 else math.nan
