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

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from config.events import Event
from config.vocabulary import FLAGS as FLAG_LIST
from dashboard.model import marks, numbers

# Okabe–Ito colours, and a dash and marker of its own per country: colour is never the only cue.
COLOURS = {"CHN": "#D55E00", "RUS": "#0072B2", "USA": "#000000"}
EXTRA_COLOURS = ("#009E73", "#E69F00", "#CC79A7", "#56B4E9")
DASHES = {"CHN": "solid", "RUS": "dash", "USA": "dashdot"}
EXTRA_DASHES = ("longdash", "dot", "longdashdot", "solid")
SYMBOLS = {"CHN": "circle", "RUS": "square", "USA": "diamond"}
EXTRA_SYMBOLS = ("triangle-up", "pentagon", "star", "hexagon")
# Open markers say a value is not a plain observation; each flag has its own symbol and words.
FLAGS = {f.code: (f.symbol, f.long) for f in FLAG_LIST}
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
        # Each legend entry as wide as its words: equal columns put one entry a row on a phone.
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.1,
            "x": 0,
            "entrywidth": 0,
            "entrywidthmode": "pixels",
        },
        hoverlabel={"font": {"size": 12}},
        colorway=list(COLOURS.values()) + list(EXTRA_COLOURS),
    )
)
TEMPLATE = "asymmetry"
TEMPLATE_JSON = pio.templates[TEMPLATE].to_plotly_json()  # plain dict figures carry it
DIGITS = 6  # significant digits of a drawn value
MODE_AXIS = {
    "ratio": "{pair}, times",
    "indexed": "index, {base} = 100",
    "share": "% of the pair's combined total",
}

NARROW = marks.NARROW  # px: below this a chart is a phone's and gets a smaller title
# What every event label shares, said once in the gap charts' template rather than per label.
LABEL_DEFAULTS = {"yref": "paper", "y": 1, "yanchor": "bottom", "xanchor": "left",
                  "showarrow": False, "font": {"size": marks.LABEL_SIZE}}  # fmt: skip
GAP_TEMPLATE = {**TEMPLATE_JSON, "layout": {**TEMPLATE_JSON["layout"],
                                            "annotationdefaults": LABEL_DEFAULTS}}  # fmt: skip


event_x, label_width, place_labels = marks.event_x, marks.label_width, marks.place_labels


def gap_figure(*args, **kwargs) -> go.Figure:
    """The gap chart as a plotly figure (for images and reports): `gap_spec` wrapped."""
    return go.Figure(gap_spec(*args, **kwargs), _validate=False)  # built valid, so not re-checked


