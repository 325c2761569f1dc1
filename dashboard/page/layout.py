"""Pure functions returning the page's components; no data access here."""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from config.about import APP_NAME
from config.catalogue import THEMES, Catalogue
from config.events import Timeline
from dashboard.model.state import ViewState
from dashboard.page import lazy
from dashboard.page.filters import filters
from dashboard.page.rows import BLOCK as TABLE_PAGE
from dashboard.page.timeline import timeline_panel


def page(
    catalogue: Catalogue,
    timeline: Timeline,
    options: Sequence[dict],
    default: ViewState,
    last_year: int,
    poll_seconds: int,
) -> html.Div:
    """The page in landmarks, story first: headline sentences and key figures, then the charts
    (the gap), exports, analysis, data, timeline and sources."""
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Interval(id="poll", interval=poll_seconds * 1000),
            dcc.Store(id="data-version"),  # set by the poll when newer data is in the store
            dcc.Store(id="drawn-version"),  # the data version the charts were drawn from
            dcc.Store(id="view"),
            dcc.Store(id="width"),
            dcc.Store(id="seen"),  # the sections below the fold that have neared the screen
            *[dcc.Store(id=lazy.key_id(s)) for s in lazy.SECTIONS],  # what each section shows
            dcc.Store(id="table-reload"),
            dcc.Store(id="last-seen", storage_type="local"),  # the newest data this browser saw
            html.A("Skip to the charts", href="#main", className="visually-hidden-focusable"),
            header(),
            html.Main(
                dbc.Container(
                    [
                        html.Div(id="note", **{"aria-live": "polite"}),
                        html.Div(id="banner"),
                        html.Div(id="since", **{"aria-live": "polite"}),
                        html.Section(
                            [
                                html.H2("The gap in brief", className="visually-hidden"),
                                html.Div(id="story", className="mb-2"),
                                html.H2("Key figures", className="h5 mt-2"),
                                html.Div(id="kpis", className="mb-3"),
                            ],
                            **{"aria-label": "The gap in brief"},
                        ),
                        html.Section(
                            [
                                html.H2("Charts", className="visually-hidden"),
                                toolbar(),
                                dbc.Collapse(
                                    filters(catalogue, timeline, options, default, last_year),
                                    id="filters-panel",
                                    is_open=False,
                                ),
                                dcc.Loading(html.Div(id="charts"), type="dot", delay_show=400),
                                # A graph on the first layout makes the browser fetch plotly.js
                                # while the first callbacks run (Dash loads it lazily).
                                dcc.Graph(id="plotly-preload", style={"display": "none"}),
                                export_bar(),
                            ],
                            **{"aria-label": "Charts and exports"},
                        ),
                        lazy_section(
                            "Analysis", "analysis", "The analysis loads as you scroll to it."
                        ),
                        lazy_section(
                            "Data",
                            "table",
                            "The data table loads as you scroll to it.",
                            place="table-section",  # "table" is the grid's id
                            id="data",
                        ),
                        dbc.Row(
                            [
                                dbc.Col(
                                    section(
                                        "Timeline",
                                        timeline_panel(timeline.events, timeline.categories),
                                    ),
                                    lg=7,
                                ),
                                dbc.Col(
                                    lazy_section(
                                        "Sources",
                                        "sources",
                                        "The sources load as you scroll to them.",
                                        html.Div(id="calendar"),
                                    ),
                                    lg=5,
                                ),
                            ]
                        ),
                    ],
                    fluid=True,
                ),
                id="main",
            ),
            html.Footer(
                dbc.Container(
                    f"{APP_NAME} · data: "
                    + ", ".join(s.citation for s in catalogue.sources)
                    + " · every figure shows its source and release.",
                    fluid=True,
                ),
                className="text-muted small my-4",
            ),
        ]
    )


def section(title: str, *body: Component, **attrs: object) -> html.Section:
    """A titled landmark below the charts."""
    heading = html.H2(title, className="h5 mt-4")
    return html.Section([heading, *body], **{"aria-label": title}, **attrs)


def lazy_section(
    title: str, name: str, waiting: str, *after: Component, place: str = "", **attrs: object
) -> html.Section:
    """A section whose content (put in `place`, default `name`) loads as it nears the screen
    (dashboard.page.lazy); until then it says so."""
    marked = html.Div(
        html.P(waiting, className="text-muted"), id=place or name, **lazy.marker(name)
    )
    return section(title, marked, *after, **attrs)


