"""Production server settings: `gunicorn -c config/gunicorn.conf.py dashboard.server.app:server`."""

# gunicorn reads this file as Python; every value can be overridden on its command line.
# docs/deploy.md explains the choices and the reverse proxy in front.
import os
import sys

from config.settings import SettingsError, load_settings

try:
    _settings = load_settings()
except SettingsError as exc:  # one line, not a traceback from inside gunicorn's config loader
    sys.exit(f"error: {exc}")

# Behind the reverse proxy on this machine: HOST/PORT (127.0.0.1:8050) as for `python -m dashboard`.
bind = [f"{_settings.host}:{_settings.port}"]

# Threads, not sync workers: a sync worker is held whole by one slow client (8 clients sending a
# body a byte every 2 s held all four). A gthread worker gives a slow client one thread: while it
# trickles its headers (gunicorn reads them), or for at most 10 s of body (the app's BodyDeadline
# then answers 408). 32 threads each: a dozen slow clients landing on one worker leave it room.
worker_class = "gthread"
# One process per core (at most four): rendering and report builds are CPU work in Python, so
# more processes than cores only make /healthz wait behind them; together they build at most
# REPORT_WORKERS reports at once (file-lock slots shared by the processes serving one store).
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# Open connections a worker keeps (waiting or idle keep-alive) beyond its busy threads.
worker_connections = 200

# A gthread worker's heartbeat comes from its main loop, not from requests, so `timeout` only ends
# a worker that is truly stuck. The longest request, a report ZIP, takes ~10 s on two cores and is
# answered "busy, try again" at once when REPORT_WORKERS are all building: 60 s leaves room for it.
timeout = 60
graceful_timeout = 30  # a stop lets requests in flight (a report) finish
keepalive = 5  # seconds an idle connection from the proxy stays open

# Request size limits (gunicorn's defaults, stated): the app refuses bodies over 256 KB itself.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Workers are replaced now and then, so a slow leak in a library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"
errorlog = "-"
loglevel = "info"
# The proxy's address is not the client's: X-Forwarded-For is read by the app (PROXY_HOPS).
forwarded_allow_ips = "127.0.0.1"


def on_starting(server) -> None:
    """Open the store once before the workers start, and load the bundled snapshot into an empty
    one here (workers loading it at once would race for it). A store that cannot be opened
    (PostgreSQL down, a bad URL, a damaged file), or a broken catalogue, event register or
    claims file, is one line and exit code
    3, not a traceback per worker."""
    from config.catalogue import CatalogueError, load_catalogue
    from config.claims import ClaimsError, load_claims
    from config.events import EventsError, load_events
    from fetchers.jobs.starter import ensure_loaded
    from fetchers.store.errors import StoreError
    from fetchers.store.store import Store

    try:
        load_events()  # the event register and the claims, checked before any worker starts
        load_claims()
        store = Store.from_settings(_settings)
        try:
            ensure_loaded(store, _settings, load_catalogue())
        finally:
            store.close()  # the workers open their own connections after the fork
    except (StoreError, CatalogueError, EventsError, ClaimsError) as exc:
        server.log.error("error: %s", exc)
        sys.exit(3)
