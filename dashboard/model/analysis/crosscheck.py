"""Cross-checks: World Bank against SIPRI military spending, and shares of the world total.

The World Bank's MS.MIL.XPND.CD is SIPRI's figure republished, so the two agree by construction:
the check catches edition lag (one source holding an older SIPRI edition), not independent error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.model import metrics
from dashboard.model.analysis.flags import worst
from dashboard.model.analysis.ratios import catalogue, used_series
from dashboard.model.analysis.releases import latest_releases

DEFAULT_WORLD_INDICATORS = catalogue().tagged("world share")
# The cross-checked pair: the World Bank's republished SIPRI figure and SIPRI's own.
CROSS_WB, CROSS_SIPRI = (
    next(i for i in catalogue().tagged("cross-check") if catalogue().indicator(i).source == source)
    for source in ("worldbank", "sipri")
)
SIPRI_SCALE = catalogue().indicator(CROSS_SIPRI).scale  # SIPRI publishes US$ millions


def cross_source(
    frame: pd.DataFrame, runs: pd.DataFrame, countries: Sequence[str], tolerance: float
) -> pd.DataFrame:
    """World Bank MS.MIL.XPND.CD against SIPRI current US$ m × 10⁶, per country and year.

    relative_difference = |WB − SIPRI × 10⁶| ÷ (SIPRI × 10⁶); over_tolerance when above
    `tolerance`. Each value carries its source's latest stored release.
    """
    data = metrics.headline(frame.dropna(subset=["value"]))
    data = data[data["country"].isin(countries)]
    keys = ["country", "year"]
    wb = data[data["indicator"] == CROSS_WB][[*keys, "value", "flag"]]
    sipri = data[data["indicator"] == CROSS_SIPRI][[*keys, "value", "flag"]]
    both = wb.merge(sipri, on=keys, suffixes=("_wb", "_sipri"))
    sipri_usd = both["value_sipri"] * SIPRI_SCALE
    difference = both["value_wb"] - sipri_usd
    relative = (difference.abs() / sipri_usd).where(sipri_usd > 0)
    releases = latest_releases(runs)
    return pd.DataFrame(
        {
            "country": both["country"],
            "year": both["year"].astype(int),
            "worldbank_usd": both["value_wb"],
            "sipri_usd": sipri_usd,
            "difference_usd": difference,
            "relative_difference_pct": relative * 100,
            "over_tolerance": relative > tolerance,
            "worldbank_release": releases.get("worldbank", ""),
            "sipri_release": releases.get("sipri", ""),
            "flag": worst(both["flag_wb"], both["flag_sipri"]),
        }
    ).sort_values(keys, ignore_index=True)


def cross_source_text(table: pd.DataFrame, tolerance: float) -> str:
    """What the cross-check found, saying so when nothing could be compared."""
    republished = (
        "The World Bank republishes SIPRI's figures, so this check catches edition lag (one "
        "source holding an older SIPRI edition), not independent disagreement."
    )
    if table.empty:
        return (
            f"Nothing to compare: no country-year has both the World Bank's {CROSS_WB} and "
            f"SIPRI's current US$ stored. {republished}"
        )
    over = int(table["over_tolerance"].sum())
    return (
        f"World Bank {CROSS_WB} against SIPRI current US$ m × 10⁶: {over} of {len(table)} "
        f"country-years differ by more than {tolerance * 100:g}%. {republished}"
    )


def world_share(
    frame: pd.DataFrame,
    indicators: Sequence[str],
    countries: Sequence[str],
    world: str,
    titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each country's share (%) of the world aggregate, where the source publishes one.

    An indicator without both a country and the world uses its computed stand-in if it has one.
    """
    titles = titles or {}
    data = metrics.headline(frame.dropna(subset=["value"]))
    probe = (countries[0], world) if countries else (world, world)
    used = [used_series(frame, i, probe) for i in indicators]
    data = data[data["indicator"].isin(used)]
    totals = data[data["country"] == world][["indicator", "year", "value", "flag"]]
    own = data[data["country"].isin(countries)]
    both = own.merge(totals, on=["indicator", "year"], suffixes=("", "_world"))
    both = both[both["value_world"] > 0]
    return pd.DataFrame(
        {
            "indicator": both["indicator"],
            "indicator_name": [titles.get(i, i) for i in both["indicator"]],
            "country": both["country"],
            "year": both["year"].astype(int),
            "value": both["value"],
            "world_value": both["value_world"],
            "share_pct": both["value"] / both["value_world"] * 100,
            "flag": worst(both["flag"], both["flag_world"]),
        }
    ).reset_index(drop=True)
