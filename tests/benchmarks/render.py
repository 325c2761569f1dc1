"""Render rows: the page's own callbacks replayed against the project and a bare Dash app."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from tests.benchmarks import replay, servers
from tests.benchmarks.table import Row

MODES = ("absolute", "ratio", "indexed", "share")


# What a view change sets: the link (which the charts' render reads) and the stores derived from
# it. Every captured callback reading or setting one is part of a render. Sections below the fold
# (analysis, table, sources) ask for their data only as they near the screen: not on a page load.
VIEW_IDS = ("url", "view", "table-key", "analysis-key", "sources-key", "table")


@dataclass
class Requests:
    """One app's captured render requests (all a view change fires) and how to vary them."""

    render: list[dict]
    first_chart_ms: float
    page_bytes: int

    def views(self, app: str, count: int) -> list[list[dict]]:
        """`count` different views: other year ranges and modes (the bare app: start years)."""
        if app == "bare":
            return [[replay.with_input(b, "start", lambda _, n=n: 1990 + n % 30)
                     for b in self.render] for n in range(count)]  # fmt: skip
        out = []
        for n in range(count):
            link = f"?from={1990 + n % 25}&mode={MODES[n % len(MODES)]}"

            def change(view: dict, n: int = n) -> dict:
                return {**view, "year_from": 1990 + n % 25, "mode": MODES[n % len(MODES)]}

            out.append([replay.with_input(replay.with_input(b, "view", change), "url",
                                          lambda _, link=link: link, prop="search")
                        for b in self.render])  # fmt: skip
        return out


PAGE_LOADS = 5  # time to first chart: the median of this many page loads (one varies a lot)


def captured(app: str, base: str, charts: int = 1, loads: int = 1) -> Requests:
    """Load the app's page in chromium `loads` times; keep the requests a view change sends
    and the median time to the last chart drawn."""
    pages = [replay.capture(base, charts) for _ in range(loads)]
    page = pages[0]
    if app == "project":
        group = replay.view_requests(page.bodies, VIEW_IDS)
    else:
        group = [replay.render_request(page.bodies, "g0.figure")]
    drawn = statistics.median(p.first_chart_ms for p in pages)
    return Requests(group, drawn, page.page_bytes)


def default_charts(database_url: str) -> int:
    """How many charts the project's default view draws."""
    from config.catalogue import load_catalogue
    from config.events import load_events
    from dashboard.model.model import Model
    from fetchers.store.store import Store

    settings = servers.settings_for(database_url)
    model = Model(Store.open(database_url), settings, load_catalogue(), load_events())
    charts = model.charts(model.snapshots.current(), model.default)
    return sum(chart.figure is not None for chart in charts)


def breakdown(base: str, group: list[dict], repeats: int) -> list[Row]:
    """Each callback of the repeated view on its own: its response size and p50 time."""
    out = []
    for body in group:
        alone = replay.sequential(base, [[body]], repeats)
        name = body["output"].strip(".").split("...")[0].split("@")[0]
        out.append(Row(f"  {name} (p50 {alone.p(50):.0f} ms), KB", alone.size / 1024))
    return out


def measure(database_url: str, repeats: int) -> tuple[list[Row], dict[str, Requests]]:
    """Serve each app by its own server; time a repeated view and a stream of new views."""
    results, requests = {}, {}
    charts = default_charts(database_url)  # the bare app draws as many as the default view
    for app in ("project", "bare"):
        with servers.serving(app, database_url, BARE_CHARTS=str(charts)) as (base, _):
            requests[app] = captured(app, base, charts, PAGE_LOADS)
            replay.sequential(base, [requests[app].render], 2)  # warm up
            results[app] = (
                replay.sequential(base, [requests[app].render], repeats),
                replay.sequential(base, requests[app].views(app, repeats)),
            )
            if app == "project":
                parts = breakdown(base, requests[app].render, repeats)
    (ours_same, ours_new), (bare_same, bare_new) = results["project"], results["bare"]
    ours_page, bare_page = requests["project"], requests["bare"]
    rows = [
        Row("render, new view p50 (ms)", ours_new.p(50), bare_new.p(50), "≤ 4×", 4),
        Row("render, repeated view p50 (ms)", ours_same.p(50), bare_same.p(50), "≤ 2×", 2),
        Row("render response (KB, uncompressed)", ours_same.size / 1024, bare_same.size / 1024,
            "≤ 60 KB", absolute=60),
        Row("render response on the wire (KB)", ours_same.wire / 1024, bare_same.wire / 1024, ""),
        Row(f"time to first chart, chromium, median of {PAGE_LOADS} (ms)", ours_page.first_chart_ms,
            bare_page.first_chart_ms, "≤ 1.5×", 1.5),
        Row("page load on the wire (KB)", ours_page.page_bytes / 1024,
            bare_page.page_bytes / 1024, ""),
    ]  # fmt: skip
    rows += parts
    errors = ours_same.errors + ours_new.errors + bare_same.errors + bare_new.errors
    if errors:
        rows.append(Row(f"render errors: {len(errors)} ({errors[0]})", len(errors), 0, "0"))
    return rows, requests
