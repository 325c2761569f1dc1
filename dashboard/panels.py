"""Pure functions turning the view model's plain data into the page's components."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from config.catalogue import Catalogue
from config.events import Event
from dashboard.metrics import Kpi
from dashboard.model import Chart, Rendered
from fetchers.status import SourceStatus

FLAG_BADGES = {"estimate": "estimate", "uncertain": "uncertain", "mirror": "mirror data"}
TABLE_FIELDS = (
    "indicator_title",
    "indicator",
    "country_name",
    "partner",
    "year",
    "value",
    "unit",
    "flag",
    "yoy_pct",
    "since_base_pct",
)


def render(
    rendered: Rendered, names: Mapping[str, str], pair: tuple[str, str], base_year: int
) -> dict:
    """The components of the render callback's outputs."""
    kpis = [
        dbc.Col(kpi_card(k.title, k.unit, k.kpi, names, pair), md=6, xl=3, className="mb-2")
        for k in rendered.kpis
    ]
    if rendered.empty_message:
        charts: list = [dbc.Alert(rendered.empty_message, color="secondary")]
    else:
        blocks = [chart_block(c) for c in rendered.charts]
        width = 12 if len(blocks) == 1 else 6
        charts = [dbc.Row([dbc.Col(b, lg=width) for b in blocks])]
    return {
        "kpis": dbc.Row(kpis) if kpis else html.Div(),
        "charts": charts,
        "rows": table_records(rendered.table),
        "columns": table_columns(base_year),
        "sources": sources_panel(rendered.sources),
    }


def chart_block(chart: Chart) -> html.Div:
    """One gap chart with its image downloads, or a message saying why there is none."""
    if chart.figure is None:
        return html.Div(
            dbc.Alert(
                f"{chart.title}: no data for the selected countries and years. "
                "Widen the year range, or check the source's status above.",
                color="light",
            ),
            className="chart-empty",
        )
    note = (
        html.Div(f"No data for {', '.join(chart.missing)}.", className="small text-muted")
        if chart.missing
        else None
    )
    return html.Div(
        [
            dcc.Graph(figure=chart.figure, config={"displaylogo": False}, className="gap-chart"),
            image_buttons(chart.indicator),
            note,
        ],
        id={"type": "chart", "index": chart.indicator},
    )


def table_records(table: pd.DataFrame) -> list[dict]:
    """Table rows as JSON-ready dicts (missing values as null)."""
    out = table[list(TABLE_FIELDS)]
    return out.astype(object).where(out.notna(), None).to_dict("records")


def table_columns(base_year: int) -> list[dict]:
    """AG Grid column definitions."""
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    return [
        {"field": "indicator_title", "headerName": "Indicator"},
        {"field": "indicator", "headerName": "Id"},
        {"field": "country_name", "headerName": "Country"},
        {"field": "partner", "headerName": "Partner"},
        {"field": "year", "headerName": "Year", **number},
        {"field": "value", "headerName": "Value", **number,
         "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.6~g')(params.value)"}},
        {"field": "unit", "headerName": "Unit"},
        {"field": "flag", "headerName": "Flag"},
        {"field": "yoy_pct", "headerName": "Year on year %", **number,
         "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.2f')(params.value)"}},
        {"field": "since_base_pct", "headerName": f"Since {base_year} %", **number,
         "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.1f')(params.value)"}},
    ]  # fmt: skip


def image_buttons(indicator_id: str) -> html.Div:
    """PNG, SVG and PDF downloads of one chart."""
    return html.Div(
        [html.Span("Image:", className="small me-1")]
        + [
            dbc.Button(
                fmt.upper(),
                id={"type": "image", "indicator": indicator_id, "fmt": fmt},
                size="sm",
                color="link",
                className="p-0 me-2 small",
            )
            for fmt in ("png", "svg", "pdf")
        ],
        className="text-end",
    )


def kpi_card(
    title: str, unit: str, kpi: Kpi, names: Mapping[str, str], pair: tuple[str, str]
) -> dbc.Card:
    """One indicator's headline numbers, each with its year and unit."""
    a, b = names[pair[0]], names[pair[1]]
    change = (
        f"{kpi.base_year}: {kpi.base_ratio:.2f}×; change {kpi.ratio_change:+.2f}× "
        f"({kpi.ratio_change_pct:+.0f}%)"
        if not math.isnan(kpi.base_ratio)
        else f"{kpi.base_year}: no value for both"
    )
    growth = (
        f"growth since {kpi.base_year}: {a} {_pct(kpi.a_growth)}/yr, {b} {_pct(kpi.b_growth)}/yr"
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(title, className="small fw-bold text-uppercase text-muted"),
                html.Div(
                    [
                        html.Span(f"{kpi.ratio:.2f}×", className="h3 mb-0 me-2"),
                        html.Span(f"{a} ÷ {b}, {kpi.year}", className="small"),
                    ],
                    className="kpi-ratio",
                ),
                html.Div(f"ratio in {change}", className="small"),
                html.Div(
                    [
                        html.Span(f"{a} {kpi.year}: {fmt_value(kpi.a_value, unit)}"),
                        _flag_badge(kpi.a_flag),
                        html.Br(),
                        html.Span(f"{b} {kpi.year}: {fmt_value(kpi.b_value, unit)}"),
                        _flag_badge(kpi.b_flag),
                    ],
                    className="small mt-1",
                ),
                html.Div(growth, className="small text-muted"),
            ]
        ),
        className="h-100 kpi-card",
    )


