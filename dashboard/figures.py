"""Pure figures: tidy frame → go.Figure, events drawn as lines and bands on every time chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from config.events import Event

COLOURS = {"CHN": "#c8102e", "RUS": "#1f4e9c", "USA": "#6b6b6b"}
EXTRA_COLOURS = ("#2a9d8f", "#e9c46a", "#8e5ea2", "#f4a261")
CATEGORY_COLOURS = {
    "Russia–West": "#1f4e9c",
    "China–West": "#c8102e",
    "Russia–China": "#7a3e9d",
    "China": "#d17a00",
    "economy": "#2a7f62",
}
FLAG_TEXT = {
    "estimate": "SIPRI estimate",
    "uncertain": "highly uncertain",
    "mirror": "mirror data (partner's report)",
    "": "",
}

pio.templates["asymmetry"] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Helvetica, Arial, sans-serif", "size": 13, "color": "#222"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 60, "r": 20, "t": 110, "b": 50},
        xaxis={"showgrid": False, "linecolor": "#444", "ticks": "outside", "zeroline": False},
        yaxis={"gridcolor": "#e6e6e6", "zeroline": False, "linecolor": "#444"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hoverlabel={"font": {"size": 12}},
        colorway=list(COLOURS.values()) + list(EXTRA_COLOURS),
    )
)
TEMPLATE = "asymmetry"
LABEL_LEVELS = 4  # event labels close in time are stacked on this many rows
MODE_AXIS = {
    "ratio": "China ÷ Russia (times)",
    "indexed": "index, {base} = 100",
    "share": "% of the pair's combined total",
}


def event_x(day: date) -> float:
    """A date as a fractional year, the charts' x axis."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def gap_figure(
    series: pd.DataFrame,
    title: str,
    unit: str,
    mode: str,
    scale: str,
    events: Sequence[Event],
    names: Mapping[str, str],
    base_year: int,
    year_range: tuple[int, int],
) -> go.Figure:
    """Lines per country (and partner) over time, with event lines, bands and labels."""
    fig = go.Figure()
    for n, ((country, partner), rows) in enumerate(
        series.groupby(["country", "partner"], sort=False)
    ):
        rows = rows.sort_values("year")
        label = _series_name(country, partner, names)
        colour = COLOURS.get(country, EXTRA_COLOURS[n % len(EXTRA_COLOURS)])
        flagged = rows["flag"].map(lambda f: FLAG_TEXT.get(f, f))
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows["value"],
                name=label,
                mode="lines+markers",
                line={
                    "color": colour,
                    "width": 2.5,
                    "dash": "dot" if partner not in ("", "WLD") else "solid",
                },
                marker={
                    "size": [7 if f else 4 for f in rows["flag"]],
                    "symbol": ["circle-open" if f else "circle" for f in rows["flag"]],
                    "color": colour,
                },
                customdata=flagged,
                hovertemplate=f"{label} %{{x}}: %{{y:,.4~g}}<br>%{{customdata}}<extra></extra>",
            )
        )
    axis = MODE_AXIS.get(mode, unit).format(base=base_year)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0, "font": {"size": 16}},
        yaxis={
            "title": {"text": axis},
            "type": "log" if scale == "log" and mode != "share" else "linear",
        },
        xaxis={"range": [year_range[0] - 0.5, year_range[1] + 0.5], "dtick": 5},
        hovermode="closest",
        height=460,
    )
    add_events(fig, events, year_range)
    return fig


def add_events(fig: go.Figure, events: Sequence[Event], year_range: tuple[int, int]) -> None:
    """Vertical lines for dated events, shaded bands for periods, labels and hover text."""
    # Shapes and annotations are built as plain dicts and set once: fig.add_vline per event
    # re-validates the whole figure each time and made a chart ten times slower to build.
    shapes, labels, xs, texts, colours = [], [], [], [], []
    last_x, level = -1e9, 0
    for event in events:
        start, end = event_x(event.start), event_x(event.end)
        if end < year_range[0] - 0.5 or start > year_range[1] + 0.5:
            continue
        colour = CATEGORY_COLOURS.get(event.category, "#555")
        if event.is_period:
            shapes.append({"type": "rect", "x0": start, "x1": end, "y0": 0, "y1": 1, "xref": "x",
                           "yref": "paper", "fillcolor": colour, "opacity": 0.07, "line": {"width": 0},
                           "layer": "below"})  # fmt: skip
        else:
            shapes.append({"type": "line", "x0": start, "x1": start, "y0": 0, "y1": 1, "xref": "x",
                           "yref": "paper", "opacity": 0.7,
                           "line": {"color": colour, "width": 1, "dash": "dash"}})  # fmt: skip
        level = (level + 1) % LABEL_LEVELS if start - last_x < 2.5 else 0
        last_x = start
        labels.append({"x": start, "y": 1.0 + 0.05 * (LABEL_LEVELS - 1 - level), "xref": "x",
                       "yref": "paper", "text": _escape(event.label), "showarrow": False,
                       "xanchor": "left", "font": {"size": 9, "color": colour}})  # fmt: skip
        xs.append(start)
        texts.append(f"<b>{_escape(event.title)}</b><br>{event.when()} · {_escape(event.category)}")
        colours.append(colour)
    if not xs:
        return
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[1.0] * len(xs),
            yaxis="y2",
            mode="markers",
            marker={"symbol": "triangle-down", "size": 9, "color": colours},
            hovertext=texts,
            hoverinfo="text",
            name="Events",
            showlegend=False,
        )
    )
    fig.update_layout(
        shapes=list(fig.layout.shapes) + shapes,
        annotations=list(fig.layout.annotations) + labels,
        yaxis2={"overlaying": "y", "range": [0, 1.02], "visible": False, "fixedrange": True},
    )


def _series_name(country: str, partner: str, names: Mapping[str, str]) -> str:
    """'China', or 'China → Russia' for a bilateral flow, or 'China → world'."""
    name = names.get(country, country)
    if partner == "WLD":
        return f"{name} (world)"
    if partner:
        return f"{name} → {names.get(partner, partner)}"
    return name


def _escape(text: str) -> str:
    """Plotly renders a subset of HTML in text; config text is shown literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
