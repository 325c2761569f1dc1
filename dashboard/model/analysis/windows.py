"""Event windows: real growth before and after each event, and the change in the growth gap."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from config.events import Event
from dashboard.model import metrics
from dashboard.model.analysis.flags import worst, worst_flag
from dashboard.model.analysis.ratios import catalogue, ratio_series

DEFAULT_WINDOW_EVENTS = (
    "Russia annexes Crimea",
    "US National Security Strategy names China and Russia revisionist powers",
    'Munich Security Report 2018, "To the Brink – and Back?"',
)
# Real series by default: GDP growth at constant prices and SIPRI's constant-US$ spending. The
# market-rate nominal series are a labelled alternative (the rouble's fall reads as output lost).
# Net flows (FDI) are left out: they are not growth of anything.
WINDOW_BASES = {basis: catalogue().tagged(f"{basis} window") for basis in ("real", "nominal")}
BASIS_WORDS = {
    "real": "real (constant prices)",
    "nominal": "nominal US$ at market exchange rates",
}
DEFAULT_WINDOW_INDICATORS = WINDOW_BASES["real"]
GROWTH_RATES = frozenset(catalogue().tagged("growth rate"))  # annual % changes, not levels
GAP_CHANGE = "change in the growth gap"
COLUMNS = [
    "event",
    "event_label",
    "event_year",
    "indicator",
    "indicator_name",
    "country",
    "before_years",
    "after_years",
    "before_pct",
    "after_pct",
    "change_pp",
    "gap_change_pp",
    "overlaps",
    "flag",
    "note",
]


def growth(values: Mapping[int, float], first: int, last: int) -> tuple[float, str]:
    """Average annual growth (CAGR, %) of a level from `first` to `last`, or NaN and the reason.

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


def compounded(rates: Mapping[int, float], first: int, last: int) -> tuple[float, str]:
    """Average annual growth (%) from `first` to `last` out of annual growth rates (%).

    The rates of years first+1 … last compound: ((Π (1 + g/100)) ^ (1/n) − 1) × 100; the same
    as the CAGR of the level the rates describe. Undefined when a year's rate is missing.
    """
    years = range(first + 1, last + 1)
    lacking = [y for y in years if pd.isna(rates.get(y))]
    if lacking:
        return math.nan, f"growth missing in {', '.join(map(str, lacking))}"
    product = math.prod(1 + rates[y] / 100 for y in years)
    return (product ** (1 / len(years)) - 1) * 100, ""


def event_windows(
    frame: pd.DataFrame,
    events: Sequence[Event],
    indicators: Sequence[str],
    countries: Sequence[str],
    pair: tuple[str, str],
    years: int,
    titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per event, indicator and country: average growth before [E−N, E] and after [E, E+N].

    E is the event's start year (its calendar year, even for an event late in the year); the
    change is after − before in percentage points; gap_change_pp, on every row of an event and
    indicator, is the first of the pair's change minus the second's: the change in the growth
    gap. Descriptive: no control group, so not a difference-in-differences design. `overlaps`
    names the other events in `events` whose window shares years with this one.
    """
    titles = titles or {}
    rows = []
    data = metrics.headline(frame.dropna(subset=["value"]))
    for event in events:
        e = event.start.year
        late = (
            f"event in {event.start:%B %Y}: its calendar year {e} is the event year"
            if event.start.month >= 10
            else ""
        )
        overlaps = "; ".join(
            f"{o.label} ({o.start.year})"
            for o in events
            if o is not event and abs(o.start.year - e) < 2 * years
        )
        for indicator in indicators:
            series = data[data["indicator"] == indicator]
            if series.empty:
                continue
            measure = compounded if indicator in GROWTH_RATES else growth
            for country in countries:
                own = series[series["country"] == country]
                values = dict(zip(own["year"].astype(int), own["value"], strict=True))
                flags = dict(zip(own["year"].astype(int), own["flag"], strict=True))
                before, why_before = measure(values, e - years, e)
                after, why_after = measure(values, e, e + years)
                rows.append(
                    {
                        "event": event.title,
                        "event_label": event.label,
                        "event_year": e,
                        "indicator": indicator,
                        "indicator_name": titles.get(indicator, indicator),
                        "country": country,
                        "before_years": f"{e - years}–{e}",
                        "after_years": f"{e}–{e + years}",
                        "before_pct": before,
                        "after_pct": after,
                        "change_pp": after - before,
                        "overlaps": overlaps,
                        "flag": worst_flag(
                            *(flags.get(y, "") for y in range(e - years, e + years + 1))
                        ),
                        "note": "; ".join(t for t in (why_before, why_after, late) if t),
                    }
                )
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "gap_change_pp"])
    if table.empty:
        return pd.DataFrame(columns=COLUMNS)
    change = table.set_index(["event", "indicator", "country"])["change_pp"]
    a, b = pair
    table["gap_change_pp"] = [
        change.get((ev, ind, a), math.nan) - change.get((ev, ind, b), math.nan)
        for ev, ind in zip(table["event"], table["indicator"], strict=True)
    ]
    return table[COLUMNS]


def window_summary(windows: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """The event-window table for the pair, one row per event and indicator, side by side."""
    a, b = pair
    keys = [
        "event",
        "event_label",
        "event_year",
        "indicator",
        "indicator_name",
        "before_years",
        "after_years",
        "overlaps",
    ]
    own = {c: windows[windows["country"] == c].set_index(keys) for c in pair}
    if own[a].empty or own[b].empty:
        return pd.DataFrame()
    table = own[a][["before_pct", "after_pct", "change_pp"]].add_prefix("a_")
    table = table.join(own[b][["before_pct", "after_pct", "change_pp"]].add_prefix("b_"))
    table["gap_change_pp"] = table["a_change_pp"] - table["b_change_pp"]
    table = table.join(own[a]["flag"].rename("flag_a")).join(own[b]["flag"].rename("flag_b"))
    table["flag"] = worst(table.pop("flag_a"), table.pop("flag_b"))
    return table.reset_index()


def gap_ratios(
    frame: pd.DataFrame, indicators: Sequence[str], pair: tuple[str, str]
) -> pd.DataFrame:
    """A ÷ B per year for each indicator (the line the event windows are shaded on).

    A growth-rate series is first chained into a volume index per country (first year = 100),
    so its ratio moves with relative real growth.
    """
    parts = []
    for indicator in indicators:
        rows = frame[frame["indicator"] == indicator]
        if indicator in GROWTH_RATES:
            rows = volume_index(rows)
        parts.append(ratio_series(rows, indicator, pair).assign(indicator=indicator))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["indicator", "year", "ratio", "flag"])
    return pd.concat(parts, ignore_index=True)[["indicator", "year", "ratio", "flag"]]


def volume_index(rows: pd.DataFrame) -> pd.DataFrame:
    """Annual growth rates (%) chained into a level per country: 100 in the year before the first
    rate of each unbroken run of years (a gap restarts the chain)."""
    out = []
    data = metrics.headline(rows.dropna(subset=["value"]))
    for _, own in data.sort_values("year").groupby("country"):
        level, last = 100.0, None
        for row in own.to_dict("records"):
            year = int(row["year"])
            if last is None or year != last + 1:
                level = 100.0
                out.append({**row, "year": year - 1, "value": level, "flag": ""})
            level *= 1 + row["value"] / 100
            out.append({**row, "value": level})
            last = year
    return pd.DataFrame(out, columns=rows.columns).drop_duplicates(
        ["indicator", "country", "year"], keep="last"
    )
