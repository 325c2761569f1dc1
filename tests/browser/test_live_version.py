"""A running page picks up a refresh that started first and finished last, within a poll or two."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.browser.conftest import App
from tests.support.seed import trade_result, worldbank_result

POLL = 2  # DASHBOARD_POLL_SECONDS of the App fixture
VIEW = "?ind=CMT.TOTAL.X,NY.GDP.MKTP.CD"  # trade: not in the bundled snapshot the app starts from


def drawn(page) -> int:
    """How many charts the page has drawn (polled with evaluate: the CSP blocks wait_for_function)."""
    return page.evaluate("() => document.querySelectorAll('#charts .js-plotly-plot').length")


def healthz_version(app: App) -> int:
    with urllib.request.urlopen(app.url + "healthz", timeout=5) as answer:
        return json.load(answer)["data_version"]


def wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return check()


def test_the_page_shows_a_run_that_finished_after_a_later_one(tmp_path, page, console):
    app = App(tmp_path, seeded=False)
    store, catalogue = app.store, app.catalogue  # the app loaded the bundled snapshot
    try:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(app.url + VIEW)
        assert wait_for(lambda: drawn(page) == 1, 60)  # GDP drawn; no trade stored yet
        slow = store.start_run("trade")  # starts first (Comtrade's year-by-year backfill)...
        fast = store.start_run("worldbank")
        store.write_run(fast, worldbank_result(catalogue))  # ...a later run ends first
        assert wait_for(lambda: healthz_version(app) > 1, 10)
        before = healthz_version(app)
        store.write_run(slow, trade_result())  # ...and the first one ends last
        finished = time.monotonic()
        assert wait_for(lambda: drawn(page) == 2, 2 * POLL + 3)  # its chart within two polls
        assert time.monotonic() - finished <= 2 * POLL + 3
        assert healthz_version(app) > before
    finally:
        app.stop()
