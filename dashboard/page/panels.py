"""Pure functions turning the view model's plain data into the page's components."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from config.catalogue import Catalogue
from config.clock import short
from config.vocabulary import EMPTY_STORE, FAILING, flag_words
from dashboard.model import numbers, wording
from dashboard.model.records import Chart, KpiRow, Rendered, Status
from fetchers.store.status import SourceStatus

# Bootstrap colour per flag (its words are the vocabulary's): estimate and uncertain differ.
FLAG_COLOURS = {"estimate": "info", "uncertain": "warning", "mirror": "secondary"}
TABLE_FIELDS = (
    "indicator_title",
    "indicator",
    "country_name",
    "partner",
    "year",
    "value",
    "value_text",
    "unit",
    "flag",
    "yoy_pct",
    "yoy_text",
    "since_base_pct",
    "since_text",
)


def render(rendered: Rendered, names: Mapping[str, str], pair: tuple[str, str]) -> dict:
    """The components of the main render callback: story, key figures, charts."""
    kpis = [dbc.Col(kpi_card(k, names, pair), md=6, xl=3, className="mb-2") for k in rendered.kpis]
    if rendered.empty_message:
        charts: list = [dbc.Alert(rendered.empty_message, color="secondary")]
    else:
        sentences = {k.indicator: k.sentence for k in rendered.kpis}
        blocks = [chart_block(c, sentences.get(c.indicator, "")) for c in rendered.charts]
        width = 12 if len(blocks) == 1 else 6
        charts = [dbc.Row([dbc.Col(b, lg=width, className="mb-3") for b in blocks])]
    return {
        "story": story(rendered.story),
        # A strip that scrolls sideways on a phone (focusable, so a keyboard can scroll it too).
        "kpis": html.Div(
            dbc.Row(kpis),
            className="kpi-strip",
            tabIndex="0",
            role="region",
            **{"aria-label": "Key figures"},
        )
        if kpis
        else html.Div(),
        "charts": charts,
    }


def base_options(years: Sequence[int], base_year: int) -> list[dict]:
    """The base-year choices: years with data for both of the pair (else the view's own)."""
    return [{"label": str(y), "value": y} for y in years] or [
        {"label": str(base_year), "value": base_year}
    ]


def story(sentences: Sequence[str]) -> html.Div:
    """The headline sentences, first on the page."""
    return html.Div([html.P(s, className="story-line mb-1") for s in sentences], className="story")


def chart_block(chart: Chart, sentence: str = "") -> html.Div:
    """One gap chart with its data and image downloads, or the true reason there is none.

    The chart is a figure named by its title, with its story sentence and a link to its data
    as the text alternative a screen reader reads in place of the drawing.
    """
    if chart.figure is None:
        return html.Div(
            [html.Div(chart.title, className="fw-bold"), html.Div(chart.reason, className="small")],
            className="chart-empty border rounded p-3 text-muted",
        )
    note = (
        html.Div(f"No data for {', '.join(chart.missing)}.", className="small text-muted")
        if chart.missing
        else None
    )
    caption = html.Figcaption(
        [f"{sentence} " if sentence else f"{chart.title}. ",
         html.A("Its values are in the data table.", href="#data")],
        className="visually-hidden",
    )  # fmt: skip
    return html.Div(
        [
            html.Figure(
                [
                    dcc.Graph(
                        figure=chart.figure,
                        config={"displaylogo": False, "responsive": True},
                        className="gap-chart",
                    ),
                    caption,
                ],
                className="mb-0",
                **{"aria-label": f"Chart: {chart.title}"},
            ),
            chart_buttons(chart.indicator, chart.title),
            note,
        ],
        id={"type": "chart", "index": chart.indicator},
    )


def table_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table's columns the grid shows (numbers with their text)."""
    return table[[f for f in TABLE_FIELDS if f in table]].reset_index(drop=True)


def table_columns(base_year: int) -> list[dict]:
    """AG Grid column definitions: numbers sort as numbers and show as the formatter's text."""
    number = {"type": "numericColumn", "filter": "agNumberColumnFilter"}

    def text(field: str) -> dict:
        return {
            "function": f"params.data && params.data.{field} != null ? params.data.{field} : ''"
        }

    return [
        {"field": "indicator_title", "headerName": "Indicator"},
        {"field": "indicator", "headerName": "Id"},
        {"field": "country_name", "headerName": "Country"},
        {"field": "partner", "headerName": "Partner"},
        {"field": "year", "headerName": "Year", **number},
        {"field": "value", "headerName": "Value", **number, "valueFormatter": text("value_text")},
        {"field": "unit", "headerName": "Unit (as stored)"},
        {"field": "flag", "headerName": "Flag"},
        {"field": "yoy_pct", "headerName": "Change on a year", **number,
         "valueFormatter": text("yoy_text")},
        {"field": "since_base_pct", "headerName": f"Change since {base_year}", **number,
         "valueFormatter": text("since_text")},
    ]  # fmt: skip


@lru_cache(maxsize=256)  # components are plain data, built once per indicator and shared
def chart_buttons(indicator_id: str, title: str = "") -> html.Div:
    """The drawn series as CSV, and PNG, SVG and PDF images of one chart."""

    def button(text: str, fmt: str) -> html.Button:
        attributes = {"data-chart": indicator_id, "data-fmt": fmt}  # read by downloads.py
        what = "data as CSV" if fmt == "csv" else f"image as {fmt.upper()}"
        return html.Button(text, className="btn btn-link btn-sm me-1 small chart-button",
                           title=f"Download {title or 'this chart'}: {what}",
                           **{"aria-label": f"{title or 'Chart'}: download {what}"},
                           **attributes)  # fmt: skip

    return html.Div(
        [
            button("Data (CSV)", "csv"),
            html.Span("Image:", className="small me-1"),
            *[button(fmt.upper(), fmt) for fmt in ("png", "svg", "pdf")],
        ],
        className="text-end chart-buttons",
    )  # fmt: skip


def kpi_card(row: KpiRow, names: Mapping[str, str], pair: tuple[str, str]) -> dbc.Card:
    """One indicator's headline numbers, each with its year and unit, in words."""
    a, b = names[pair[0]], names[pair[1]]
    kpi, unit = row.kpi, row.unit
    if unit.percent:
        big = f"{numbers.bare(kpi.a_value, unit)} vs {numbers.bare(kpi.b_value, unit)}"
        caption = f"{a} vs {b}, {kpi.year}"
        change = ""
    elif math.isnan(kpi.ratio):
        big, caption, change = "no ratio", f"{a} ÷ {b}, {kpi.year}", wording.ratio_line(kpi)
    else:  # key figures are precise (7.61×); the story's sentences round (7.6×)
        big, caption = numbers.times(kpi.ratio, precise=True), f"{a} ÷ {b}, {kpi.year}"
        change = wording.ratio_line(kpi, precise=True)
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(row.title, className="small fw-bold text-uppercase text-muted"),
                html.Div(
                    [html.Span(big, className="h3 mb-0 me-2"), html.Span(caption, className="small")],
                    className="kpi-ratio",
                ),
                html.Div(change, className="small") if change else None,
                html.Div(
                    [
                        html.Span(f"{a} {kpi.year}: {numbers.amount(kpi.a_value, unit)}"),
                        _flag_badge(kpi.a_flag),
                        html.Br(),
                        html.Span(f"{b} {kpi.year}: {numbers.amount(kpi.b_value, unit)}"),
                        _flag_badge(kpi.b_flag),
                    ],
                    className="small mt-1",
                ),
                html.Div(wording.growth_line(unit, kpi, a, b), className="small text-muted"),
            ]
        ),
        className="h-100 kpi-card",
    )  # fmt: skip


