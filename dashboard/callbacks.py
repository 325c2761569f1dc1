"""Thin callbacks: URL ↔ filters, view → model → components, the live poll, and page helpers."""

from __future__ import annotations

from dataclasses import asdict

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update

from dashboard import figures, layout, panels, state, timeline
from dashboard.cache import Memo
from dashboard.model import Model

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


def register(app: Dash, model: Model) -> None:
    """Wire the callbacks; each is a few lines over `model`."""
    renders: Memo[dict] = Memo(64)  # many viewers of one view and data version: one render

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
        Output("story", "children"),
        Output("kpis", "children"),
        Output("charts", "children"),
        Output("table", "rowData"),
        Output("table", "columnDefs"),
        Output("sources", "children"),
        Output("f-base", "options"),
        Input("view", "data"),
        Input("data-version", "data"),
        Input("width", "data"),
    )
    def render(view, _version, content_width):
        if view is None:
            return (no_update,) * 7
        view = model.from_saved(view)
        content = content_width if isinstance(content_width, int | float) else None
        width = layout.chart_width(content, len(view.indicators), figures.EXPORT_WIDTH)
        key = (view, model.store.data_version(), width)  # a new data version misses by key
        out = renders.get(key, lambda: panels.render(
            model.render(view, width), model.names, model.pair, view.base_year
        ))  # fmt: skip
        keys = ("story", "kpis", "charts", "rows", "columns", "sources", "base_options")
        return tuple(out[k] for k in keys)

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
