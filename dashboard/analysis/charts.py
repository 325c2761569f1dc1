"""The analysis panels' Plotly charts: need shares, event windows and basis ratios."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from config.events import Event
from dashboard.analysis import Analysis
from dashboard.figures import COLOURS as COUNTRY_COLOURS
from dashboard.figures import event_x

COLOURS = (COUNTRY_COLOURS["CHN"], COUNTRY_COLOURS["RUS"])  # the pair, as on every chart
RATIO_COLOUR = "#444"
EVENT_COLOUR = "#999"
FLAG_WORDS = {"estimate": "estimate", "uncertain": "highly uncertain", "mirror": "mirror data"}


def need_figure(analysis: Analysis, events: Sequence[Event], names: Mapping[str, str]) -> go.Figure:
    """Both trade shares (left axis) and the need ratio (right axis), mirror years marked."""
    a, b = (names.get(c, c) for c in analysis.pair)
    need = analysis.need
    fig = go.Figure()
    for column, flags, label, colour in (
        ("a_share_of_b", need["flag_b"], f"{a}'s share of {b}'s trade", COLOURS[0]),
        ("b_share_of_a", need["flag_a"], f"{b}'s share of {a}'s trade", COLOURS[1]),
    ):
        fig.add_trace(_line(need["year"], need[column], flags, label, colour, "%{y:.1f}%"))
    fig.add_trace(
        _line(
            need["year"], need["need_ratio"], need["flag"], "need ratio", RATIO_COLOUR, "%{y:.2f}×"
        )
    )
    fig.data[-1].update(yaxis="y2", line={"dash": "dot", "color": RATIO_COLOUR})
    _add_events(fig, events, _years(need["year"]))
    fig.update_layout(
        **_layout(),
        yaxis={"title": "% of the country's goods trade", "rangemode": "tozero"},
        yaxis2={
            "title": "need ratio, times",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
        },
    )
    return fig


def window_figure(analysis: Analysis, event: Event, names: Mapping[str, str]) -> go.Figure:
    """Each indicator's A÷B ratio around one event, indexed to the event year, windows shaded."""
    a, b = (names.get(c, c) for c in analysis.pair)
    e = event.start.year
    n = span(analysis.windows.iloc[0]) if not analysis.windows.empty else 0
    near = analysis.gaps[analysis.gaps["year"].between(e - n - 2, e + n + 2)]
    fig = go.Figure()
    for indicator, rows in near.groupby("indicator", sort=False):
        base = rows.loc[rows["year"] == e, "ratio"]
        if base.empty:
            continue
        indexed = rows["ratio"] / float(base.iloc[0]) * 100
        fig.add_trace(_line(rows["year"], indexed, rows["flag"], indicator, None, "%{y:.1f}"))
    fig.add_vrect(x0=e - n, x1=e, fillcolor=COLOURS[1], opacity=0.08, line_width=0)
    fig.add_vrect(x0=e, x1=e + n, fillcolor=COLOURS[0], opacity=0.08, line_width=0)
    fig.add_vline(x=e, line={"color": EVENT_COLOUR, "width": 1})
    fig.add_annotation(x=e, y=1, yref="paper", text=event.label, showarrow=False, yanchor="bottom")
    fig.update_layout(**_layout(), yaxis={"title": f"{a} ÷ {b}, {e} = 100", "tickformat": ".1f"})
    fig.update_xaxes(dtick=1)
    return fig


def basis_figure(analysis: Analysis, names: Mapping[str, str]) -> go.Figure:
    """Each comparison's two ratios over time."""
    a, b = (names.get(c, c) for c in analysis.pair)
    fig = go.Figure()
    styles = ("solid", "dash")
    for comparison, rows in analysis.basis.groupby("comparison", sort=False):
        for n, side in enumerate(("first", "second")):
            trace = _line(
                rows["year"], rows[f"{side}_ratio"], rows["flag"],
                f"{comparison}, {rows[f'{side}_basis'].iloc[0]}", None, "%{y:.2f}×",
            )  # fmt: skip
            trace.update(line={"dash": styles[n]})
            fig.add_trace(trace)
    fig.update_layout(**_layout(), yaxis={"title": f"{a} ÷ {b}, times", "rangemode": "tozero"})
    return fig


# --- helpers --------------------------------------------------------------------------------
def _line(x, y, flags, name: str, colour: str | None, number: str) -> go.Scatter:
    """A line whose flagged points are open markers, the flag named in the hover."""
    words = [FLAG_WORDS.get(f, "") for f in flags]
    return go.Scatter(
        x=list(x),
        y=list(y),
        name=name,
        mode="lines+markers",
        line={"color": colour} if colour else None,
        marker={"symbol": ["square-open" if w else "circle" for w in words], "size": 7},
        customdata=[f" ({w})" if w else "" for w in words],
        hovertemplate=f"%{{x}}: {number}%{{customdata}}<extra>{name}</extra>",
    )


def _add_events(fig: go.Figure, events: Sequence[Event], years: tuple[int, int] | None) -> None:
    """Events in the plotted years: thin lines, their labels on hover along the top."""
    if years is None:
        return
    low, high = years
    shown = [e for e in events if e.end.year >= low and e.start.year <= high]
    # A period that began before the plotted years is drawn, and marked, from their start.
    starts = [max(event_x(e.start), low) for e in shown]
    for event, start in zip(shown, starts, strict=True):
        line = {"color": EVENT_COLOUR, "width": 1, "dash": "dot"}
        if event.is_period:
            end = min(event_x(event.end), high)
            fig.add_vrect(x0=start, x1=end, fillcolor=EVENT_COLOUR, opacity=0.1, line_width=0)
        else:
            fig.add_vline(x=start, line=line)
    if shown:
        fig.add_trace(
            go.Scatter(
                x=starts,
                y=[1.0] * len(shown),
                yaxis="y3",
                mode="markers",
                marker={"symbol": "triangle-down", "color": EVENT_COLOUR, "size": 8},
                text=[f"{e.when()}: {e.title}" for e in shown],
                hovertemplate="%{text}<extra></extra>",
                name="events",
                showlegend=False,
            )
        )
        fig.update_layout(yaxis3={"overlaying": "y", "range": [0, 1.02], "visible": False})


def _years(years: pd.Series) -> tuple[int, int] | None:
    """The plotted year range."""
    return (int(years.min()), int(years.max())) if len(years) else None


def _layout() -> dict:
    """The analysis charts' shared layout."""
    return {
        "template": "plotly_white",
        "height": 380,
        "margin": {"l": 60, "r": 60, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"title": None, "dtick": 5},
        "hovermode": "closest",
    }


def span(row: Mapping) -> int:
    """N, the window's length in years, from a windows row."""
    first, last = str(row["before_years"]).split("–")
    return int(last) - int(first)