def gap_spec(
    series: pd.DataFrame,
    title: str,
    info: numbers.Unit,
    mode: str,
    scale: str,
    events: Sequence[Event],
    names: Mapping[str, str],
    base_year: int,
    year_range: tuple[int, int],
    width: int = 1000,
    world: str = "",
) -> dict:
    """Lines per country (and partner) over time, readable axes, event lines and labels.

    A plain dict, as plotly.js takes it: building go.Figure objects validated every shape and
    property again and was three quarters of a page render.
    """
    factor = info.factor if mode == "absolute" else 1.0
    narrow = width < NARROW
    traces = []
    groups = list(series.groupby(["country", "partner"], sort=False))
    for n, ((country, partner), rows) in enumerate(groups):
        rows = rows.sort_values("year")
        values = (rows["value"] * factor).tolist()
        flags = rows["flag"].tolist()
        label = series_name(country, partner, names, world)
        colour = COLOURS.get(country, EXTRA_COLOURS[n % len(EXTRA_COLOURS)])
        # A lone line (the ratio) is solid: a dash tells series apart, and there is no other.
        dash = "solid" if len(groups) == 1 else DASHES.get(country, EXTRA_DASHES[n % 4])
        symbol = SYMBOLS.get(country, EXTRA_SYMBOLS[n % len(EXTRA_SYMBOLS)])
        words = [tick_text(v, mode, info) for v in values]
        trace = {
            "type": "scatter", **_years(rows["year"].astype(int).tolist()),
            "y": [drawn_value(v) for v in values], "name": label, "mode": "lines+markers",
            "line": {"color": colour, "width": 2.5,
                     "dash": "dot" if partner not in ("", world) else dash},
            "marker": {"size": one_or_all([8 if f in FLAGS else 5 for f in flags]),
                       "symbol": one_or_all([FLAGS[f][0] if f in FLAGS else symbol for f in flags]),
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
    pair = series_name(str(series["country"].iloc[0]), "", names) if mode == "ratio" else ""
    axis = MODE_AXIS.get(mode, "").format(base=base_year, pair=pair)
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
    drawn = marks.event_layer(tuple(events), year_range, width, info.fx_sensitive, margin["l"])
    layout["margin"] = {**margin, "t": margin["t"] + drawn.top}
    names = [t["name"] for t in traces if t.get("showlegend", True)]
    # Label rows and legend rows add height rather than take the plot's.
    layout["height"] = HEIGHT + drawn.top + LEGEND_ROW * max(0, legend_rows(names, width) - 2)
    layout["shapes"], layout["annotations"] = drawn.shapes, drawn.labels
    traces += drawn.traces
    if drawn.traces:
        layout["yaxis2"] = {"overlaying": "y", "range": [0, 1], "visible": False,
                            "fixedrange": True}  # fmt: skip
    return {"data": traces, "layout": layout}


LEGEND_ROW = 19  # px: one row of legend entries


def legend_rows(names: Sequence[str], width: int) -> int:
    """How many rows the legend's entries take at `width` (entries as wide as their words)."""
    rows, used = 1, 0.0
    for name in names:
        entry = 45 + len(name) * 6.6  # symbol, gap and words at 12 px
        if used and used + entry > width - 20:
            rows, used = rows + 1, 0.0
        used += entry
    return rows


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


def _years(years: list[int]) -> dict:
    """A trace's x: first year and step when the years have no gap (half the bytes), else all."""
    if len(years) > 2 and years == list(range(years[0], years[0] + len(years))):
        return {"x0": years[0], "dx": 1}
    return {"x": years}


def _margins(width: int, ticktext: Sequence[str], title: str, subtitle: str) -> dict:
    """Margins that fit the y tick labels and the (wrapped) title and subtitle."""
    left = max([len(t) for t in ticktext] + [3]) * 7 + (12 if width < NARROW else 34)
    lines = title.count("<br>") + 1, subtitle.count("<br>") + 1
    return {"l": left, "r": marks.RIGHT, "t": 18 + 22 * lines[0] + 17 * lines[1], "b": 60}


def _flag_key(flag: str) -> dict:
    """A legend entry for an open-marker kind."""
    symbol, text = FLAGS[flag]
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": text,
            "hoverinfo": "skip", "marker": {"symbol": symbol, "size": 8, "color": "#444"}}  # fmt: skip


def _wrap(text: str, chars: int) -> str:
    """Plotly does not wrap titles: break lines at `chars` characters."""
    return "<br>".join(textwrap.wrap(_escape(text), max(chars, 10))) if text else ""


def series_name(country: str, partner: str, names: Mapping[str, str], world: str = "") -> str:
    """'China', 'China → Russia' for a bilateral flow, 'China (world)' (partner `world`, the
    catalogue's aggregate), 'A ÷ B' for a ratio."""
    if "÷" in country:
        return " ÷ ".join(names.get(c, c) for c in country.split("÷"))
    name = names.get(country, country)
    if partner and partner == world:
        return f"{name} (world)"
    if partner:
        return f"{name} → {names.get(partner, partner)}"
    return name


axis_x, one_or_all, _escape = marks.axis_x, marks.one_or_all, marks.escape


def drawn_value(value: float) -> float | None:
    """A drawn value to six significant digits; blank where it is missing or infinite."""
    value = float(value)
    return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else None
