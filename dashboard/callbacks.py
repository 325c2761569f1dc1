"""Thin callbacks: URL ↔ filters, view → model → components, the live poll, and page helpers."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import figures, layout, panels, rows, state, timeline
from dashboard.cache import Memo
from dashboard.model import Model
from dashboard.state import ViewState

FILTERS = ("f-indicators", "f-countries", "f-years", "f-mode", "f-scale", "f-base", "f-events")

# The charts area's width, measured now and again after a resize: figures lay out their event
# labels for it. dash_clientside.set_props pushes a new width without a server round trip.
WIDTH_JS = """
function (_path) {
    function measure() {
        const area = document.getElementById("charts");
        const width = area ? area.clientWidth : window.innerWidth;
        return Math.floor(width / 40) * 40;
    }
    if (!window._amWidthWatch) {
        window._amWidthWatch = true;
        let timer = null;
        window.addEventListener("resize", function () {
            clearTimeout(timer);
            timer = setTimeout(function () {
                const width = measure();
                if (width !== window._amWidth) {
                    window._amWidth = width;
                    dash_clientside.set_props("width", {data: width});
                }
            }, 300);
        });
    }
    window._amWidth = measure();
    return window._amWidth;
}
"""
# The link on the host actually serving the page; where the clipboard is refused (plain http on
# another host), the link is shown selected for the reader to copy.
COPY_JS = """
function (clicks) {
    if (!clicks) { return [window.dash_clientside.no_update, window.dash_clientside.no_update, ""]; }
    const link = window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link);
        return [link, "form-control-sm d-none", "Link copied"];
    }
    setTimeout(function () {
        const box = document.getElementById("link-box");
        if (box) { box.focus(); box.select(); }
    }, 50);
    return [link, "form-control-sm link-box", "Press Ctrl+C to copy the link"];
}
"""
TOGGLE_JS = "function (n, open) { return n ? !open : open; }"


# A new table selection or new data: the grid drops its rows and asks for its first block again.
PURGE_JS = """
function (_key, _version) {
    try {
        dash_ag_grid.getApi("table").purgeInfiniteCache();
    } catch (e) {
        // Not initialised yet: it asks for its first block itself when it is.
    }
    return window.dash_clientside.no_update;
}
"""
TABLE_FIELDS = ("indicators", "comparators", "year_from", "year_to", "base_year")


def table_key(view: dict) -> dict:
    """The part of a view that the table and the sources depend on (not mode, scale, events)."""
    return {k: list(view[k]) if isinstance(view[k], tuple) else view[k] for k in TABLE_FIELDS}


def register(app: Dash, model: Model) -> None:
    """Wire the callbacks; each is a few lines over `model`."""
    renders: Memo[dict] = Memo(64)  # many viewers of one view and data version: one render
    tables: Memo[pd.DataFrame] = Memo(32)  # the table's rows per selection and data version

    @app.callback(
        Output("url", "search"),
        *[Output(f, "value") for f in FILTERS],
        Output("view", "data"),
        Output("table-key", "data"),
        Output("note", "children"),
        Input("url", "search"),
        *[Input(f, "value") for f in FILTERS],
        State("table-key", "data"),
    )
    def sync(search, *values):
        *values, known = values
        if ctx.triggered_id in (None, "url"):
            view, notes = model.from_url(search)
            note = (
                dbc.Alert([html.Div(n) for n in notes], color="warning", className="url-note")
                if notes
                else None
            )
            data = asdict(view)
            return no_update, *model.filter_values(view), data, _changed(data, known), note
        view = model.from_filters(list(values))
        data = asdict(view)
        link = state.serialise(view, model.default)
        return link, *[no_update] * len(FILTERS), data, _changed(data, known), None

    @app.callback(
        Output("story", "children"),
        Output("kpis", "children"),
        Output("charts", "children"),
        Input("view", "data"),
        Input("data-version", "data"),
        Input("width", "data"),
    )
    def render(view, _version, content_width):
        if view is None:
            return (no_update,) * 3
        view = model.from_saved(view)
        content = content_width if isinstance(content_width, int | float) else None
        width = layout.chart_width(content, len(view.indicators), figures.EXPORT_WIDTH)
        key = (view, model.store.data_version(), width)  # a new data version misses by key
        out = renders.get(key, lambda: panels.render(model.render(view, width), model.names,
                                                     model.pair))  # fmt: skip
        return out["story"], out["kpis"], out["charts"]

    def table_view(key: object) -> ViewState:
        saved = {**asdict(model.default), **key} if isinstance(key, dict) else None
        return model.from_saved(saved)

    def table_of(view: ViewState) -> pd.DataFrame:
        fields = tuple(getattr(view, f) for f in TABLE_FIELDS)
        return tables.get((fields, model.store.data_version()),
                          lambda: panels.table_frame(model.table(view)))  # fmt: skip

    @app.callback(
        Output("table", "columnDefs"),
        Output("f-base", "options"),
        Input("table-key", "data"),
        Input("data-version", "data"),
    )
    def table(key, _version):
        if key is None:
            return no_update, no_update
        view = table_view(key)
        years = model.base_years(model.data(view))
        return panels.table_columns(view.base_year), panels.base_options(years, view.base_year)

    @app.callback(
        Output("table", "getRowsResponse"),
        Input("table", "getRowsRequest"),
        State("table-key", "data"),
    )
    def table_rows(request, key):
        if request is None or key is None:
            return no_update
        return rows.block(table_of(table_view(key)), request)

    @app.callback(
        Output("sources", "children"),
        Input("table-key", "data"),
        Input("data-version", "data"),
    )
    def sources(key, _version):
        if key is None:
            return no_update
        return panels.sources_panel(model.source_rows(table_view(key)))

    app.clientside_callback(
        PURGE_JS,
        Output("table-reload", "data"),  # never set: the callback only tells the grid to reload
        Input("table-key", "data"),
        Input("data-version", "data"),
        prevent_initial_call=True,
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
        version = no_update if status.version == known else status.version
        return version, panels.status_line(status, model.catalogue), panels.banner(status)

    app.clientside_callback(WIDTH_JS, Output("width", "data"), Input("url", "pathname"))
    app.clientside_callback(
        TOGGLE_JS,
        Output("filters-panel", "is_open"),
        Input("filters-toggle", "n_clicks"),
        State("filters-panel", "is_open"),
    )
    app.clientside_callback(
        COPY_JS,
        Output("link-box", "value"),
        Output("link-box", "className"),
        Output("copy-status", "children"),
        Input("copy-link", "n_clicks"),
    )
    timeline.register(app, model.timeline.events)


def _changed(key: dict, known: object) -> object:
    """The table key of a view, or no_update when it is the one the page has (no table reload)."""
    new = table_key(key)
    return no_update if new == known else new
