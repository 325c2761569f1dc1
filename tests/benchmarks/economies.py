"""Room to grow: a store holding every WDI economy (about 217, SYNTHETIC values) for the catalogue."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import requests

from config.catalogue import load_catalogue
from fetchers.store import snapshot
from fetchers.store.store import Store
from fetchers.store.tidy import SourceResult, make_frame
from tests.benchmarks import render, servers
from tests.benchmarks.table import Row

ECONOMIES = 217  # the WDI's economies (countries and territories, no aggregates)
YEARS = range(1960, 2026)


def big_store(folder: Path) -> str:
    """A SQLite store with every catalogued indicator for ECONOMIES economies, 1960–2025."""
    url = f"sqlite:///{folder / 'economies.sqlite3'}"
    store = Store.open(url)
    catalogue = load_catalogue()
    codes = list(catalogue.iso3)
    codes += [f"X{n:03d}" for n in range(ECONOMIES - len(codes))]  # stand-ins for the rest
    for source in catalogue.sources:
        records = [
            {"source": source.id, "indicator": item.id, "country": code, "partner": "",
             "year": year, "value": 1e9 * (1 + i) * (1 + (year - 1960) / 10),
             "unit": item.unit, "flag": ""}
            for item in catalogue.for_source(source.id)
            for i, code in enumerate(codes)
            for year in YEARS
        ]  # fmt: skip
        if records:
            result = SourceResult(source.id, make_frame(records), (), ("synthetic",), "0" * 64, "b")
            store.write_run(store.start_run(source.id), result)
    store.close()
    return url


def measure(folder: Path, repeats: int) -> list[Row]:
    """Snapshot read time and memory, the default view's render ratio and RSS per worker."""
    url = big_store(folder)
    store = Store.open(url)
    times, snap = [], None
    for _ in range(3):
        started = time.perf_counter()
        snap = snapshot.read(store)
        times.append((time.perf_counter() - started) * 1000)
    frames = (snap.observations, snap.runs, snap.meta, snap.history)
    memory = sum(f.memory_usage(deep=True).sum() for f in frames) / 2**20
    rows = [
        Row(f"{ECONOMIES} economies: observations", len(snap.observations), target=""),
        Row(f"{ECONOMIES} economies: snapshot read, median of 3 (ms)", statistics.median(times),
            target="≤ 1000 ms", absolute=1000),
        Row(f"{ECONOMIES} economies: snapshot in memory (MB)", memory, target=""),
    ]  # fmt: skip
    found, _ = render.measure(url, repeats)
    rows += [
        Row(f"{ECONOMIES} economies: {r.what}", r.ours, r.baseline, r.target, r.max_ratio,
            r.absolute)
        for r in found
        if r.what.startswith("render, new") or r.what.startswith("render, repeated")
    ]  # fmt: skip
    with servers.serving("project", url, gunicorn=True) as (base, pid):
        for _ in range(servers.WORKERS * 3):  # each worker reads the snapshot and renders
            requests.get(base + "/healthz", timeout=60)
        rss = max(servers.worker_rss_mb(pid) or [0.0])
    rows.append(
        Row(f"{ECONOMIES} economies: RSS per worker (MB)", rss, target="≤ 300 MB", absolute=300)
    )
    return rows
