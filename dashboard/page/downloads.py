"""Thin download callbacks: the page's export buttons → Exporter → dcc.Download."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, no_update

from dashboard.exports import formats, renderers
from dashboard.exports.exporter import FORMATS, Exporter, ExportRefused
from dashboard.model.model import Model
from dashboard.page.layout import BUSY_CLASS, EXPORTS, STATUS_CLASS

log = logging.getLogger(__name__)

# What the status line says while an export builds (its buttons are disabled meanwhile); the
# callback's own answer ("Downloaded …" or why not) replaces it when the file is ready.
PREPARING = {
    "csv": "Preparing the data (CSV)…",
    "xlsx": "Preparing the data, sources and analysis (XLSX)…",
    "zip": "Preparing the report pack (charts, PDF, data)…",
    "pdf": "Preparing the report (charts, PDF)…",
    "html": "Preparing the report (charts, HTML)…",
}
DRAWING_IMAGE = "Preparing the chart's file…"
NOT_AVAILABLE = "That export is not available for this view."


def build(snapshot: Exporter, data: dict | None, fmt: object, indicator: object = None):
    """(download payload, status) for one export; a failure is a message, never a traceback.

    `fmt` and `indicator` come from the browser (a chart-request): checked before any work.
    """
    if not data:
        return no_update, "The view is still loading."
    view = snapshot.model.from_saved(data)
    wanted = FORMATS if indicator is None else renderers.IMAGE_FORMATS
    if fmt not in wanted or (indicator is not None and indicator not in view.indicators):
        return no_update, dbc.Badge(NOT_AVAILABLE, color="warning")
    try:
        name, body = snapshot.build(view, fmt, indicator)
    except ExportRefused as exc:
        return no_update, dbc.Badge(str(exc), color="warning")
    except RuntimeError:
        log.exception("export %s failed", fmt)  # the detail (paths, renderer output) stays here
        return no_update, dbc.Badge(
            "The export could not be built; the server log says why. Try again, or another format.",
            color="danger",
        )
    return dcc.send_bytes(body, name), f"Downloaded {name}"


def drawn_csv(model: Model, data: dict | None, indicator: str):
    """(download payload, status) for one chart's drawn series as CSV."""
    if not data:
        return no_update, "The view is still loading."
    view = model.from_saved(data)
    if indicator not in view.indicators:
        return no_update, dbc.Badge(NOT_AVAILABLE, color="warning")
    frame = model.drawn(model.snapshots.current(), view, indicator)
    if frame.empty:
        return no_update, dbc.Badge("This chart draws no data to download.", color="warning")
    title = f"{model.titles.get(indicator, indicator)} {view.mode}"
    name = formats.file_name([title], datetime.now(UTC), "csv")
    return dcc.send_bytes(formats.to_csv_bytes(frame), name), f"Downloaded {name}"


def preparing(fmt: str) -> str:
    """The status sentence while `fmt` builds."""
    return PREPARING.get(fmt, "Preparing the export…")


def register(app: Dash, snapshot: Exporter) -> None:
    """Wire the export buttons; each shows progress while its file builds."""
    buttons = [f"export-{fmt}" for fmt, _ in EXPORTS]
    disabled = [(Output(b, "disabled"), True, False) for b in buttons]
    # The status sits below the charts: while a file builds it shows in a corner of the screen,
    # so a chart's button far above still says something is happening.
    busy = (Output("export-status", "className"), BUSY_CLASS, STATUS_CLASS)

    def export_button(fmt: str) -> None:
        # One callback per button: Dash's `running` values are fixed, so each says its own sentence.
        @app.callback(
            Output("download", "data", allow_duplicate=True),
            Output("export-status", "children", allow_duplicate=True),
            Input(f"export-{fmt}", "n_clicks"),
            State("view", "data"),
            prevent_initial_call=True,
            running=[*disabled, busy, (Output("export-status", "children"), preparing(fmt), "")],
        )
        def export(_clicks, data):
            return build(snapshot, data, fmt)

    for fmt, _ in EXPORTS:
        export_button(fmt)

    app.clientside_callback(
        ClientsideFunction("page", "chartClicks"),  # assets/page.js: the charts' own buttons
        Output("chart-request", "data"),
        Input("url", "pathname"),
    )

    @app.callback(
        Output("download-image", "data"),
        Output("export-status", "children", allow_duplicate=True),
        Input("chart-request", "data"),
        State("view", "data"),
        prevent_initial_call=True,
        running=[busy, (Output("export-status", "children"), DRAWING_IMAGE, "")],
    )
    def chart(request, data):
        if not isinstance(request, dict):
            return no_update, no_update
        fmt, indicator = request.get("fmt"), request.get("indicator")
        if not isinstance(indicator, str):  # a chart's file always names its chart
            return no_update, dbc.Badge(NOT_AVAILABLE, color="warning")
        if fmt == "csv":
            return drawn_csv(snapshot.model, data, indicator)
        return build(snapshot, data, fmt, indicator)
