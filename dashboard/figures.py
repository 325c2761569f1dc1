"""Pure figures: tidy frame → plotly dict, with readable axes and event labels that never collide.

Compact, as the page sends five at once: drawn values to six significant digits and x to a
thousandth of a year (hovers and tables keep the words and exact numbers), one marker spec when every
point shares it, the event labels' common properties in the template, and each colour's event
lines and bands as one path shape instead of a shape per event.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from config.events import Event
from dashboard import numbers

COLOURS = {"CHN": "#c8102e", "RUS": "#1f4e9c", "USA": "#6b6b6b"}
EXTRA_COLOURS = ("#2a9d8f", "#e9c46a", "#8e5ea2", "#f4a261")
CATEGORY_COLOURS = {
    "Russia–West": "#1f4e9c",
    "China–West": "#c8102e",
    "Russia–China": "#7a3e9d",
    "China": "#e08a00",
    "economy": "#2a7f62",
}
FX_COLOUR = "#6d4c41"  # exchange-rate moves: one colour on every chart
# Open markers say a value is not a plain observation; each flag has its own symbol and words.
FLAGS = {
    "estimate": ("circle-open", "SIPRI estimate"),
    "uncertain": ("diamond-open", "highly uncertain (SIPRI)"),
    "mirror": ("square-open", "mirror data (partner's report)"),
}
FONT = "Helvetica, Arial, sans-serif"
HEIGHT = 460
EXPORT_WIDTH = 1000  # px: the width charts are laid out for when the page has not said its own

pio.templates["asymmetry"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 12, "color": "#222"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"showgrid": False, "linecolor": "#444", "ticks": "outside", "zeroline": False},
        yaxis={"gridcolor": "#e6e6e6", "zeroline": False, "linecolor": "#444"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        hoverlabel={"font": {"size": 12}},
        colorway=list(COLOURS.values()) + list(EXTRA_COLOURS),
    )
)
TEMPLATE = "asymmetry"
TEMPLATE_JSON = pio.templates[TEMPLATE].to_plotly_json()  # plain dict figures carry it
DIGITS = 6  # significant digits of a drawn value
MODE_AXIS = {
    "ratio": "China ÷ Russia, times",
    "indexed": "index, {base} = 100",
    "share": "% of the pair's combined total",
}

# Event labels: a row above the plot per level; a label that fits in no row is left to the hover.
LABEL_SIZE = 10  # px
CHAR_WIDTH = 0.62  # of the font size: wider than Helvetica's average glyph, so estimates are safe
LABEL_PAD = 8  # px kept clear between two labels in a row
ROW_HEIGHT = 15  # px
LABEL_ROWS = 3
RIGHT = 16  # px: the plot's right margin
NARROW = 560  # px: below this a chart is a phone's and gets two rows and a smaller title
# What every event label shares, said once in the gap charts' template rather than per label.
LABEL_DEFAULTS = {"yref": "paper", "y": 1, "yanchor": "bottom", "xanchor": "left",
                  "showarrow": False, "font": {"size": LABEL_SIZE}}  # fmt: skip
GAP_TEMPLATE = {**TEMPLATE_JSON, "layout": {**TEMPLATE_JSON["layout"],
                                            "annotationdefaults": LABEL_DEFAULTS}}  # fmt: skip


@dataclass(frozen=True)
class Placed:
    """An event label's place: its row above the plot and its box in pixels from the plot's left."""

    event: Event
    row: int
    left: float
    right: float
    anchor: str


def event_x(day: date) -> float:
    """A date as a fractional year, the charts' x axis."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def label_width(text: str, size: int = LABEL_SIZE) -> float:
    """A generous estimate of a label's width in pixels."""
    return len(text) * size * CHAR_WIDTH + 2


