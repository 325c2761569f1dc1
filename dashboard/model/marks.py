"""The events on a gap chart: key events as labelled lines, context events and data breaks as ticks.

Key events (config tier "key") get a full-height line and a label in a row above the plot, joined
to their year by a short connector, so a label is never read against another year; every key
event is labelled at any width (rows are added as needed). Context events are short ticks at the
foot of the plot and data breaks a distinct mark on the axis, both with hover text. A legend key
names the category colours and the marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from config.events import Event

# Okabe–Ito colours (safe for the common colour-vision deficiencies), one per category.
CATEGORY_COLOURS = {
    "Russia–West": "#0072B2",
    "China–West": "#D55E00",
    "Russia–China": "#CC79A7",
    "China": "#E69F00",
    "economy": "#009E73",
    "data": "#555555",
}
FX_COLOUR = "#8B5A2B"  # exchange-rate moves: one colour on every chart
LABEL_INK = "#222"  # label text stays dark: readable whatever its category's colour
LABEL_SIZE = 10  # px
CHAR_WIDTH = 0.62  # of the font size: wider than Helvetica's average glyph, so estimates are safe
LABEL_PAD = 8  # px kept clear between two labels in a row
ROW_HEIGHT = 15  # px
FIRST_ROW = 6  # px between the plot's top and the first row of labels
TICK = 9  # px: a context event's tick at the foot of the plot
RIGHT = 16  # px: the plot's right margin
NARROW = 560  # px: below this a chart is a phone's
KEY_SYMBOL = "triangle-down"
CONTEXT_SYMBOL = "triangle-up"
DATA_SYMBOL = "x-thin-open"


@dataclass(frozen=True)
class Placed:
    """A key label's place: its row above the plot and its box in pixels from the plot's left."""

    event: Event
    row: int
    left: float
    right: float
    anchor: str


@dataclass(frozen=True)
class EventLayer:
    """A chart's event shapes, labels, hover markers and key, and the room they take."""

    shapes: list
    labels: list
    traces: list  # hover markers and the legend key
    top: int  # px added to the top margin for the label rows
    lines: int  # full-height lines drawn


def event_x(day: date) -> float:
    """A date as a fractional year, the charts' x axis."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def axis_x(value: float) -> float | int:
    """A position on the year axis, to a thousandth of a year."""
    rounded = round(float(value), 3)
    return int(rounded) if rounded.is_integer() else rounded


def label_width(text: str, size: int = LABEL_SIZE) -> float:
    """A generous estimate of a label's width in pixels."""
    return len(text) * size * CHAR_WIDTH + 2


def place_labels(
    events: Sequence[Event], year_range: tuple[int, int], plot_width: float
) -> list[Placed]:
    """Every label in the lowest row where it fits, starting at its year or ending there."""
    x0, x1 = year_range[0] - 0.5, year_range[1] + 0.5
    placed: list[Placed] = []
    for event in sorted(events, key=lambda e: e.start):
        x = event_x(event.start)
        if not x0 <= x <= x1:
            continue
        px = (x - x0) / (x1 - x0) * plot_width
        width = label_width(event.label)
        sides = [("left", px, px + width), ("right", px - width, px)]
        fits = [s for s in sides if s[1] >= 0 and s[2] <= plot_width] or sides[1:]
        for row in range(len(events)):  # a free row always exists: one per label at most
            free = [s for s in fits if _free(placed, row, s[1], s[2])]
            if free:
                anchor, left, right = free[0]
                placed.append(Placed(event, row, left, right, anchor))
                break
    return placed


def _free(placed: Sequence[Placed], row: int, left: float, right: float) -> bool:
    return all(
        p.row != row or right + LABEL_PAD <= p.left or p.right + LABEL_PAD <= left for p in placed
    )


@lru_cache(maxsize=256)
def event_layer(
    events: tuple[Event, ...], year_range: tuple[int, int], width: int, fx: bool, left: int
) -> EventLayer:
    """Lines, ticks, labels, hover markers and key for the events in the years shown.

    Built once per (event set, years, width, margin): many charts and viewers share them.
    """
    low, high = year_range[0] - 0.5, year_range[1] + 0.5
    shown = [e for e in events if (e.kind != "exchange-rate" or fx)
             and axis_x(event_x(e.end)) >= low and axis_x(event_x(e.start)) <= high]  # fmt: skip
    key = [e for e in shown if e.is_key]
    plot_width = (width - left - RIGHT) * 0.92  # room for the y axis growing
    placed = place_labels(key, year_range, plot_width)
    shapes = _key_lines(key) + _ticks([e for e in shown if not e.is_key])
    shapes += _connectors(placed)
    labels = [{"x": axis_x(event_x(p.event.start)), "yshift": _shift(p.row),
               **({"xanchor": "right"} if p.anchor == "right" else {}),
               "text": escape(p.event.label), "font": {"color": LABEL_INK}}
              for p in placed]  # fmt: skip
    traces = [t for t in (_hover(key, 1, KEY_SYMBOL, 9), _hover(
        [e for e in shown if not e.is_key and not e.is_data], 0, CONTEXT_SYMBOL, 7),
        _hover([e for e in shown if e.is_data], 0, DATA_SYMBOL, 9)) if t]  # fmt: skip
    traces += legend_key(shown)
    top = _shift(max((p.row for p in placed), default=-1) + 1) + 2 if placed else 4
    return EventLayer(shapes, labels, traces, top, len(key))


