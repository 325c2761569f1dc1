"""Export benchmark: prints cold and warm image export and report-ZIP times (not a test).

Run: .venv/bin/python -m tests.bench_exports  — uses a temporary store of SYNTHETIC data.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import plotly.graph_objects as go

from config.catalogue import load_catalogue
from config.events import load_events
from config.settings import load_settings
from dashboard import renderers
from dashboard.model import Model
from dashboard.snapshot import Snapshot
from fetchers.store import Store
from tests.support.seed import seed


def timed(action) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Seed a store, then time the exports the issue sets targets for."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = load_settings(environ={"DATABASE_URL": url}, env_file=Path(folder) / "none")
        catalogue = load_catalogue()
        store = Store.open(url)
        seed(store, catalogue)
        snapshot = Snapshot(Model(store, settings, catalogue, load_events()), settings)
        view = snapshot.model.default
        _, _, chart = snapshot.model.figures(view)[0]
        trivial = go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]))

        cold = timed(lambda: renderers.image_bytes(chart, "png"))
        warm = [timed(lambda: renderers.image_bytes(chart, "png")) for _ in range(10)]
        warm_svg = [timed(lambda: renderers.image_bytes(chart, "svg")) for _ in range(10)]
        baseline = [timed(lambda: renderers.image_bytes(trivial, "png")) for _ in range(10)]
        csv = [timed(lambda: snapshot.build(view, "csv")) for _ in range(3)]
        report = [timed(lambda: snapshot.build(view, "zip")) for _ in range(3)]

    print(f"default view: {len(view.indicators)} charts ({', '.join(view.indicators)})")
    print(f"cold image export (PNG, first call, starts kaleido): {cold:.2f} s")
    print(f"warm image export PNG, median of 10: {statistics.median(warm):.3f} s (target ≤ 0.3 s)")
    print(f"warm image export SVG, median of 10: {statistics.median(warm_svg):.3f} s")
    print(f"baseline: warm PNG of a 3-point figure: {statistics.median(baseline):.3f} s; "
          f"ratio ours/baseline {statistics.median(warm) / statistics.median(baseline):.2f}")  # fmt: skip
    print(f"CSV export of the default view, median of 3: {statistics.median(csv):.3f} s")
    print(f"report ZIP of the default view, median of 3: {statistics.median(report):.2f} s "
          f"(target ≤ 5 s); ratio ZIP/CSV {statistics.median(report) / statistics.median(csv):.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