def place_labels(
    events: Sequence[Event], year_range: tuple[int, int], plot_width: float, rows: int = LABEL_ROWS
) -> list[Placed]:
    """Greedy rows: each label (exchange-rate moves first, then by date) takes the lowest free row."""
    x0, x1 = year_range[0] - 0.5, year_range[1] + 0.5
    placed: list[Placed] = []
    ordered = sorted(events, key=lambda e: (e.kind != "exchange-rate", e.start))
    for event in ordered:
        x = event_x(event.start)
        if not x0 <= x <= x1:
            continue
        px = (x - x0) / (x1 - x0) * plot_width
        width = label_width(event.label)
        anchor = "left" if px + width <= plot_width else "right"
        left, right = (px, px + width) if anchor == "left" else (px - width, px)
        for row in range(rows):
            if all(p.row != row or right + LABEL_PAD <= p.left or p.right + LABEL_PAD <= left
                   for p in placed):  # fmt: skip
                placed.append(Placed(event, row, left, right, anchor))
                break
    return sorted(placed, key=lambda p: p.event.start)


def gap_figure(*args, **kwargs) -> go.Figure:
    """The gap chart as a plotly figure (for images and reports): `gap_spec` wrapped."""
    return go.Figure(gap_spec(*args, **kwargs), _validate=False)  # built valid, so not re-checked


def gap_spec(
    series: pd.DataFrame,
    title: str,
    unit: str,
    mode: str,
    scale: str,
    events: Sequence[Event],
    names: Mapping[str, str],
    base_year: int,
    year_range: tuple[int, int],
    width: int = 1000,
) -> dict:
    """Lines per country (and partner) over time, readable axes, event lines and labels.

    A plain dict, as plotly.js takes it: building go.Figure objects validated every shape and
    property again and was three quarters of a page render.
    """
    info = numbers.unit_of(unit)
    factor = info.factor if mode == "absolute" else 1.0
    narrow = width < NARROW
    traces = []
    for n, ((country, partner), rows) in enumerate(
        series.groupby(["country", "partner"], sort=False)
    ):
        rows = rows.sort_values("year")
        values = (rows["value"] * factor).tolist()
        flags = rows["flag"].tolist()
        label = series_name(country, partner, names)
        colour = COLOURS.get(country, EXTRA_COLOURS[n % len(EXTRA_COLOURS)])
        words = [tick_text(v, mode, info) for v in values]
        trace = {
            "type": "scatter", **_years(rows["year"].astype(int).tolist()),
            "y": [drawn_value(v) for v in values], "name": label, "mode": "lines+markers",
            "line": {"color": colour, "width": 2.5,
                     **({"dash": "dot"} if partner not in ("", "WLD") else {})},
            "marker": {"size": one_or_all([8 if f in FLAGS else 4 for f in flags]),
                       "symbol": one_or_all([FLAGS[f][0] if f in FLAGS else "circle" for f in flags]),
                       "color": colour},
            "customdata": words, "hovertemplate": f"{_escape(label)} %{{x}}: %{{customdata}}<extra></extra>",
        }  # fmt: skip
        if any(f in FLAGS for f in flags):  # a second hover line names each point's flag
            trace["customdata"] = [[w, FLAGS[f][1] if f in FLAGS else ""]
                                   for w, f in zip(words, flags, strict=True)]  # fmt: skip
            trace["hovertemplate"] = (
                f"{_escape(label)} %{{x}}: %{{customdata[0]}}<br>%{{customdata[1]}}<extra></extra>"
            )
        traces.append(trace)
    traces += [_flag_key(flag) for flag in sorted(set(series["flag"]) & set(FLAGS))]
    axis = MODE_AXIS.get(mode, "").format(base=base_year)
    ytitle = info.basis if mode == "absolute" else f"{axis} ({info.basis})"
    log = scale == "log" and mode != "share"
    values = series["value"] * factor
    low = float(values.min()) if mode == "indexed" or log else min(0.0, float(values.min()))
    tickvals = numbers.ticks(low, float(values.max()), log)
    ticktext = [tick_text(v, mode, info) for v in tickvals]
    chars = max(20, int((width - 40) / (16 * 0.55)))
    title_text, subtitle = _wrap(title, chars), _wrap(ytitle, int(chars * 1.3))
    layout = {
        "template": GAP_TEMPLATE,
        "title": {"text": title_text, "x": 0, "xanchor": "left", "xref": "container",
                  "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 10, "l": 12},
                  "font": {"size": 14 if narrow else 16},
                  "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#555"}}},
        "yaxis": {"title": {"text": "" if narrow else _wrap(ytitle, 60), "font": {"size": 11}},
                  "type": "log" if log else "linear", "tickvals": tickvals, "ticktext": ticktext,
                  "rangemode": "tozero" if low == 0 else "normal", "automargin": True},
        "xaxis": {"range": [year_range[0] - 0.5, year_range[1] + 0.5],
                  "dtick": 10 if narrow else 5, "fixedrange": narrow},
        "hovermode": "closest",
        "height": HEIGHT,
    }  # fmt: skip
    margin = _margins(width, ticktext, title_text, subtitle)
    fx = _fx_sensitive(unit)
    drawn = _events(tuple(events), year_range, width, fx, margin["l"])
    layout["margin"] = {**margin, "t": margin["t"] + drawn.top, "b": margin["b"] + drawn.bottom}
    layout["shapes"], layout["annotations"] = drawn.shapes, drawn.labels
    if drawn.marker:
        traces.append(drawn.marker)
        layout["yaxis2"] = {"overlaying": "y", "range": [0, 1.02], "visible": False,
                            "fixedrange": True}  # fmt: skip
    return {"data": traces, "layout": layout}


