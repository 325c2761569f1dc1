"""Basis switch: the A ÷ B ratio under two bases, split into output and price levels.

For GDP: GDP in US$ at market rates = GDP at PPP × the price level ratio (PPP conversion factor ÷
market exchange rate, PA.NUS.PPP ÷ PA.NUS.FCRF), so the market-rate ratio A ÷ B is the PPP ratio
times the relative price level (A's price level ratio ÷ B's): a product of two positive numbers,
never an unbounded "part". For SIPRI: current ÷ constant US$ is the relative change in prices and
exchange rates since the base year the workbook states; the two meet in that year.
"""

from __future__ import annotations

import math

import pandas as pd

from config.catalogue import Indicator
from dashboard.model import metrics
from dashboard.model.analysis.flags import worst
from dashboard.model.analysis.ratios import catalogue, ratio_series, stored_unit, used_series

# The catalogue's series by tag: the price level's two inputs, and the two comparisons (GDP at
# market rates against its PPP twin; SIPRI's current against its constant US$).
PPP_FACTOR, EXCHANGE_RATE = (
    catalogue().tagged("ppp factor")[0],
    catalogue().tagged("exchange rate")[0],
)
SWITCH = [catalogue().indicator(i) for i in catalogue().tagged("basis switch")]
GDP = next(i for i in SWITCH if i.ppp_twins)
SIPRI_CURRENT = next(i.id for i in SWITCH if not i.ppp_twins and i.fx_sensitive)
SIPRI_CONSTANT = next(i.id for i in SWITCH if i.basis == "constant prices")
# (comparison, first indicator, its basis, second indicator, its basis)
BASIS_PAIRS = (
    ("GDP", GDP.id, "US$ at market exchange rates", GDP.ppp_twins[0], "PPP"),
    ("Military spending (SIPRI)", SIPRI_CURRENT, "current US$", SIPRI_CONSTANT, "constant US$"),
)
COLUMNS = [
    "comparison",
    "year",
    "first_indicator",
    "first_basis",
    "first_ratio",
    "second_indicator",
    "second_basis",
    "second_ratio",
    "price_factor",
    "price_level_a",
    "price_level_b",
    "relative_price_level",
    "flag",
]
MEET_TOLERANCE = 0.005  # constant and current may differ by rounding in the base year


def price_levels(frame: pd.DataFrame, countries: tuple[str, ...]) -> pd.DataFrame:
    """Per country and year: the price level ratio PA.NUS.PPP ÷ PA.NUS.FCRF (1 = US prices)."""
    data = metrics.headline(frame.dropna(subset=["value"]))
    keys = ["country", "year"]
    ppp = data[data["indicator"] == PPP_FACTOR].drop_duplicates(keys).set_index(keys)
    rate = data[data["indicator"] == EXCHANGE_RATE].drop_duplicates(keys).set_index(keys)
    both = ppp[["value", "flag"]].join(rate[["value", "flag"]].add_suffix("_rate"), how="inner")
    both = both[both["value_rate"] > 0]
    both = both[both.index.get_level_values("country").isin(countries)]
    return pd.DataFrame(
        {
            "country": both.index.get_level_values("country"),
            "year": both.index.get_level_values("year").astype(int),
            "price_level": (both["value"] / both["value_rate"]).values,
            "flag": worst(both["flag"], both["flag_rate"]),
        }
    )


def basis_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B per year under two bases side by side, and what the switch of basis is made of.

    price_factor = first ratio ÷ second ratio. For GDP it is the relative price level implied by
    the two GDP series, shown beside the relative price level from the WDI's own PPP conversion
    factors and exchange rates (price_level_a ÷ price_level_b); for SIPRI the relative change in
    prices and exchange rates since the base year.
    """
    a, b = pair
    levels = price_levels(frame, pair).set_index(["country", "year"])["price_level"]
    parts = []
    for comparison, first, first_basis, second, second_basis in BASIS_PAIRS:
        one = ratio_series(frame, first, pair).set_index("year")
        two = ratio_series(frame, second, pair).set_index("year")
        both = one.add_suffix("_1").join(two.add_suffix("_2"), how="inner")
        if both.empty:
            continue
        is_gdp = comparison == "GDP"
        level_a = [levels.get((a, y), math.nan) if is_gdp else math.nan for y in both.index]
        level_b = [levels.get((b, y), math.nan) if is_gdp else math.nan for y in both.index]
        part = pd.DataFrame(
            {
                "comparison": comparison,
                "year": both.index.astype(int),
                "first_indicator": first,
                "first_basis": first_basis,
                "first_ratio": both["ratio_1"].values,
                "second_indicator": used_series(frame, second, pair),
                "second_basis": second_basis,
                "second_ratio": both["ratio_2"].values,
                "price_factor": (both["ratio_1"] / both["ratio_2"]).values,
                "price_level_a": level_a,
                "price_level_b": level_b,
                "flag": worst(both["flag_1"], both["flag_2"]),
            }
        )
        part["relative_price_level"] = part["price_level_a"] / part["price_level_b"]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[COLUMNS] if parts else pd.DataFrame(columns=COLUMNS)


def base_year_check(frame: pd.DataFrame, pair: tuple[str, str], names: dict) -> str:
    """Whether SIPRI's constant and current US$ meet in the base year its workbook states."""
    unit = stored_unit(frame, SIPRI_CONSTANT)  # "US$ m, constant 2023 prices"
    stated = Indicator.base_year(unit)
    if not stated:
        return "SIPRI constant US$: no base year stated with the stored series."
    year = int(stated)
    data = metrics.headline(frame[frame["year"] == year].dropna(subset=["value"]))
    found = []
    for country in pair:
        own = data[data["country"] == country].set_index("indicator")["value"]
        if SIPRI_CONSTANT not in own or SIPRI_CURRENT not in own or not own[SIPRI_CURRENT] > 0:
            found.append(f"{names.get(country, country)}: no pair of values")
            continue
        quotient = own[SIPRI_CONSTANT] / own[SIPRI_CURRENT]
        meets = "meet" if abs(quotient - 1) <= MEET_TOLERANCE else "do not meet"
        found.append(f"{names.get(country, country)}: constant ÷ current {quotient:.3f} ({meets})")
    return (
        f"SIPRI states constant prices of {year} (“{unit}”); in {year} constant and current "
        f"US$ should be equal: {'; '.join(found)}."
    )
