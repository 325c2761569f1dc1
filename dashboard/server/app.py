"""create_app(settings) → Dash; `server` for gunicorn (`gunicorn dashboard.server.app:server`)."""

from __future__ import annotations

import logging
import threading
from functools import cache
from pathlib import Path

from dash import Dash, html
from flask_compress import Compress

from config.catalogue import load_catalogue
from config.claims import load_claims
from config.events import load_events
from config.settings import Settings, load_settings
from dashboard.exports.exporter import Exporter
from dashboard.model import figures
from dashboard.model.model import Model
from dashboard.page import analysis_section as analysis_view
from dashboard.page import callbacks, downloads, layout, watching
from dashboard.server import feeds, health, security
from fetchers.store.store import Store

log = logging.getLogger(__name__)
ASSETS = Path(layout.__file__).with_name("assets")  # the page's CSS and scripts
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


def create_app(settings: Settings) -> Dash:
    """A Dash app reading the store named by `settings`; it never touches the network."""
    catalogue = load_catalogue()
    timeline = load_events()
    load_claims()  # a broken claims file stops the start with a message naming it
    # The entry points (python -m dashboard, gunicorn's config) load the bundled snapshot into an
    # empty store before this: the page only reads.
    model = Model(Store.from_settings(settings), settings, catalogue, timeline)
    app = Dash(
        __name__,
        title="Asymmetry Monitor",
        # Bootstrap's CSS is served from assets/ (no CDN): the page works offline.
        serve_locally=True,
        assets_folder=str(ASSETS),
        # The page's language, and Dash's scripts without a <footer> around them: the page has
        # one footer landmark of its own.
        index_string=INDEX,
    )
    options = layout.indicator_options(catalogue)
    app.layout = layout.page(
        catalogue,
        timeline,
        options,
        model.default,
        model.last_year,
        settings.dashboard_poll_seconds,
    )
    # The data table joins the page when it nears the screen (dashboard.page.lazy): Dash checks the
    # callbacks against the page with it.
    app.validation_layout = html.Div([app.layout, layout.data_table([])])
    callbacks.register(app, model)
    analysis_view.register(app, model)  # the analysis section, one analysis per data version
    exporter = Exporter(model, settings)
    downloads.register(app, exporter)
    watching.register(app, exporter)  # since your last visit, Cite, the release calendar
    health.register(app.server, model.snapshots)
    feeds.register(app.server, model, exporter)  # the feed, calendar and data URLs
    Compress(app.server)  # plotly.js and the callbacks' JSON shrink several-fold on the wire
    security.harden(app, settings)  # last: its script hashes cover every callback registered above
    threading.Thread(target=_warm, args=(model,), name="warm-caches", daemon=True).start()
    return app


def _warm(model: Model) -> None:
    """Read the store and build the default view's analysis once in the background, so the
    first visitors' requests find the snapshot read and the analysis built."""
    try:
        snap = model.snapshots.current()
        model.render(snap, model.default, figures.EXPORT_WIDTH)
        analysis_view.section(model, snap, model.default)
    except Exception:  # warming is an optimisation: a failure here must not stop the server
        log.exception("warming the caches failed")


@cache
def _server():
    """The WSGI server for gunicorn, built once from the environment on first use."""
    return create_app(load_settings()).server


def __getattr__(name: str):
    # `server` is built lazily so importing this module (tests, tools) opens no database.
    if name == "server":
        return _server()
    raise AttributeError(name)