def tick_text(value: float, mode: str, info: numbers.Unit) -> str:
    """An axis or hover number in words: 'US$ 5 tn', '7.6×', '45%', '150'."""
    if mode == "ratio":
        return f"{numbers.sig(value)}×"
    if mode == "share":
        return f"{numbers.sig(value)}%"
    if mode == "indexed":
        return numbers.sig(value)
    if info.percent:
        return f"{numbers.sig(value)}%"
    return numbers.shown(value, info)


@dataclass(frozen=True)
class EventLayer:
    """A chart's event paths, labels and hover marker, and the room they take (shared: read only)."""

    shapes: list
    labels: list
    marker: dict | None
    top: int  # px added to the top margin for the label rows
    bottom: int  # px added to the bottom margin for the exchange-rate note


@lru_cache(maxsize=256)
def _events(
    events: tuple[Event, ...], year_range: tuple[int, int], width: int, fx: bool, left: int
) -> EventLayer:
    """Event lines and bands, labels in rows above the plot that never overlap, hover markers.

    Built once per (event set, years, width, margin): many charts and viewers share them.
    """
    shown = [e for e in events if e.kind != "exchange-rate" or fx]
    plot_width = (width - left - RIGHT) * 0.92  # room for the y axis growing
    rows = 2 if width < NARROW else LABEL_ROWS
    placed = place_labels(shown, year_range, plot_width, rows)
    lines: dict[str, list[str]] = {}  # colour → path segments, one per event
    bands: dict[str, list[str]] = {}
    xs, titles, notes, colours = [], [], [], []
    for event in shown:
        start, end = axis_x(event_x(event.start)), axis_x(event_x(event.end))
        if end < year_range[0] - 0.5 or start > year_range[1] + 0.5:
            continue
        colour = _colour(event)
        if event.is_period:
            bands.setdefault(colour, []).append(f"M{start},0H{end}V1H{start}Z")
        else:
            lines.setdefault(colour, []).append(f"M{start},0V1")
        xs.append(start)
        note = " · exchange-rate move, not the economy" if event.kind == "exchange-rate" else ""
        titles.append(_escape(event.title))
        notes.append(f"{event.when()} · {_escape(event.category)}{note}")
        colours.append(colour)
    shapes = [{"type": "path", "path": "".join(path), "yref": "paper", "fillcolor": colour,
               "fillrule": "nonzero", "opacity": 0.06, "line": {"width": 0}, "layer": "below"}
              for colour, path in bands.items()]  # fmt: skip
    shapes += [{"type": "path", "path": "".join(path), "yref": "paper", "opacity": 0.45,
                "layer": "below", "line": {"color": colour, "width": 1, "dash": "dot"}}
               for colour, path in lines.items()]  # fmt: skip
    labels = [{"x": axis_x(event_x(p.event.start)), "yshift": 4 + p.row * ROW_HEIGHT,
               **({"xanchor": "right"} if p.anchor == "right" else {}),
               "text": _escape(p.event.label), "font": {"color": _colour(p.event)}}
              for p in placed]  # fmt: skip
    bottom = 0
    if fx and any(e.kind == "exchange-rate" for e in shown):
        note = _fx_note(width)
        labels.append(note)
        bottom = 14 * (note["text"].count("<br>") + 1) + 10
    top = (max((p.row for p in placed), default=-1) + 1) * ROW_HEIGHT + 4
    marker = (
        {"type": "scatter", "x": xs, "y0": 1, "dy": 0, "yaxis": "y2", "mode": "markers",
         "marker": {"symbol": "triangle-down", "size": 8, "color": one_or_all(colours)},
         "text": titles, "customdata": notes,
         "hovertemplate": "<b>%{text}</b><br>%{customdata}<extra></extra>", "name": "Events",
         "showlegend": False}
        if xs else None
    )  # fmt: skip
    return EventLayer(shapes, labels, marker, top, bottom)


