"""The analysis panels' charts as plain plotly dicts: need shares, event windows, basis ratios.

Plain dicts, as plotly.js takes them (go.Figure validates every property again), with compact
traces: x to a thousandth of a year and drawn values to six significant digits; the tables beside
the charts keep the exact numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from config.events import Event
from config.vocabulary import flag_words
from dashboard.model import marks
from dashboard.model.analysis import Analysis
from dashboard.model.figures import COLOURS as COUNTRY_COLOURS
from dashboard.model.figures import (
    EXPORT_WIDTH,
    TEMPLATE_JSON,
    axis_x,
    drawn_value,
    one_or_all,
)

COLOURS = (COUNTRY_COLOURS["CHN"], COUNTRY_COLOURS["RUS"])  # the pair, as on every chart
RATIO_COLOUR = "#444"
EVENT_COLOUR = "#999"


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
    years = _years(need["year"])
    if years is None:
        return {"data": traces, "layout": layout}
    # The gap charts' event layer: key events labelled, context events as ticks (one owner).
    drawn = marks.event_layer(tuple(events), years, EXPORT_WIDTH, False, layout["margin"]["l"])
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + drawn.top}
    layout["height"] += drawn.top
    layout["shapes"], layout["annotations"] = drawn.shapes, drawn.labels
    # Its hover markers sit on a hidden axis of their own (y2 is the need ratio's here).
    traces += [{**t, "yaxis": "y3"} if t.get("yaxis") == "y2" else t for t in drawn.traces]
    layout["yaxis3"] = {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
    return {"data": traces, "layout": layout}


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
    words = [flag_words(f) for f in flags]
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
