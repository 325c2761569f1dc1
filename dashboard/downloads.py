"""Thin download callbacks: the page's export buttons → Snapshot → dcc.Download."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, no_update

from dashboard import exports, renderers
from dashboard.layout import EXPORTS
from dashboard.model import Model
from dashboard.snapshot import FORMATS, ExportRefused, Snapshot

log = logging.getLogger(__name__)


def build(snapshot: Snapshot, data: dict | None, fmt: object, indicator: object = None):
    """(download payload, status) for one export; a failure is a message, never a traceback.

    `fmt` and `indicator` come from the browser (a button's id): checked before any work.
    """
    if not data:
        return no_update, "The view is still loading."
    view = snapshot.model.from_saved(data)
    wanted = FORMATS if indicator is None else renderers.IMAGE_FORMATS
    if fmt not in wanted or (indicator is not None and indicator not in view.indicators):
        return no_update, dbc.Badge("That export is not available for this view.", color="warning")
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
        return no_update, dbc.Badge("That chart is not in this view.", color="warning")
    frame = model.drawn(view, indicator)
    if frame.empty:
        return no_update, dbc.Badge("This chart draws no data to download.", color="warning")
    title = f"{model.titles.get(indicator, indicator)} {view.mode}"
    name = exports.file_name([title], datetime.now(UTC), "csv")
    return dcc.send_bytes(exports.to_csv_bytes(frame), name), f"Downloaded {name}"


def register(app: Dash, snapshot: Snapshot) -> None:
    """Wire the export buttons; each shows progress while its file builds."""
    buttons = [f"export-{fmt}" for fmt, _ in EXPORTS]

    @app.callback(
        Output("download", "data"),
        Output("export-status", "children"),
        *[Input(b, "n_clicks") for b in buttons],
        State("view", "data"),
        prevent_initial_call=True,
        running=[(Output(b, "disabled"), True, False) for b in buttons]
        + [(Output("export-status", "children"), "Building export…", "")],
    )
    def export(*args):
        fmt = str(ctx.triggered_id).removeprefix("export-")
        return build(snapshot, args[-1], fmt)

    @app.callback(
        Output("download-image", "data"),
        Output("export-status", "children", allow_duplicate=True),
        Input({"type": "image", "indicator": ALL, "fmt": ALL}, "n_clicks"),
        State("view", "data"),
        prevent_initial_call=True,
        running=[(Output("export-status", "children"), "Building image…", "")],
    )
    def image(clicks, data):
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        return build(snapshot, data, ctx.triggered_id["fmt"], ctx.triggered_id["indicator"])

    @app.callback(
        Output("download-series", "data"),
        Output("export-status", "children", allow_duplicate=True),
        Input({"type": "chart-csv", "indicator": ALL}, "n_clicks"),
        State("view", "data"),
        prevent_initial_call=True,
    )
    def series(clicks, data):
        if not ctx.triggered_id or not any(clicks):
            return no_update, no_update
        return drawn_csv(snapshot.model, data, ctx.triggered_id["indicator"])