def _years(years: list[int]) -> dict:
    """A trace's x: first year and step when the years have no gap (half the bytes), else all."""
    if len(years) > 2 and years == list(range(years[0], years[0] + len(years))):
        return {"x0": years[0], "dx": 1}
    return {"x": years}


def _margins(width: int, ticktext: Sequence[str], title: str, subtitle: str) -> dict:
    """Margins that fit the y tick labels and the (wrapped) title and subtitle."""
    left = max([len(t) for t in ticktext] + [3]) * 7 + (12 if width < NARROW else 34)
    lines = title.count("<br>") + 1, subtitle.count("<br>") + 1
    return {"l": left, "r": RIGHT, "t": 18 + 22 * lines[0] + 17 * lines[1], "b": 60}


def _fx_note(width: int) -> dict:
    """The chart's note on exchange-rate moves, under the legend."""
    text = ("Brown labels mark exchange-rate moves: in US$ at market rates they move the values "
            "and the ratio without any change in the economy.")  # fmt: skip
    return {"text": _wrap(text, max(30, int((width - 30) / 6.2))), "xref": "paper",
            "yref": "paper", "x": 0, "y": 0, "yanchor": "top", "xanchor": "left", "yshift": -62,
            "showarrow": False, "align": "left", "font": {"size": 11, "color": FX_COLOUR}}  # fmt: skip


def _fx_sensitive(unit: str) -> bool:
    """US$ at market rates move with the rouble (so do their ratio, index and shares); PPP doesn't."""
    return "market exchange rates" in numbers.unit_of(unit).basis


def _flag_key(flag: str) -> dict:
    """A legend entry for an open-marker kind."""
    symbol, text = FLAGS[flag]
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": text,
            "hoverinfo": "skip", "marker": {"symbol": symbol, "size": 8, "color": "#444"}}  # fmt: skip


def _colour(event: Event) -> str:
    return (
        FX_COLOUR if event.kind == "exchange-rate" else CATEGORY_COLOURS.get(event.category, "#555")
    )


def _wrap(text: str, chars: int) -> str:
    """Plotly does not wrap titles: break lines at `chars` characters."""
    return "<br>".join(textwrap.wrap(_escape(text), max(chars, 10))) if text else ""


def series_name(country: str, partner: str, names: Mapping[str, str]) -> str:
    """'China', 'China → Russia' for a bilateral flow, 'China (world)', 'China ÷ Russia'."""
    if "÷" in country:
        return " ÷ ".join(names.get(c, c) for c in country.split("÷"))
    name = names.get(country, country)
    if partner == "WLD":
        return f"{name} (world)"
    if partner:
        return f"{name} → {names.get(partner, partner)}"
    return name


def axis_x(value: float) -> float | int:
    """A position on the year axis, to a thousandth of a year."""
    rounded = round(float(value), 3)
    return int(rounded) if rounded.is_integer() else rounded


def drawn_value(value: float) -> float | None:
    """A drawn value to six significant digits; blank where it is missing or infinite."""
    value = float(value)
    return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else None


def one_or_all(values: list) -> object:
    """A per-point list, or its one value when every point has it (a smaller response)."""
    return values[0] if values and values.count(values[0]) == len(values) else values


def _escape(text: str) -> str:
    """Plotly renders a subset of HTML in text; config text is shown literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
