"""The analysis panels' charts as plain plotly dicts: need shares, event windows, basis ratios.

Plain dicts, as plotly.js takes them (go.Figure validates every property again), with compact
traces: x to a thousandth of a year and drawn values to six significant digits; the tables beside
the charts keep the exact numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from config.events import Event
from dashboard.analysis import Analysis
from dashboard.figures import COLOURS as COUNTRY_COLOURS
from dashboard.figures import TEMPLATE_JSON, axis_x, drawn_value, event_x, one_or_all

COLOURS = (COUNTRY_COLOURS["CHN"], COUNTRY_COLOURS["RUS"])  # the pair, as on every chart
RATIO_COLOUR = "#444"
EVENT_COLOUR = "#999"
FLAG_WORDS = {"estimate": "estimate", "uncertain": "highly uncertain", "mirror": "mirror data"}


def need_figure(analysis: Analysis, events: Sequence[Event], names: Mapping[str, str]) -> dict:
    """Both trade shares (left axis) and the need ratio (right axis), mirror years marked."""
    a, b = (names.get(c, c) for c in analysis.pair)
    need = analysis.need
    traces = [
        _line(need["year"], need[column], flags, label, colour, "%{y:.1f}%")
        for column, flags, label, colour in (
            ("a_share_of_b", need["flag_b"], f"{a}'s share of {b}'s trade", COLOURS[0]),
            ("b_share_of_a", need["flag_a"], f"{b}'s share of {a}'s trade", COLOURS[1]),
        )
    ]
    ratio = _line(need["year"], need["need_ratio"], need["flag"], "need ratio", RATIO_COLOUR,
                  "%{y:.2f}×")  # fmt: skip
    traces.append({**ratio, "yaxis": "y2", "line": {"dash": "dot", "color": RATIO_COLOUR}})
    layout = {
        **_layout(),
        "yaxis": {"title": {"text": "% of the country's goods trade"}, "rangemode": "tozero"},
        "yaxis2": {"title": {"text": "need ratio, times"}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero"},
    }  # fmt: skip
    shapes, marks = _events(events, _years(need["year"]))
    if marks:
        traces += marks
        layout["yaxis3"] = {"overlaying": "y", "range": [0, 1.02], "visible": False}
    return {"data": traces, "layout": {**layout, "shapes": shapes}}


def window_figure(analysis: Analysis, event: Event, names: Mapping[str, str]) -> dict:
    """Each indicator's A÷B ratio around one event, indexed to the event year, windows shaded."""
    a, b = (names.get(c, c) for c in analysis.pair)
    e = event.start.year
    n = span(analysis.windows.iloc[0]) if not analysis.windows.empty else 0
    near = analysis.gaps[analysis.gaps["year"].between(e - n - 2, e + n + 2)]
    traces = []
    for indicator, rows in near.groupby("indicator", sort=False):
        base = rows.loc[rows["year"] == e, "ratio"]
        if base.empty:
            continue
        indexed = rows["ratio"] / float(base.iloc[0]) * 100
        name = analysis.titles.get(indicator, indicator)
        traces.append(_line(rows["year"], indexed, rows["flag"], name, None, "%{y:.1f}"))
    shapes = [
        _band(e - n, e, COLOURS[1], 0.08),
        _band(e, e + n, COLOURS[0], 0.08),
        _vline(e, {"color": EVENT_COLOUR, "width": 1}),
    ]
    label = {"x": e, "y": 1, "yref": "paper", "text": event.label, "showarrow": False,
             "yanchor": "bottom"}  # fmt: skip
    layout = {
        **_layout(),
        "yaxis": {"title": {"text": f"{a} ÷ {b}, {e} = 100"}, "tickformat": ".1f"},
        "xaxis": {"nticks": 8, "tickformat": "d"},  # whole years; fewer on a phone, not turned
        "shapes": shapes,
        "annotations": [label],
    }
    return {"data": traces, "layout": layout}