def data_table(columns: list[dict]) -> dag.AgGrid:
    """The data table; rows come from the server a block at a time, sorted and filtered there."""
    return dag.AgGrid(
        id="table",
        rowModelType="infinite",
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": TABLE_PAGE,
            "cacheBlockSize": TABLE_PAGE,
            "paginationPageSizeSelector": False,
            "maxBlocksInCache": 20,
        },
        style={"height": "420px"},
        className="ag-theme-alpine",
    )


def toolbar() -> html.Div:
    """One compact row: the filters' toggle and the link to this view."""
    return html.Div(
        [
            dbc.Button("Filters", id="filters-toggle", size="sm", color="primary", outline=True,
                       className="me-2", title="Show or hide the filters"),
            dbc.Button("Copy link", id="copy-link", size="sm", color="secondary", outline=True,
                       className="me-2"),
            dbc.Button("Cite", id="cite", size="sm", color="secondary", outline=True,
                       className="me-2", title="How to cite this view"),
            dcc.Input(id="link-box", type="text", readOnly=True, className="form-control-sm d-none",
                      placeholder="Link to this view"),
            html.Span(id="copy-status", className="small text-muted", **{"aria-live": "polite"}),
            dbc.Collapse(html.Div(id="cite-text"), id="cite-panel", is_open=False, className="w-100"),
        ],
        className="d-flex align-items-center flex-wrap gap-1 mb-2 toolbar",
    )  # fmt: skip


CHART_GAP = 24  # px between two charts side by side
TWO_COLUMNS = 960  # px of content width from which charts sit two to a row (Bootstrap's lg)
WIDTH_STEP = 40  # px: widths are rounded down to this, so a small resize redraws nothing


MAX_CONTENT_WIDTH = 2400  # wider measurements are clamped: one cache entry per plausible width


def chart_width(content: float | None, charts: int, fallback: int) -> int:
    """The width one chart gets, from the charts area's width and how many charts there are."""
    if not isinstance(content, int | float) or not math.isfinite(content) or content <= 0:
        return fallback  # the browser's measurement is checked like any other input
    content = min(content, MAX_CONTENT_WIDTH)
    width = (content - CHART_GAP) / 2 if charts > 1 and content >= TWO_COLUMNS else content
    return max(280, int(width // WIDTH_STEP * WIDTH_STEP))


STATUS_CLASS = "ms-2 small"  # the export status in the export bar
BUSY_CLASS = "ms-2 small export-busy"  # while a file builds: shown in a corner, wherever one is

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
            html.Span(id="export-status", className=STATUS_CLASS, **{"aria-live": "polite"}),
            dcc.Download(id="download"),
            dcc.Download(id="download-image"),
            dcc.Store(id="chart-request"),  # a chart button's click: indicator and format
        ],
        className="mb-3 d-flex align-items-center flex-wrap",
    )


def header() -> html.Header:
    """Title and the one calm status line."""
    return html.Header(
        dbc.Navbar(
            dbc.Container(
                [
                    html.Div(
                        [
                            html.H1("Asymmetry Monitor", className="h4 mb-0"),
                            html.Div(
                                "The material gap between China and Russia",
                                className="small text-muted",
                            ),
                        ],
                        className="me-3",
                    ),
                    html.Div(id="freshness", className="small freshness"),
                ],
                fluid=True,
                className="header-inner",
            ),
            color="light",
            className="mb-2 border-bottom",
            tag="div",  # a header, not a navigation landmark: it holds no links
        )
    )


def indicator_options(catalogue: Catalogue) -> list[dict]:
    """Dropdown options grouped by theme (a disabled heading per theme)."""
    entries = [(i.theme, i.id, i.title) for i in (*catalogue.indicators, *catalogue.derived)]
    options: list[dict] = []
    for theme in THEMES:
        items = [e for e in entries if e[0] == theme]
        if items:
            options.append(
                {"label": f"— {theme.title()} —", "value": f"theme:{theme}", "disabled": True}
            )
            options += [{"label": title, "value": id_} for _, id_, title in items]
    return options
