"""Pure functions returning the page's components; no data access here."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from config.catalogue import THEMES, Catalogue
from config.events import Event, Timeline
from dashboard.metrics import MODES, Kpi
from dashboard.state import SCALES, ViewState
from fetchers.store import SourceStatus

SOURCE_NAMES = {
    "worldbank": "World Bank WDI",
    "sipri": "SIPRI Milex",
    "trade": "UN Comtrade",
}
FLAG_BADGES = {"estimate": "estimate", "uncertain": "uncertain", "mirror": "mirror data"}


def page(
    catalogue: Catalogue,
    timeline: Timeline,
    options: Sequence[dict],
    default: ViewState,
    last_year: int,
    poll_seconds: int,
) -> html.Div:
    """The whole page: header with filters, banner, KPIs, charts, table, timeline, sources."""
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Interval(id="poll", interval=poll_seconds * 1000),
            dcc.Store(id="data-version"),
            dcc.Store(id="view"),
            header(),
            dbc.Container(
                [
                    filters(catalogue, timeline, options, default, last_year),
                    html.Div(id="note", **{"aria-live": "polite"}),
                    html.Div(id="banner"),
                    export_bar(),
                    dcc.Loading(html.Div(id="kpis", className="mb-3"), type="dot"),
                    html.Div(id="charts"),
                    html.H2("Data", className="h5 mt-4"),
                    dag.AgGrid(
                        id="table",
                        rowData=[],
                        columnDefs=[],
                        defaultColDef={"sortable": True, "filter": True, "resizable": True},
                        dashGridOptions={"pagination": True, "paginationPageSize": 50},
                        style={"height": "420px"},
                        className="ag-theme-alpine",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [html.H2("Timeline", className="h5 mt-4"), html.Div(id="timeline")],
                                lg=7,
                            ),
                            dbc.Col(
                                [html.H2("Sources", className="h5 mt-4"), html.Div(id="sources")],
                                lg=5,
                            ),
                        ]
                    ),
                    html.Footer(
                        "Asymmetry Monitor · data: World Bank WDI (CC BY 4.0), SIPRI Military "
                        "Expenditure Database, UN Comtrade · every figure shows its source and release.",
                        className="text-muted small my-4",
                    ),
                ],
                fluid=True,
            ),
        ]
    )


EXPORTS = (
    ("csv", "Data (CSV)"),
    ("xlsx", "Data (XLSX)"),
    ("zip", "Report pack (ZIP)"),
    ("pdf", "Report (PDF)"),
    ("html", "Report (HTML)"),
)


def export_bar() -> html.Div:
    """Download buttons for the current view, and where their progress and errors show."""
    return html.Div(
        [
            html.Span("Export this view:", className="me-2 small"),
            dbc.ButtonGroup(
                [
                    dbc.Button(label, id=f"export-{fmt}", size="sm", outline=True, color="primary")
                    for fmt, label in EXPORTS
                ]
            ),
            html.Span(id="export-status", className="ms-2 small", **{"aria-live": "polite"}),
            dcc.Download(id="download"),
            dcc.Download(id="download-image"),
        ],
        className="mb-3 d-flex align-items-center flex-wrap",
    )


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


def header() -> dbc.Navbar:
    """Title and the freshness line."""
    return dbc.Navbar(
        dbc.Container(
            [
                html.Div(
                    [
                        html.H1("Asymmetry Monitor", className="h4 mb-0"),
                        html.Div(
                            "The material gap between China and Russia",
                            className="small text-muted",
                        ),
                    ]
                ),
                html.Div(id="freshness", className="small text-end"),
            ],
            fluid=True,
        ),
        color="light",
        className="mb-3 border-bottom",
    )


def filters(
    catalogue: Catalogue,
    timeline: Timeline,
    options: Sequence[dict],
    default: ViewState,
    last_year: int,
) -> dbc.Card:
    """Indicator, country, year, mode, scale, base-year and event-category controls."""
    comparators = [
        {"label": c.name, "value": c.iso3} for c in catalogue.countries if c.role == "comparator"
    ]
    focus = " and ".join(catalogue.country_name(c) for c in catalogue.focus)
    years = list(range(1960, last_year + 1))
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Indicators", html_for="f-indicators"),
                            dcc.Dropdown(
                                id="f-indicators",
                                options=list(options),
                                value=list(default.indicators),
                                multi=True,
                            ),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(f"{focus}, with"),
                            dbc.Checklist(
                                id="f-countries",
                                options=comparators,
                                value=list(default.comparators),
                                inline=True,
                            ),
                            dbc.Label("Years", className="mt-2"),
                            dcc.RangeSlider(
                                id="f-years",
                                min=1960,
                                max=last_year,
                                step=1,
                                value=[default.year_from, default.year_to],
                                marks={y: str(y) for y in range(1960, last_year + 1, 10)},
                                tooltip={"placement": "bottom"},
                            ),
                        ],
                        lg=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Show"),
                            dbc.RadioItems(
                                id="f-mode",
                                options=[{"label": MODE_LABELS[m], "value": m} for m in MODES],
                                value=default.mode,
                                inline=True,
                            ),
                            dbc.RadioItems(
                                id="f-scale",
                                options=[{"label": s, "value": s} for s in SCALES],
                                value=default.scale,
                                inline=True,
                            ),
                            dbc.InputGroup(
                                [
                                    dbc.InputGroupText("Base year"),
                                    dbc.Select(
                                        id="f-base",
                                        options=[{"label": str(y), "value": y} for y in years],
                                        value=default.base_year,
                                    ),
                                ],
                                size="sm",
                                className="mt-1",
                            ),
                        ],
                        lg=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Events", className="mt-2 me-2"),
                            dbc.Checklist(
                                id="f-events",
                                options=[{"label": c, "value": c} for c in timeline.categories],
                                value=list(default.categories),
                                inline=True,
                            ),
                        ],
                        width=12,
                    ),
                ]
            )
        ),
        className="mb-3",
    )


MODE_LABELS = {
    "absolute": "Values",
    "ratio": "China ÷ Russia",
    "indexed": "Indexed",
    "share": "Share of pair",
}


def indicator_options(catalogue: Catalogue, derived: Mapping[str, tuple[str, str]]) -> list[dict]:
    """Dropdown options grouped by theme (a disabled heading per theme)."""
    entries = [(i.theme, i.id, i.title) for i in catalogue.indicators]
    entries += [(theme, id_, title) for id_, (title, theme) in derived.items()]
    options: list[dict] = []
    for theme in THEMES:
        items = [e for e in entries if e[0] == theme]
        if items:
            options.append(
                {"label": f"— {theme.title()} —", "value": f"theme:{theme}", "disabled": True}
            )
            options += [{"label": title, "value": id_} for _, id_, title in items]
    return options


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


def status_line(statuses: Sequence[SourceStatus]) -> list:
    """The header's freshness line: per source, when fetched and which release."""
    if not statuses:
        return [html.Span("No data fetched yet", className="text-muted")]
    parts = []
    for status in statuses:
        name = SOURCE_NAMES.get(status.source, status.source)
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


def banner(statuses: Sequence[SourceStatus], empty: bool) -> list:
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
        name = SOURCE_NAMES.get(status.source, status.source)
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