def legend_key(events: Sequence[Event]) -> list[dict]:
    """Legend entries: each category's colour, and what a line, a tick and a cross mean."""
    entries = []
    categories = dict.fromkeys(_category(e) for e in events if not e.is_data)
    for name in categories:
        words = name if name.startswith("exchange") else f"{name} events"
        entries.append(_key_entry(words, _category_colour(name), KEY_SYMBOL, "dot"))
    if any(e.is_data for e in events):
        entries.append(_key_entry("data breaks (not events)", CATEGORY_COLOURS["data"],
                                  DATA_SYMBOL, "dash"))  # fmt: skip
    return entries


def _key_entry(name: str, ink: str, symbol: str, dash: str) -> dict:
    return {"type": "scatter", "x": [None], "y": [None], "mode": "lines+markers", "name": name,
            "hoverinfo": "skip", "line": {"color": ink, "width": 1.5, "dash": dash},
            "marker": {"symbol": symbol, "size": 8, "color": ink}}  # fmt: skip


def _category(event: Event) -> str:
    return (
        "exchange-rate moves (not the economy)" if event.kind == "exchange-rate" else event.category
    )


def _category_colour(name: str) -> str:
    return CATEGORY_COLOURS.get(name, FX_COLOUR if name.startswith("exchange") else "#555555")


def colour(event: Event) -> str:
    """An event's colour: its category's, brown for exchange-rate moves, grey for data breaks."""
    if event.kind == "exchange-rate":
        return FX_COLOUR
    return CATEGORY_COLOURS.get(event.category, "#555555")


def _shift(row: int) -> int:
    """A label row's distance in pixels above the plot."""
    return FIRST_ROW + row * ROW_HEIGHT


def _key_lines(events: Sequence[Event]) -> list[dict]:
    """Full-height dotted lines (bands for periods), one path per colour."""
    lines: dict[str, list[str]] = {}
    bands: dict[str, list[str]] = {}
    for event in events:
        start, end = axis_x(event_x(event.start)), axis_x(event_x(event.end))
        if event.is_period:
            bands.setdefault(colour(event), []).append(f"M{start},0H{end}V1H{start}Z")
        else:
            lines.setdefault(colour(event), []).append(f"M{start},0V1")
    shapes = [{"type": "path", "path": "".join(p), "yref": "paper", "fillcolor": c,
               "fillrule": "nonzero", "opacity": 0.08, "line": {"width": 0}, "layer": "below"}
              for c, p in bands.items()]  # fmt: skip
    shapes += [{"type": "path", "path": "".join(p), "yref": "paper", "opacity": 0.7,
                "layer": "below", "line": {"color": c, "width": 1.2, "dash": "dot"}}
               for c, p in lines.items()]  # fmt: skip
    return shapes


def _ticks(events: Sequence[Event]) -> list[dict]:
    """Short ticks up from the foot of the plot (bars for periods); data breaks dashed."""
    paths: dict[tuple[str, bool], list[str]] = {}
    for event in events:
        start, end = axis_x(event_x(event.start)), axis_x(event_x(event.end))
        step = f"M{start},0H{end}V3H{start}Z" if event.is_period else f"M{start},0V{TICK}"
        paths.setdefault((colour(event), event.is_data), []).append(step)
    return [{"type": "path", "path": "".join(p), "yref": "paper", "ysizemode": "pixel",
             "yanchor": 0, "layer": "above", "fillcolor": c, "opacity": 0.8,
             "line": {"color": c, "width": 2, **({"dash": "dot"} if data else {})}}
            for (c, data), p in paths.items()]  # fmt: skip


def _connectors(placed: Sequence[Placed]) -> list[dict]:
    """A short line from the plot's top up to each label, so a label reads at its own year."""
    paths: dict[str, list[str]] = {}
    for p in placed:
        x = axis_x(event_x(p.event.start))
        paths.setdefault(colour(p.event), []).append(f"M{x},0V{_shift(p.row) + 2}")
    return [{"type": "path", "path": "".join(p), "yref": "paper", "ysizemode": "pixel",
             "yanchor": 1, "layer": "above", "line": {"color": c, "width": 1}}
            for c, p in paths.items()]  # fmt: skip


def _hover(events: Sequence[Event], y: int, symbol: str, size: int) -> dict | None:
    """Markers that name each event on hover: at the top for key events, at the foot for others."""
    if not events:
        return None
    notes = []
    for event in events:
        what = {"exchange-rate": " · exchange-rate move, not the economy",
                "data": " · a break in the data, not an event"}.get(event.kind, "")  # fmt: skip
        notes.append(f"{event.when()} · {escape(event.category)}{what}")
    colours = [colour(e) for e in events]
    return {"type": "scatter", "x": [axis_x(event_x(e.start)) for e in events],
            "y": [y] * len(events), "yaxis": "y2", "mode": "markers", "cliponaxis": False,
            "marker": {"symbol": symbol, "size": size, "color": one_or_all(colours)},
            "text": [escape(e.title) for e in events], "customdata": notes,
            "hovertemplate": "<b>%{text}</b><br>%{customdata}<extra></extra>",
            "name": "Events", "showlegend": False}  # fmt: skip


def one_or_all(values: list) -> object:
    """A per-point list, or its one value when every point has it (a smaller response)."""
    return values[0] if values and values.count(values[0]) == len(values) else values


def escape(text: str) -> str:
    """Plotly renders a subset of HTML in text; config text is shown literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
