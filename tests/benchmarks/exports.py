"""Export rows: warm chart PNG beside kaleido's floor on a 3-point figure, and the report ZIP."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import plotly.graph_objects as go

from config.catalogue import load_catalogue
from config.events import load_events
from dashboard import renderers
from dashboard.model import Model
from dashboard.snapshot import Snapshot
from fetchers.store import Store
from tests.benchmarks import servers
from tests.benchmarks.table import Row


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_time(action: Callable[[], object], times: int) -> float:
    """Median seconds of `times` calls."""
    return statistics.median(timed(action) for _ in range(times))


def measure(database_url: str, repeats: int) -> list[Row]:
    """Time exports in this process, as a running page or CLI job would, after one warm-up."""
    settings = servers.settings_for(database_url)
    model = Model(Store.open(database_url), settings, load_catalogue(), load_events())
    snapshot = Snapshot(model, settings)
    view = model.default
    chart = snapshot.charts(view, snapshot_time())[0][2]
    trivial = go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]))

    cold_png = timed(lambda: renderers.image_bytes(chart, "png"))
    png = median_time(lambda: renderers.image_bytes(chart, "png"), repeats)
    floor = median_time(lambda: renderers.image_bytes(trivial, "png"), repeats)
    svg = median_time(lambda: renderers.image_bytes(chart, "svg"), repeats)
    csv = median_time(lambda: snapshot.build(view, "csv"), 3)
    cold_zip = timed(lambda: snapshot.build(view, "zip"))
    report = median_time(lambda: snapshot.build(view, "zip"), max(2, repeats // 4))
    return [
        Row("warm chart PNG (s)", png, floor, "≤ 1.2× kaleido floor", 1.2),
        Row("warm chart SVG (s)", svg, floor, ""),
        Row("cold chart PNG, starts kaleido (s)", cold_png, target=""),
        Row(f"report ZIP, default view ({len(view.indicators)} charts), warm (s)", report, csv,
            "≤ 5 s (baseline: CSV)", absolute=5),
        Row("report ZIP, first in process (s)", cold_zip, target=""),
    ]  # fmt: skip


def snapshot_time():
    """Now, as exports stamp it."""
    from datetime import UTC, datetime

    return datetime.now(UTC)
