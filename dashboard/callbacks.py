"""Thin callbacks: URL ↔ filters, view → model → components, and the live data-version poll."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import panels, state
from dashboard.model import Model

FILTERS = ("f-indicators", "f-countries", "f-years", "f-mode", "f-scale", "f-base", "f-events")


def register(app: Dash, model: Model) -> None:
    """Wire the callbacks; each is a few lines over `model`."""

    @app.callback(
        Output("url", "search"),
        *[Output(f, "value") for f in FILTERS],
        Output("view", "data"),
        Output("note", "children"),
        Input("url", "search"),
        *[Input(f, "value") for f in FILTERS],
    )
    def sync(search, *values):
        if ctx.triggered_id in (None, "url"):
            view, notes = model.from_url(search)
            note = (
                dbc.Alert([html.Div(n) for n in notes], color="warning", className="url-note")
                if notes
                else None
            )
            return no_update, *model.filter_values(view), asdict(view), note
        view = model.from_filters(list(values))
        return state.serialise(view, model.default), *[no_update] * len(FILTERS), asdict(view), None

    @app.callback(
        Output("kpis", "children"),
        Output("charts", "children"),
        Output("table", "rowData"),
        Output("table", "columnDefs"),
        Output("timeline", "children"),
        Output("sources", "children"),
        Input("view", "data"),
        Input("data-version", "data"),
    )
    def render(view, _version):
        if not view:
            return (no_update,) * 6
        view = state.from_dict(view)
        out = panels.render(model.render(view), model.names, model.pair, view.base_year)
        timeline = panels.timeline_panel(model.timeline.events, view.categories)
        return (
            out["kpis"],
            out["charts"],
            out["rows"],
            out["columns"],
            timeline,
            out["sources"],
        )

    @app.callback(
        Output("data-version", "data"),
        Output("freshness", "children"),
        Output("banner", "children"),
        Input("poll", "n_intervals"),
        State("data-version", "data"),
    )
    def poll(_n, known):
        status = model.status()
        freshness = panels.status_line(status.sources, model.catalogue)
        alerts = panels.banner(status.sources, status.empty, model.catalogue)
        return (no_update if status.version == known else status.version), freshness, alerts
