"""Event windows: growth before and after each event, and the difference-in-differences."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from config.events import Event
from dashboard import metrics
from dashboard.analysis.flags import worst, worst_flag
from dashboard.analysis.ratios import ratio_series

DEFAULT_WINDOW_EVENTS = (
    "Russia annexes Crimea",
    "US National Security Strategy names China and Russia revisionist powers",
    'Munich Security Report 2018, "To the Brink – and Back?"',
)
DEFAULT_WINDOW_INDICATORS = (
    "NY.GDP.MKTP.CD",
    "NY.GDP.MKTP.PP.CD",
    "SIPRI.MILEX.CONSTANT_USD",
    "NE.EXP.GNFS.CD",
    "BX.KLT.DINV.CD.WD",
)


def growth(values: Mapping[int, float], first: int, last: int) -> tuple[float, str]:
    """Average annual growth (CAGR, %) from `first` to `last`, or NaN and the reason.

    CAGR = (v_last / v_first) ^ (1 / (last − first)) − 1, in percent; undefined when either value
    is missing or ≤ 0.
    """
    problems = [
        f"{year} missing" if pd.isna(values.get(year)) else f"{year} value ≤ 0"
        for year in (first, last)
        if pd.isna(values.get(year)) or values[year] <= 0
    ]
    if problems:
        return math.nan, "; ".join(problems)
    return metrics.cagr(values[first], values[last], last - first), ""


def event_windows(
    frame: pd.DataFrame,
    events: Sequence[Event],
    indicators: Sequence[str],
    countries: Sequence[str],
    pair: tuple[str, str],
    years: int,
) -> pd.DataFrame:
    """Per event, indicator and country: CAGR before [E−N, E] and after [E, E+N], and the change.

    E is the event's start year (its calendar year, even for an event late in the year); the
    change is after − before in percentage points; did_pp, on every row of an event and
    indicator, is the first of the pair's change minus the second's (difference-in-differences).
    """
    rows = []
    data = metrics.headline(frame.dropna(subset=["value"]))
    for event in events:
        e = event.start.year
        late = (
            f"event in {event.start:%B %Y}: its calendar year {e} is the event year"
            if event.start.month >= 10
            else ""
        )
        for indicator in indicators:
            series = data[data["indicator"] == indicator]
            if series.empty:
                continue
            for country in countries:
                own = series[series["country"] == country]
                values = dict(zip(own["year"].astype(int), own["value"], strict=True))
                flags = dict(zip(own["year"].astype(int), own["flag"], strict=True))
                before, why_before = growth(values, e - years, e)
                after, why_after = growth(values, e, e + years)
                rows.append(
                    {
                        "event": event.title,
                        "event_label": event.label,
                        "event_year": e,
                        "indicator": indicator,
                        "country": country,
                        "before_years": f"{e - years}–{e}",
                        "after_years": f"{e}–{e + years}",
                        "before_pct": before,
                        "after_pct": after,
                        "change_pp": after - before,
                        "flag": worst_flag(*(flags.get(y, "") for y in (e - years, e, e + years))),
                        "note": "; ".join(t for t in (why_before, why_after, late) if t),
                    }
                )
    columns = [
        "event",
        "event_label",
        "event_year",
        "indicator",
        "country",
        "before_years",
        "after_years",
        "before_pct",
        "after_pct",
        "change_pp",
        "did_pp",
        "flag",
        "note",
    ]
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "did_pp"])
    if table.empty:
        return pd.DataFrame(columns=columns)
    change = table.set_index(["event", "indicator", "country"])["change_pp"]
    a, b = pair
    table["did_pp"] = [
        change.get((ev, ind, a), math.nan) - change.get((ev, ind, b), math.nan)
        for ev, ind in zip(table["event"], table["indicator"], strict=True)
    ]
    return table[columns]


def window_summary(windows: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """The event-window table for the pair, one row per event and indicator, side by side."""
    a, b = pair
    keys = ["event", "event_label", "event_year", "indicator", "before_years", "after_years"]
    own = {c: windows[windows["country"] == c].set_index(keys) for c in pair}
    if own[a].empty or own[b].empty:
        return pd.DataFrame()
    table = own[a][["before_pct", "after_pct", "change_pp"]].add_prefix("a_")
    table = table.join(own[b][["before_pct", "after_pct", "change_pp"]].add_prefix("b_"))
    table["did_pp"] = table["a_change_pp"] - table["b_change_pp"]
    table = table.join(own[a]["flag"].rename("flag_a")).join(own[b]["flag"].rename("flag_b"))
    table["flag"] = worst(table.pop("flag_a"), table.pop("flag_b"))
    return table.reset_index()


def gap_ratios(
    frame: pd.DataFrame, indicators: Sequence[str], pair: tuple[str, str]
) -> pd.DataFrame:
    """A ÷ B per year for each indicator (the line the event windows are shaded on)."""
    parts = [ratio_series(frame, i, pair).assign(indicator=i) for i in indicators]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["indicator", "year", "ratio", "flag"])
    return pd.concat(parts, ignore_index=True)[["indicator", "year", "ratio", "flag"]]
