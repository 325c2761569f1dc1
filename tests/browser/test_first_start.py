"""First start with no network: an empty store, every source unreachable, and charts of real data."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.conftest import App

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, every fetch is refused
NO_NETWORK = {
    "SCHEDULER": "true",  # the README's command with every default, sources unreachable
    "WORLDBANK_API_URL": f"{CLOSED}/v2",
    "TRADE_API_URL": f"{CLOSED}/public/v1",
    "SIPRI_MILEX_URL": f"{CLOSED}/x.xlsx",
    "SIPRI_MILEX_PAGE": f"{CLOSED}/databases/milex",
}
RAW = ("Traceback", "127.0.0.1:9", "HTTPConnectionPool", "Errno", "/x.xlsx")


def test_first_start_without_network_shows_the_snapshot(tmp_path, page, console):
    started = time.monotonic()
    app = App(tmp_path, seeded=False, **NO_NETWORK)
    try:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(app.url)
        page.locator(".js-plotly-plot .main-svg").nth(2).wait_for(timeout=60_000)
        assert time.monotonic() - started < 60
        # Wait until the scheduler's first live attempts have failed, so the page is checked
        # with failures to show, not before them.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            runs = app.store.last_runs()
            if set(runs.loc[runs["kind"] == "fetch", "source"]) >= {"worldbank", "sipri"}:
                break
            time.sleep(0.5)
        # The page's next poll (DASHBOARD_POLL_SECONDS=2) tells of them in the header.
        expect(page.locator("#freshness")).to_contain_text("next try", timeout=10_000)
        # The World Bank's own GDP ratios: 7.6125 in 2025 (the snapshot's latest year), 5.1837
        # in 2014 (WDI, July 2026).
        kpis = page.locator("#kpis")
        expect(kpis).to_contain_text("GDP7.61×China ÷ Russia, 2025", timeout=10_000)
        expect(kpis).to_contain_text("from 5.18× in 2014 to 7.61×")
        text = page.inner_text("body")
        for raw in RAW:
            assert raw not in text, raw
        assert "snapshot" in text
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        runs = app.store.last_runs().set_index("source")
        assert runs.loc["worldbank", "last_ok_kind"] == "snapshot"
        assert runs.loc["worldbank", "last_ok_release"] == "2026-07-01"
    finally:
        app.stop()
