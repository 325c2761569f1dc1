"""Export rows: warm chart PNG beside kaleido's floor on a 3-point figure, and the report ZIP."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from config.catalogue import load_catalogue
from config.events import load_events
from dashboard.exports import renderers
from dashboard.exports.exporter import Exporter
from dashboard.model.model import Model
from fetchers.store.store import Store
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


def median_times(actions: Sequence[Callable[[], object]], times: int) -> list[float]:
    """Median seconds of each action over `times` rounds, the actions taking turns in each round.

    Taking turns keeps a ratio honest on a shared machine: a burst of load elsewhere lands on
    both sides of it, not on whichever side happened to be measuring at the time.
    """
    seconds: list[list[float]] = [[] for _ in actions]
    for _ in range(times):
        for action, found in zip(actions, seconds, strict=True):
            found.append(timed(action))
    return [statistics.median(found) for found in seconds]


def measure(database_url: str, repeats: int) -> list[Row]:
    """Time exports in this process, as a running page or CLI job would, after one warm-up."""
    settings = servers.settings_for(database_url)
    model = Model(Store.open(database_url), settings, load_catalogue(), load_events())
    snapshot = Exporter(model, settings)
    view = model.default
    chart = snapshot.charts(view, snapshot_time())[0][2]
    trivial = go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]))

    cold_png = timed(lambda: renderers.image_bytes(chart, "png"))
    png, floor, svg = median_times(
        [
            lambda: renderers.image_bytes(chart, "png"),
            lambda: renderers.image_bytes(trivial, "png"),  # the floor: same function and server
            lambda: renderers.image_bytes(chart, "svg"),
        ],
        repeats,
    )
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
