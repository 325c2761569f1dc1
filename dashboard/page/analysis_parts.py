"""The analysis panels' parts: titled cards, charts, grids of the first rows, number formats."""

from __future__ import annotations

import math

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

NUMBER = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
ROWS = 30  # rows a grid sends to the page, the most telling first; the XLSX export has them all


def largest_first(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows by the size of `column`, largest first, then the latest years (blanks last)."""
    size = frame[column].abs().replace([math.inf, -math.inf], math.nan)
    order = frame.assign(_size=size).sort_values(
        ["_size", "year"], ascending=[False, False], na_position="last", kind="stable"
    )
    return order.drop(columns="_size")


def grid(frame: pd.DataFrame, columns: list[dict], grid_id: str, sheet: str) -> list:
    """A sortable, filterable table of the first ROWS rows, and how many more the export has."""
    fields = [c["field"] for c in columns]
    data = frame.head(ROWS)[fields].astype(object)
    data = data.where(data.notna() & ~data.isin([math.inf, -math.inf]), None)
    table = dag.AgGrid(
        id=grid_id,
        rowData=data.to_dict("records"),
        columnDefs=columns,
        # Columns share the width (1400 px shows them all); on a phone they keep a readable
        # minimum and scroll beside the pinned key column.
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "flex": 1,
            "minWidth": 90,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 10,
            "paginationPageSizeSelector": False,  # 10 is not among its sizes: it showed blank
            "domLayout": "autoHeight",
        },
        className="ag-theme-alpine",
    )
    more = len(frame) - ROWS
    if more <= 0:
        return [table]
    note = f"{more:,} more rows in the XLSX export (Data (XLSX), sheet “{sheet}”)."
    return [table, html.P(note, className="small text-muted grid-more")]


def number_format(spec: str) -> dict:
    """An AG Grid formatter: d3-format `spec`, blank for a missing value."""
    return {"function": f"params.value == null ? '' : d3.format('{spec}')(params.value)"}


def graph(figure: dict, name: str) -> dcc.Graph:
    """A chart with the page's graph settings."""
    return dcc.Graph(figure=figure, id=f"analysis-{name}-chart", config={"displaylogo": False})


def card(card_id: str, title: str, body: list) -> dbc.Card:
    """A panel: a titled card with a stable id for the page and its tests."""
    return dbc.Card(
        [dbc.CardHeader(html.H3(title, className="h5 mb-0")), dbc.CardBody(body)],
        id=card_id,
        className="mb-3",
    )


def empty(text: str) -> html.P:
    """Why a panel has nothing to show."""
    return html.P(text, className="text-muted small")