def status_line(status: Status, catalogue: Catalogue) -> html.Div:
    """The header's one calm line, and per-source one-liners behind a 'details' toggle."""
    failing = any(s.last_status in FAILING for s in status.sources)
    return html.Div(
        [
            html.Span(status.line, className="status-line"),
            html.Details(
                [
                    html.Summary("details", className="small"),
                    html.Ul([html.Li(source_line(s, catalogue)) for s in status.sources],
                            className="small mb-0 ps-3"),
                ],
                className="status-details",
            )
            if status.sources
            else None,
        ],
        className="status" + (" status-failing" if failing else ""),
    )  # fmt: skip


def source_line(status: SourceStatus, catalogue: Catalogue) -> str:
    """One source in a sentence: its data's release and age, and a failure's humane reason."""
    name = catalogue.source(status.source).title
    if status.snapshot:
        text = f"{name}: bundled snapshot, release {status.release or 'not stated'}"
    elif status.last_ok_at:
        stale = " (stale)" if status.stale else ""
        text = f"{name}: release {status.release or 'not stated'}, fetched {short(status.last_ok_at)}{stale}"
    else:
        text = f"{name}: no data yet"
    if status.last_status in FAILING:
        text += f"; last try {short(status.last_at)} failed: {status.error or 'no reason recorded'}"
        text += f"; next try around {short(status.next_attempt)}"
    return text + "."


def banner(status: Status) -> list:
    """One calm note when the store is empty; failures are told in the header line."""
    if not status.empty:
        return []
    return [
        dbc.Alert(
            [
                html.B(EMPTY_STORE),
                " If this machine has no internet, load a downloaded file with "
                "`python -m fetchers import FILE`.",
            ],
            color="info",
        )
    ]


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
                        f"Release: {row['release'] or 'not stated'} · fetched {short(row['fetched_at']) or 'never'}",
                        className="small text-muted",
                    ),
                ],
                className="mb-3 source-entry",
            )
        )
    return html.Div(cards or [html.P("Nothing selected.", className="text-muted")])


def _flag_badge(flag: str) -> dbc.Badge | None:
    if flag not in FLAG_COLOURS:
        return None
    return dbc.Badge(
        flag_words(flag), color=FLAG_COLOURS[flag], text_color="dark", className=f"ms-1 flag-{flag}"
    )