def basis_figure(analysis: Analysis, names: Mapping[str, str]) -> dict:
    """Each comparison's two ratios over time."""
    a, b = (names.get(c, c) for c in analysis.pair)
    traces = []
    for comparison, rows in analysis.basis.groupby("comparison", sort=False):
        for dash, side in zip(("solid", "dash"), ("first", "second"), strict=True):
            trace = _line(
                rows["year"], rows[f"{side}_ratio"], rows["flag"],
                f"{comparison}, {rows[f'{side}_basis'].iloc[0]}", None, "%{y:.2f}×",
            )  # fmt: skip
            traces.append({**trace, "line": {"dash": dash}})
    layout = {**_layout(), "yaxis": {"title": {"text": f"{a} ÷ {b}, times"}, "rangemode": "tozero"}}
    return {"data": traces, "layout": layout}


# --- helpers --------------------------------------------------------------------------------
def _line(x, y, flags, name: str, colour: str | None, number: str) -> dict:
    """A line whose flagged points are open markers, the flag named in the hover."""
    words = [FLAG_WORDS.get(f, "") for f in flags]
    trace = {
        "type": "scatter",
        "x": [axis_x(v) for v in x],
        "y": [drawn_value(v) for v in y],
        "name": name,
        "mode": "lines+markers",
        "marker": {
            "symbol": one_or_all(["square-open" if w else "circle" for w in words]),
            "size": 7,
        },
        "hovertemplate": f"%{{x}}: {number}%{{customdata}}<extra>{name}</extra>",
        "customdata": [f" ({w})" if w else "" for w in words],
    }
    if not any(words):  # nothing to name: the hover needs no per-point text
        trace["hovertemplate"] = f"%{{x}}: {number}<extra>{name}</extra>"
        del trace["customdata"]
    if colour:
        trace["line"] = {"color": colour}
    return trace


def _events(events: Sequence[Event], years: tuple[int, int] | None) -> tuple[list, list]:
    """Events in the plotted years: periods as bands, days as dotted lines (one trace for all),
    and a marker per event along the top whose hover names it."""
    if years is None:
        return [], []
    low, high = years
    shown = [e for e in events if e.end.year >= low and e.start.year <= high]
    if not shown:
        return [], []
    # A period that began before the plotted years is drawn, and marked, from their start.
    starts = [axis_x(max(event_x(e.start), low)) for e in shown]
    bands = [
        _band(start, axis_x(min(event_x(e.end), high)), EVENT_COLOUR, 0.1)
        for e, start in zip(shown, starts, strict=True)
        if e.is_period
    ]
    days = [start for e, start in zip(shown, starts, strict=True) if not e.is_period]
    lines = {
        "type": "scatter", "x": [x for d in days for x in (d, d, None)],
        "y": [y for _ in days for y in (0, 1, None)], "yaxis": "y3", "mode": "lines",
        "line": {"color": EVENT_COLOUR, "width": 1, "dash": "dot"}, "hoverinfo": "skip",
        "name": "event lines", "showlegend": False,
    }  # fmt: skip
    marker = {
        "type": "scatter", "x": starts, "y": [1] * len(shown), "yaxis": "y3", "mode": "markers",
        "marker": {"symbol": "triangle-down", "color": EVENT_COLOUR, "size": 8},
        "text": [f"{e.when()}: {e.title}" for e in shown],
        "hovertemplate": "%{text}<extra></extra>", "name": "events", "showlegend": False,
    }  # fmt: skip
    return bands, [lines, marker] if days else [marker]


def _band(x0: float, x1: float, colour: str, opacity: float) -> dict:
    """A shaded band over the plot's height."""
    return {"type": "rect", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
            "fillcolor": colour, "opacity": opacity, "line": {"width": 0}, "layer": "below"}  # fmt: skip


def _vline(x: float, line: dict) -> dict:
    """A vertical line over the plot's height."""
    return {"type": "line", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": line}  # fmt: skip


def _years(years: pd.Series) -> tuple[int, int] | None:
    """The plotted year range."""
    return (int(years.min()), int(years.max())) if len(years) else None


def _layout() -> dict:
    """The analysis charts' shared layout (the site's template, not plotly's 7 KB one)."""
    return {
        "template": TEMPLATE_JSON,
        "height": 380,
        "margin": {"l": 60, "r": 60, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"dtick": 5},
        "hovermode": "closest",
    }


def span(row: Mapping) -> int:
    """N, the window's length in years, from a windows row."""
    first, last = str(row["before_years"]).split("–")
    return int(last) - int(first)
