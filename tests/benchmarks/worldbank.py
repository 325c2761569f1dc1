"""World Bank row: the project's refresh beside wbdata on the same local emulator with latency."""

from __future__ import annotations

import inspect
import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug import Request, Response
from werkzeug.serving import make_server

from config.catalogue import load_catalogue
from config.settings import load_settings
from fetchers.jobs import refresh
from fetchers.store.store import Store
from tests.benchmarks.table import Row
from tests.support.wbfake import WorldBankFake

# wbdata spells the API's paths in the plural; the emulator reads the singular.
PLURALS = {"countries": "country", "indicators": "indicator"}


class SlowWorldBank(WorldBankFake):
    """The test emulator, `latency` seconds slower per request, reading either path spelling."""

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency

    def __call__(self, request: Request) -> Response:
        time.sleep(self.latency)
        parts = request.path.split("/")
        request.path = "/".join(PLURALS.get(part, part) for part in parts)
        return super().__call__(request)


@contextmanager
def emulator(latency: float) -> Iterator[tuple[str, SlowWorldBank]]:
    """The emulator served by a threaded werkzeug server on 127.0.0.1; yields (base URL, fake)."""
    fake = SlowWorldBank(latency)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, Request.application(fake), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v2", fake
    finally:
        server.shutdown()
        thread.join()


def ours(base: str, folder: Path) -> tuple[float, str]:
    """Seconds of one full World Bank refresh into a new store, and its summary line."""
    url = f"sqlite:///{folder / 'wb.sqlite3'}"
    settings = load_settings(
        environ={"DATABASE_URL": url, "WORLDBANK_API_URL": base, "HTTP_BACKOFF": "0"},
        env_file=folder / "none.env",
    )
    catalogue = load_catalogue()
    store = Store.open(url)
    # `full` exists once the source reads only what changed; ask for everything either way.
    extra = {"full": True} if "full" in inspect.signature(refresh.refresh).parameters else {}
    start = time.perf_counter()
    summary = refresh.refresh("worldbank", settings, catalogue, store, **extra)
    return time.perf_counter() - start, summary.line()


def wbdata_refresh(base: str, folder: Path) -> float:
    """Seconds for wbdata to read the same indicators' data, metadata and source date."""
    import wbdata.client

    for name, path in (("COUNTRIES_URL", "countries"), ("INDICATOR_URL", "indicators"),
                       ("SOURCE_URL", "sources")):  # fmt: skip
        setattr(wbdata.client, name, f"{base}/{path}")
    catalogue = load_catalogue()
    ids = [i.id for i in catalogue.for_source("worldbank")]
    client = wbdata.client.Client(cache_path=folder / "wbdata-cache")  # a new, empty cache
    start = time.perf_counter()
    try:
        client.get_dataframe({i: i for i in ids}, country=list(catalogue.iso3), source=2)
        client.get_indicators(indicator=ids)
        client.get_sources(source_id=2)
        return time.perf_counter() - start
    finally:
        client.fetcher.cache.close()  # before its folder goes


def measure(latency: float) -> list[Row]:
    """Both clients against fresh emulators with the same latency."""
    with tempfile.TemporaryDirectory() as folder:
        with emulator(latency) as (base, fake):
            our_seconds, line = ours(base, Path(folder))
            our_requests = len(fake.requests)
        with emulator(latency) as (base, fake):
            their_seconds = wbdata_refresh(base, Path(folder))
            their_requests = len(fake.requests)
    ok = "FAILED" not in line
    return [
        Row(f"World Bank refresh, {latency:g} s per request (s)", our_seconds, their_seconds,
            "≤ 0.5× wbdata", 0.5),
        Row("World Bank refresh requests", our_requests, their_requests, ""),
        *([] if ok else [Row(f"World Bank refresh failed: {line[:80]}", 1, 0, "0")]),
    ]  # fmt: skip
