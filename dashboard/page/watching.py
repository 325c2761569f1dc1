"""The page's watching parts: what changed since the last visit, Cite this view, the calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from dashboard.exports import citation
from dashboard.exports.exporter import Exporter
from dashboard.model import watching

FORMAT_NAMES = {"apa": "APA", "chicago": "Chicago", "bibtex": "BibTeX", "ris": "RIS"}


def register(app: Dash, exporter: Exporter) -> None:
    """Wire the three parts; each reads one snapshot."""
    model = exporter.model

    # The newest data the browser has seen is kept in it (localStorage); a newer release since
    # is named in one line, linked to the release diff. A first visit says nothing.
    @app.callback(
        Output("since", "children"),
        Output("last-seen", "data"),
        Input("drawn-version", "data"),
        State("last-seen", "data"),
        prevent_initial_call=True,
    )
    def since(_version, seen):
        snap = model.snapshots.current()
        seen_at = seen.get("at") if isinstance(seen, dict) else None
        stamp = {"version": snap.version, "at": snap.latest()}
        if not isinstance(seen_at, str) or len(seen_at) > 40:
            return None, stamp
        line, _ = watching.since_line(snap, seen_at, model.catalogue, model.settings)
        if not line:
            return no_update, stamp
        link = html.A("see the release diff", href="#analysis-release-diff")
        return dbc.Alert([line, " ", link], color="info", className="py-2 small"), stamp

    @app.callback(
        Output("cite-text", "children"),
        Output("cite-panel", "is_open"),
        Input("cite", "n_clicks"),
        State("view", "data"),
        State("cite-panel", "is_open"),
        prevent_initial_call=True,
    )
    def cite(_clicks, data, is_open):
        if is_open:
            return no_update, False
        view = model.from_saved(data)
        snap = model.snapshot_for(view)
        texts = citation.all_formats(exporter.cite(snap, view, datetime.now(UTC)))
        return [
            html.Div([html.H3(FORMAT_NAMES[k], className="h6 mt-2"),
                      html.Pre(t, className="small border rounded p-2 bg-light")])
            for k, t in texts.items()
        ], True  # fmt: skip

    @app.callback(
        Output("calendar", "children"),
        Input("sources-key", "data"),
        prevent_initial_call=True,
    )
    def calendar(_key):
        rows = watching.calendar_rows(
            model.snapshots.current(), model.catalogue, datetime.now(UTC).date()
        )
        head = html.Thead(html.Tr([html.Th(c, scope="col") for c in rows[0]])) if rows else None
        body = html.Tbody([html.Tr([html.Td(v) for v in r.values()]) for r in rows])
        return [
            html.H2("Release calendar", className="h5 mt-3"),
            html.P(["Each source's last release and the next one expected from its cadence; ",
                    html.A("subscribe (.ics)", href="/calendar.ics"), " · ",
                    html.A("changes feed (Atom)", href="/feed.atom")], className="small"),
            dbc.Table([head, body], size="sm", bordered=False, className="w-auto"),
        ]  # fmt: skip
