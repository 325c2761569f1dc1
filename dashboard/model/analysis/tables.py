"""The analysis tables in words: one table of column headers and precisions drives every output.

Ids stay as columns for machines (`indicator_id`, `claim_id`, `country_iso3`); every other header
is words, with the pair's names filled in; a true minus sign (U+2212) in every header.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# field → (header, decimals for reports; None: not a number to round). {a} and {b}: the pair.
COLUMNS: dict[str, tuple[str, int | None]] = {
    # claims and their evidence
    "id": ("claim_id", None),
    "text": ("Claim", None),
    "kind": ("claim_kind", None),
    "status": ("Verdict", None),
    "rule": ("Rule", None),
    "summary": ("Numbers behind the verdict", None),
    "years": ("Years compared", None),
    "end_year": ("Common end year", None),
    "missing": ("Missing series", None),
    "last_changed_run": ("Verdict last changed, run", None),
    "last_changed_release": ("Verdict last changed with release", None),
    "last_changed_at": ("Verdict last changed at", None),
    "series": ("indicator_id", None),
    "series_name": ("Indicator", None),
    "reference_years": ("Reference years", None),
    "reference_ratio": ("{a} ÷ {b}, reference mean", 2),
    "latest_years": ("Latest years", None),
    "latest_ratio": ("{a} ÷ {b}, latest mean", 2),
    "ratio_change_pct": ("Change in the ratio (%)", 1),
    "reference_difference": ("{a} − {b}, reference mean", 0),
    "latest_difference": ("{a} − {b}, latest mean", 0),
    "unit": ("Unit", None),
    "last_year": ("Series' last year", None),
    "movement": ("Movement", None),
    "verdict": ("Series verdict", None),
    "flag_series": ("Series flag", None),
    "result": ("Result", None),
    # need
    "year": ("Year", None),
    "a_share_of_b": ("{a}'s share of {b}'s goods trade (%)", 1),
    "b_share_of_a": ("{b}'s share of {a}'s goods trade (%)", 1),
    "need_ratio": ("Need ratio (first share ÷ second)", 2),
    "flag_b": ("Flag of {b}'s report", None),
    "flag_a": ("Flag of {a}'s report", None),
    "source_note": ("Source note", None),
    # event windows
    "event": ("Event", None),
    "event_label": ("Event, short", None),
    "event_year": ("Event year", None),
    "indicator": ("indicator_id", None),
    "indicator_name": ("Indicator", None),
    "country": ("country_iso3", None),
    "country_name": ("Country", None),
    "before_years": ("Years before", None),
    "after_years": ("Years after", None),
    "before_pct": ("Growth before (%/yr)", 1),
    "after_pct": ("Growth after (%/yr)", 1),
    "change_pp": ("Change (pp)", 1),
    "a_before_pct": ("{a}, growth before (%/yr)", 1),
    "a_after_pct": ("{a}, growth after (%/yr)", 1),
    "a_change_pp": ("{a}, change (pp)", 1),
    "b_before_pct": ("{b}, growth before (%/yr)", 1),
    "b_after_pct": ("{b}, growth after (%/yr)", 1),
    "b_change_pp": ("{b}, change (pp)", 1),
    "gap_change_pp": ("Change in the growth gap ({a} − {b}), pp", 1),
    "overlaps": ("Overlaps the window of", None),
    # basis
    "comparison": ("Comparison", None),
    "first_indicator": ("indicator_id, basis 1", None),
    "first_basis": ("Basis 1", None),
    "first_ratio": ("{a} ÷ {b} on basis 1", 2),
    "second_indicator": ("indicator_id, basis 2", None),
    "second_basis": ("Basis 2", None),
    "second_ratio": ("{a} ÷ {b} on basis 2", 2),
    "price_factor": ("Price factor (ratio 1 ÷ ratio 2)", 2),
    "price_level_a": ("{a}'s price level ratio (PPP ÷ exchange rate)", 2),
    "price_level_b": ("{b}'s price level ratio (PPP ÷ exchange rate)", 2),
    "relative_price_level": ("Relative price level ({a} ÷ {b})", 2),
    # releases
    "source": ("Source", None),
    "release": ("Release", None),
    "previous_release": ("Previous release", None),
    "run_id": ("run_id", None),
    "partner": ("Partner", None),
    "change": ("Change", None),
    "old_value": ("Old value", None),
    "new_value": ("New value", None),
    "difference": ("Difference", None),
    "difference_pct": ("Difference (%)", 2),
    "old_flag": ("Old flag", None),
    "new_flag": ("New flag", None),
    # cross-source and world share
    "worldbank_usd": ("World Bank (US$)", 0),
    "sipri_usd": ("SIPRI × 10⁶ (US$)", 0),
    "difference_usd": ("Difference (US$)", 0),
    "relative_difference_pct": ("Difference (%)", 2),
    "over_tolerance": ("Over the tolerance", None),
    "worldbank_release": ("World Bank release", None),
    "sipri_release": ("SIPRI release", None),
    "value": ("Value", None),
    "world_value": ("World value", None),
    "share_pct": ("Share of the world (%)", 2),
    # shared
    "flag": ("Flag", None),
    "note": ("Note", None),
}


def header(field: str, pair_names: tuple[str, str]) -> str:
    """A column's header in words, the pair's names filled in."""
    a, b = pair_names
    return COLUMNS.get(field, (field, None))[0].format(a=a, b=b)


def in_words(
    frame: pd.DataFrame, pair_names: tuple[str, str], names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """`frame` with headers in words; a country code column gains its name beside it."""
    out = frame
    if names is not None and "country" in out and "country_name" not in out:
        at = list(out.columns).index("country")
        out = out.copy()
        out.insert(at, "country_name", [names.get(c, c) for c in out["country"]])
    return out.rename(columns={c: header(c, pair_names) for c in out.columns})


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Each numeric column to its one precision (COLUMNS), for tables read on paper."""
    out = frame.copy()
    for field, (_, decimals) in COLUMNS.items():
        if decimals is not None and field in out:
            out[field] = pd.to_numeric(out[field], errors="coerce").round(decimals)
    return out
