"""Thin callbacks: URL ↔ filters, view → model → components, the live poll, and page helpers."""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, State, html, no_update

from dashboard.model import figures, state
from dashboard.model.model import Model
from dashboard.model.records import Status
from dashboard.model.state import ViewState
from dashboard.page import layout, lazy, panels, rows, timeline
from fetchers.store.snapshot import StoreSnapshot

FILTERS = state.CONTROLS  # the filter controls, in the order of Model.filter_values


def page_js(name: str) -> ClientsideFunction:
    """One of the page's own browser functions (assets/page.js)."""
    return ClientsideFunction("page", name)


def register(app: Dash, model: Model) -> None:
    """Wire the callbacks; each is a few lines over `model` and one store snapshot."""

    # Link → filters and view: on load and on back/forward. Only what differs is set, so the
    # filters' own callback below is not woken for a link the page already shows.
    @app.callback(
        *[Output(f, "value") for f in FILTERS],
        Output("view", "data"),
        Output("note", "children"),
        Input("url", "search"),
        *[State(f, "value") for f in FILTERS],
        State("view", "data"),
    )
    def from_link(search, *known):
        *values, saved = known
        view, notes = model.from_url(search)
        note = (
            dbc.Alert([html.Div(n) for n in notes], color="warning", className="url-note")
            if notes
            else None
        )
        wanted = [*model.filter_values(view), state.saved(view)]
        return *[_changed(w, k) for w, k in zip(wanted, [*values, saved], strict=True)], note

    # Filters → link and view. Not on load: the first render is asked for beside from_link,
    # not after it, since no callback that runs on load sets the link.
    @app.callback(
        Output("url", "search"),
        Output("view", "data", allow_duplicate=True),
        Output("note", "children", allow_duplicate=True),
        *[Input(f, "value") for f in FILTERS],
        State("url", "search"),
        prevent_initial_call=True,
    )
    def from_filters(*values):
        *values, search = values
        shown = model.from_url(search)[0]
        view = replace(model.from_filters(list(values)), as_of=shown.as_of)  # the vintage stays
        if view == shown:
            # The link shows this view already (from_link set the filters from it, or the link
            # is written another way): no new history entry, no second render, the note stays.
            return no_update, no_update, no_update
        return state.serialise(view, model.default), state.saved(view), None

    @app.callback(
        Output("story", "children"),
        Output("kpis", "children"),
        Output("charts", "children"),
        Output("f-base", "options"),
        Output("drawn-version", "data"),  # the data version the charts show: see poll
        Input("url", "search"),  # the link holds the whole view (state.serialise)
        Input("data-version", "data"),
        Input("width", "data"),
    )
    def render(search, _version, content_width):
        view, _ = model.from_url(search)
        content = content_width if isinstance(content_width, int | float) else None
        width = layout.chart_width(content, len(view.indicators), figures.EXPORT_WIDTH)
        snap = model.snapshot_for(view)  # one snapshot (or its vintage): the whole render reads it
        # Many viewers of one view at one data version cost one render.
        out = snap.derive(("render", view, width), lambda: draw(snap, view, width))
        return out["story"], out["kpis"], out["charts"], out["base_options"], snap.version

    def draw(snap: StoreSnapshot, view: ViewState, width: int) -> dict:
        out = panels.render(model.render(snap, view, width), model.names, model.pair)
        if view.as_of:  # a vintage says so above everything it shows
            note = f"As of {view.as_of}: the values the store held then, not the latest."
            out["story"] = html.Div([html.P(note, className="as-of fw-semibold"), out["story"]])
        years = model.base_years(snap, view)
        return {**out, "base_options": panels.base_options(years, view.base_year)}

    def table_of(snap: StoreSnapshot, view: ViewState) -> pd.DataFrame:
        return snap.derive(
            ("table", lazy.depends("table", view)),
            lambda: panels.table_frame(model.table(snap, view)),
        )

    # The grid is put on the page when the table first nears the screen (its script loads then,
    # not before the charts) and given the selection's columns whenever the key changes; React
    # keeps the same grid, and reloadTable (assets/page.js) has it ask for its rows again.
    @app.callback(
        Output("table-section", "children"),
        Input("table-key", "data"),
        prevent_initial_call=True,
    )
    def table(key):
        return layout.data_table(panels.table_columns(model.for_section(key)[1].base_year))

    @app.callback(
        Output("table", "getRowsResponse"),
        Input("table", "getRowsRequest"),
        State("table-key", "data"),
        prevent_initial_call=True,
    )
    def table_rows(request, key):
        if request is None or key is None:
            return no_update
        return rows.block(table_of(*model.for_section(key)), request)

    @app.callback(
        Output("sources", "children"),
        Input("sources-key", "data"),
        prevent_initial_call=True,
    )
    def sources(key):
        return panels.sources_panel(model.source_rows(*model.for_section(key)))

    app.clientside_callback(
        page_js("reloadTable"),
        Output("table-reload", "data"),  # never set: the callback only tells the grid to reload
        Input("table-key", "data"),
        prevent_initial_call=True,
    )

    # The header's status when the page loads, beside the first render (not before it: the
    # poll, which can set data-version and so redraw everything, first runs one interval later).
    @app.callback(
        Output("freshness", "children"),
        Output("banner", "children"),
        Input("url", "pathname"),
    )
    def status(_path):
        return header(model.status(model.snapshots.current()))

    def header(now: Status) -> tuple:
        return panels.status_line(now, model.catalogue), panels.banner(now)

    # Each interval: the status again, and data-version when the store holds newer data than the
    # charts were drawn from, which redraws the charts and the sections that are in view.
    @app.callback(
        Output("data-version", "data"),
        Output("freshness", "children", allow_duplicate=True),
        Output("banner", "children", allow_duplicate=True),
        Input("poll", "n_intervals"),
        State("drawn-version", "data"),
        prevent_initial_call=True,
    )
    def poll(_n, drawn):
        now = model.status(model.snapshots.current())
        version = no_update if drawn is None or now.version == drawn else now.version
        return version, *header(now)

    app.clientside_callback(page_js("width"), Output("width", "data"), Input("url", "pathname"))
    app.clientside_callback(
        page_js("toggle"),
        Output("filters-panel", "is_open"),
        Input("filters-toggle", "n_clicks"),
        State("filters-panel", "is_open"),
    )
    app.clientside_callback(
        page_js("copyLink"),
        Output("link-box", "value"),
        Output("link-box", "className"),
        Output("copy-status", "children"),
        Input("copy-link", "n_clicks"),
    )
    lazy.register(app)
    timeline.register(app, model.timeline.events)


def _changed(wanted: object, known: object) -> object:
    """`wanted`, or no_update when the page has it already (setting it would wake its callbacks)."""
    return no_update if wanted == known else wanted