def status_line(statuses: Sequence[SourceStatus], catalogue: Catalogue) -> list:
    """The header's freshness line: per source, when fetched and which release."""
    if not statuses:
        return [html.Span("No data fetched yet", className="text-muted")]
    parts = []
    for status in statuses:
        name = catalogue.source(status.source).title
        if status.last_ok_at:
            text = f"{name}: fetched {status.last_ok_at[:16].replace('T', ' ')} UTC, release {status.release or 'n/a'}"
            colour = "warning" if status.stale else "success"
            badge = "stale" if status.stale else "ok"
        else:
            text, colour, badge = f"{name}: never fetched", "danger", "no data"
        if status.last_status == "failed":
            colour, badge = "danger", "last run failed"
        parts.append(html.Div([text, " ", dbc.Badge(badge, color=colour, className="ms-1")]))
    return parts


def banner(statuses: Sequence[SourceStatus], empty: bool, catalogue: Catalogue) -> list:
    """Alerts for failed runs, stale sources and an empty store, each saying what to do."""
    alerts = []
    if empty:
        alerts.append(
            dbc.Alert(
                [
                    html.B("No data stored yet. "),
                    "The first fetch starts with the app; if this machine has no internet, "
                    "load a downloaded file with `python -m fetchers import FILE`.",
                ],
                color="info",
            )
        )
    for status in statuses:
        name = catalogue.source(status.source).title
        if status.last_status == "failed":
            kept = (
                f"Showing data fetched {status.last_ok_at}."
                if status.last_ok_at
                else "No data from it yet."
            )
            alerts.append(
                dbc.Alert(
                    [
                        html.B(f"{name}: the last refresh failed "),
                        f"({status.last_at}): {status.error} {kept} Next attempt around {status.next_attempt}.",
                    ],
                    color="warning",
                    className="failed-run",
                )
            )
        elif status.stale:
            alerts.append(
                dbc.Alert(
                    f"{name} is stale: last successful fetch {status.last_ok_at}.", color="warning"
                )
            )
    return alerts


def timeline_panel(events: Sequence[Event], shown: Sequence[str]) -> dbc.ListGroup:
    """Every event in date order with its date, title, summary and a link to its source."""
    items = []
    for event in events:
        items.append(
            dbc.ListGroupItem(
                [
                    html.Div(
                        [
                            html.Span(event.when(), className="fw-bold me-2 event-date"),
                            html.Span(event.title, className="event-title"),
                            dbc.Badge(
                                event.category,
                                color="secondary" if event.category in shown else "light",
                                text_color=None if event.category in shown else "dark",
                                className="ms-2",
                            ),
                        ]
                    ),
                    html.Div(event.summary, className="small"),
                    html.A(
                        "Source",
                        href=event.source,
                        target="_blank",
                        rel="noopener noreferrer",
                        className="small",
                    ),
                ],
                className="event",
            )
        )
    return dbc.ListGroup(items, flush=True, style={"maxHeight": "640px", "overflowY": "auto"})


def sources_panel(rows: Sequence[dict]) -> html.Div:
    """Per indicator: organisation, note, licence, release date and when we fetched it."""
    cards = []
    for row in rows:
        cards.append(
            html.Div(
                [
                    html.Div([html.B(row["title"]), html.Code(f" {row['id']}", className="ms-1")]),
                    html.Div(row["organization"], className="small"),
                    html.Details(
                        [
                            html.Summary("Source note", className="small"),
                            html.P(row["note"], className="small"),
                        ]
                    )
                    if row["note"]
                    else None,
                    html.Div(f"Licence: {row['licence']}", className="small"),
                    html.Div(
                        f"Release: {row['release'] or 'not stated'} · fetched {row['fetched_at'] or 'never'}",
                        className="small text-muted",
                    ),
                ],
                className="mb-3 source-entry",
            )
        )
    return html.Div(cards or [html.P("Nothing selected.", className="text-muted")])


def fmt_value(value: float, unit: str) -> str:
    """A value in its unit, scaled for reading (tn, bn, m) or shown as a percentage."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit.startswith("fraction"):
        return f"{value * 100:.2f}% ({unit.removeprefix('fraction of ')})"
    if unit.startswith("US$ m"):
        value, unit = value * 1e6, "US$" + unit.removeprefix("US$ m")
    if unit.startswith("%"):
        return f"{value:,.2f} {unit}"
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{value / size:,.2f} {suffix} {unit}"
    return f"{value:,.2f} {unit}"


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:+.1f}%"


def _flag_badge(flag: str) -> html.Span | None:
    if flag not in FLAG_BADGES:
        return None
    return dbc.Badge(FLAG_BADGES[flag], color="info", className="ms-1")
