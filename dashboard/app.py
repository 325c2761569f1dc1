"""create_app(settings) → Dash; `server` for gunicorn (`gunicorn dashboard.app:server`)."""

from __future__ import annotations

from functools import cache

from dash import Dash, html

from config.catalogue import load_catalogue
from config.settings import Settings, load_settings
from fetchers.store import Store, source_statuses


def create_app(settings: Settings) -> Dash:
    """A Dash app reading the store named by `settings`; it never touches the network."""
    catalogue = load_catalogue()
    store = Store.open(settings.database_url)
    app = Dash(__name__, title="Asymmetry Monitor")

    def layout() -> html.Div:
        return status_page(store, settings, catalogue)

    app.layout = layout
    return app


def status_page(store: Store, settings: Settings, catalogue) -> html.Div:
    """A plain page: what the store holds and how each source's last run went."""
    observations = store.observations()
    items = [html.Li(s.line()) for s in source_statuses(store.last_runs(), settings)]
    counts = observations.groupby("indicator").size() if not observations.empty else {}
    return html.Div(
        [
            html.H1("Asymmetry Monitor"),
            html.H2("Sources"),
            html.Ul(items or [html.Li("No fetch has run yet; the first one starts now.")]),
            html.H2("Stored series"),
            html.Ul([html.Li(f"{i}: {n} observations") for i, n in dict(counts).items()]),
        ]
    )


@cache
def _server():
    """The WSGI server for gunicorn, built once from the environment on first use."""
    return create_app(load_settings()).server


def __getattr__(name: str):
    # `server` is built lazily so importing this module (tests, tools) opens no database.
    if name == "server":
        return _server()
    raise AttributeError(name)
