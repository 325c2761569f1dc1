"""Load script (not a timed test): C clients replay the page's render under gunicorn for S seconds.

Run: `python -m tests.benchmarks.load [--clients 50] [--seconds 30]` — gunicorn with the README's
worker count and the separate scheduler, on a store of SYNTHETIC data, while a refresh rewrites
the World Bank values (alternately ×1 and ×2) every few seconds. Prints requests/s, p50/p95,
errors, RSS before and after, and how many responses mixed old and new data (the bar: none).

`--slow [--seconds 60] [--exports 6] [--sync]`: the production server (`gunicorn -c
config/gunicorn.conf.py`) while 8 clients send a request body one byte every 2 s, 4 send their
headers the same way, and a burst of report ZIP exports arrives at once; /healthz is probed every
second and each answer's time printed (the bar: every one within 2 s, no export answered 5xx).
`--sync` runs the same against sync workers (the old README command), for comparison.
"""

from __future__ import annotations

import argparse
import base64
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests

from config.catalogue import load_catalogue
from fetchers.jobs import refresh
from fetchers.store.store import Store
from tests.benchmarks import render, replay, servers
from tests.benchmarks.table import Row
from tests.support.seed import worldbank_result
from tests.support.wbfake import synthetic_value

MAX_SECONDS = 300
SCALES = (1.0, 2.0)


@dataclass
class Load:
    """One load run's timings and memory."""

    timings: replay.Timings
    rss_before: list[float]
    rss_after: list[float]
    mixed: int = 0
    checked: int = 0  # responses whose World Bank values could be traced to a write
    refreshes: int = 0


def under_load(base: str, pid: int, views: list[dict], clients: int, seconds: float,
               writer=None) -> Load:  # fmt: skip
    """Replay `views` from `clients` threads for `seconds`, optionally while `writer` runs."""
    before = servers.worker_rss_mb(pid)
    stop = threading.Event()
    count = [0]
    thread = None
    if writer is not None:
        thread = threading.Thread(target=writer, args=(stop, count))
        thread.start()
    try:
        timings = replay.concurrent(base, views, clients, seconds, keep=writer is not None)
    finally:
        stop.set()
        if thread:
            thread.join()
    load = Load(timings, before, servers.worker_rss_mb(pid), refreshes=count[0])
    scales = [scales_in(response) for response in timings.responses]
    load.checked = sum(bool(found) for found in scales)
    load.mixed = sum(len(found) > 1 for found in scales)
    timings.responses.clear()
    return load


def concurrency_rows(database_url: str, clients: int, seconds: float) -> list[Row]:
    """The project and the bare app under the README's gunicorn command, same clients."""
    charts = render.default_charts(database_url)
    results = {}
    for app in ("project", "bare"):
        with servers.serving(
            app, database_url, gunicorn=True, BARE_CHARTS=str(charts), RATE_LIMIT="off"
        ) as (
            base,
            pid,
        ):
            views = render.captured(app, base, charts).views(app, 10)
            replay.sequential(base, views[:2])  # warm up
            results[app] = under_load(base, pid, views, clients, seconds)
    ours, bare = results["project"], results["bare"]
    label = f"{clients} clients, gunicorn -w {servers.WORKERS}"
    return [
        Row(f"{label}: renders/s", ours.timings.per_second, bare.timings.per_second,
            "≥ 0.25× bare", min_ratio=0.25),
        Row(f"{label}: p95 (ms)", ours.timings.p(95), bare.timings.p(95), "≤ 1,000 ms",
            absolute=1000),
        Row(f"{label}: p50 (ms)", ours.timings.p(50), bare.timings.p(50), ""),
        Row(f"{label}: errors", len(ours.timings.errors), len(bare.timings.errors), "0",
            absolute=0),
        Row("serving RSS per worker after load (MB, max)", max(ours.rss_after, default=0),
            max(bare.rss_after, default=0), "≤ 250 MB", absolute=250),
    ]  # fmt: skip


# --- mixed data: every World Bank value in one response must come from one refresh -------------
def scales_in(response: dict) -> set[float]:
    """The write scales (×1, ×2) that one callback response's World Bank table rows and charts
    show (each callback of a view answers from one data version; the view's callbacks may not)."""
    wb = {i.id for i in load_catalogue().for_source("worldbank")}
    iso3 = {c.name: c.iso3 for c in load_catalogue().countries}
    found: set[float] = set()
    body = response.get("response", {})
    table = body.get("table", {})
    for row in (table.get("getRowsResponse") or {}).get("rowData") or table.get("rowData") or []:
        if row.get("indicator") in wb and isinstance(row.get("value"), int | float):
            found |= _scale(row["indicator"], iso3.get(row.get("country_name"), ""),
                            row["year"], row["value"])  # fmt: skip
    for figure in _figures(body.get("charts")):
        for trace in figure.get("data", []):
            country = iso3.get(trace.get("name"), "")
            ys = _array(trace.get("y"))
            xs = _array(trace.get("x")) or [trace.get("x0", 0) + i * trace.get("dx", 1)
                                             for i in range(len(ys))]  # fmt: skip
            for indicator in wb:
                hits = {
                    s
                    for x, y in zip(xs, ys, strict=False)
                    for s in _scale(indicator, country, x, y)
                }
                if len(hits) == 1 and len(xs) > 3:
                    found |= hits
    return found


def _scale(indicator: str, country: str, year, value) -> set[float]:
    try:
        expected = synthetic_value(indicator, country, int(year))
    except (TypeError, ValueError):
        return set()
    if not expected or value is None:
        return set()
    return {s for s in SCALES if abs(float(value) - expected * s) <= 1e-6 * abs(expected * s)}


def _array(data) -> list:
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return data if isinstance(data, list) else []


def _figures(node):
    if isinstance(node, dict):
        if "data" in node and "layout" in node:
            yield node
        else:
            for value in node.values():
                yield from _figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from _figures(value)


# --- the load script ----------------------------------------------------------------------------
def refresher(database_url: str, every: float):
    """A writer: World Bank refreshes through the real refresh path, values alternately ×1, ×2."""
    catalogue = load_catalogue()
    settings = servers.settings_for(database_url)
    store = Store.open(database_url)

    def run(stop: threading.Event, count: list[int]) -> None:
        while not stop.wait(every):
            scale = SCALES[(count[0] + 1) % 2]

            def fetch(*_args, scale: float = scale):
                return worldbank_result(catalogue, scale)

            summary = refresh.refresh("worldbank", settings, catalogue, store, fetch=fetch)
            if summary.ok:
                count[0] += 1

    return run


# --- slow clients: the production server's settings against clients that trickle bytes ---------
SLOW_BODY = 8
SLOW_HEADER = 4
DRIP = 2.0  # seconds between two bytes of a slow client
PROBE_LIMIT = 2.0  # every /healthz answer within this
EXPORT_VIEW = {"indicators": ["NY.GDP.MKTP.CD", "MS.MIL.XPND.CD", "NE.EXP.GNFS.CD"]}


def slow_clients(seconds: float, sync: bool, exports: int = 0) -> int:
    """Serve with config/gunicorn.conf.py (or sync workers) while slow clients hold connections;
    probe /healthz every second; print each probe's time and the verdict."""
    with tempfile.TemporaryDirectory() as folder:
        url = servers.seeded_store(Path(folder))
        port = servers.free_port()
        command = [str(servers.GUNICORN), "-c", "config/gunicorn.conf.py"]
        if sync:  # the README's old command: four sync workers, gunicorn's default timeout
            command += ["-k", "sync", "--threads", "1", "--timeout", "30"]
        process = subprocess.Popen(
            [*command, "dashboard.server.app:server"], cwd=servers.ROOT,
            env=servers.environment(url, port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        stop = threading.Event()
        try:
            servers.wait_until_up(base, process)
            for _ in range(servers.WORKERS * 2):  # every worker has built the app
                requests.get(base + "/healthz", timeout=30)
            drips = [
                threading.Thread(target=_drip, args=(port, kind, stop), daemon=True)
                for kind in ["body"] * SLOW_BODY + ["header"] * SLOW_HEADER
            ]
            for drip in drips:
                drip.start()
            time.sleep(DRIP)  # every slow client is connected and has sent its first bytes
            answers: list[tuple[int, float, str]] = []
            burst = threading.Thread(target=_export_burst, args=(base, exports, answers))
            threading.Timer(3.0, burst.start).start()  # a few probes first, then the burst
            probes = _probe(base + "/healthz", seconds)
            burst.join()
        finally:
            stop.set()
            process.terminate()
            try:
                _, errors = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                _, errors = process.communicate()
    times = [t for t, ok in probes if ok]
    late = [t for t, ok in probes if not ok or t > PROBE_LIMIT]
    kind = "sync workers (-k sync -w 4)" if sync else "config/gunicorn.conf.py (gthread)"
    print(f"{kind}; {SLOW_BODY} slow-body + {SLOW_HEADER} slow-header clients (a byte every "
          f"{DRIP:g} s); /healthz probed every second for {seconds:g} s")  # fmt: skip
    print("probe times (s): " + " ".join(f"{t:.2f}" if ok else "FAIL" for t, ok in probes))
    if times:
        print(f"probes: {len(probes)}, answered {len(times)}; median {statistics.median(times):.3f}"
              f" s, max {max(times):.3f} s; over {PROBE_LIMIT:g} s or failed: {len(late)}")  # fmt: skip
    if exports:
        codes = sorted(f"{code} {said}" for code, _, said in answers)
        print(f"{exports} report ZIP exports at once: {', '.join(codes)}; slowest answer "
              f"{max((t for _, t, _ in answers), default=0):.1f} s")  # fmt: skip
    timeouts = errors.decode(errors="replace").count("WORKER TIMEOUT")
    print(f"gunicorn WORKER TIMEOUT lines: {timeouts}")
    failed_exports = [code for code, _, _ in answers if code == 0 or code >= 500]
    return 0 if probes and not late and not failed_exports else 1


def _export_burst(base: str, count: int, answers: list[tuple[int, float, str]]) -> None:
    """`count` report ZIP requests at once, as `count` clicks on the page's ZIP button."""
    if not count:
        return
    deps = requests.get(base + "/_dash-dependencies", timeout=30).json()
    dep = next(d for d in deps if any(i["id"] == "export-zip" for i in d["inputs"]))
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]}
               for p in dep["output"].strip(".").split("...")]  # fmt: skip
    body = {"output": dep["output"], "outputs": outputs, "changedPropIds": ["export-zip.n_clicks"],
            "inputs": [{"id": "export-zip", "property": "n_clicks", "value": 1}],
            "state": [{"id": "view", "property": "data", "value": EXPORT_VIEW}]}  # fmt: skip

    def one() -> None:
        started = time.monotonic()
        try:
            answer = requests.post(base + "/_dash-update-component", json=body, timeout=120)
            code, text = answer.status_code, answer.text
        except requests.RequestException:
            code, text = 0, ""
        said = "zip" if "Downloaded" in text else "busy" if "busy" in text else "other"
        answers.append((code, time.monotonic() - started, said))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _drip(port: int, kind: str, stop: threading.Event) -> None:
    """One slow client: a callback POST whose body, or a GET whose headers, come a byte at a time."""
    if kind == "body":
        head = (b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n")  # fmt: skip
        drip = b'{"output": "' + b"x" * 4000
    else:
        head, drip = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Slow: " + b"y" * 4000
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(head)
            for byte in drip:
                if stop.wait(DRIP):
                    return
                sock.sendall(bytes([byte]))
    except OSError:
        return  # the server closed it: a slow client may be cut off


def _probe(url: str, seconds: float) -> list[tuple[float, bool]]:
    """GET `url` once a second for `seconds`: each answer's time and whether it was a 200."""
    found = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            status = requests.get(url, timeout=10).status_code
            ok = status == 200
            if not ok:
                print(f"probe: HTTP {status}", flush=True)
        except requests.RequestException as exc:
            print(f"probe: {type(exc).__name__}", flush=True)
            ok = False
        took = time.monotonic() - started
        found.append((took, ok))
        time.sleep(max(0.0, 1.0 - took))
    return found


def main(argv: list[str] | None = None) -> int:
    """Serve under gunicorn with the separate scheduler, load it, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--workers", type=int, default=servers.WORKERS)
    parser.add_argument("--refresh-every", type=float, default=3.0, help="seconds between writes")
    parser.add_argument("--slow", action="store_true", help="slow clients against /healthz")
    parser.add_argument("--sync", action="store_true", help="with --slow: sync workers")
    parser.add_argument("--exports", type=int, default=6, help="with --slow: report ZIPs at once")
    args = parser.parse_args(argv)
    seconds = min(args.seconds, MAX_SECONDS)
    if args.slow:
        return slow_clients(seconds, args.sync, args.exports)
    with tempfile.TemporaryDirectory() as folder:
        url = servers.seeded_store(Path(folder))
        charts = render.default_charts(url)
        # The clients all come from 127.0.0.1: per-client limits would refuse most of them.
        serving = servers.serving("project", url, gunicorn=True, workers=args.workers,
                                  RATE_LIMIT="off")  # fmt: skip
        with serving as (base, pid):
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "fetchers", "schedule"],
                cwd=servers.ROOT,
                env=servers.environment(url, 0),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                views = render.captured("project", base, charts).views("project", 10)
                replay.sequential(base, views[:2])
                load = under_load(base, pid, views, args.clients, seconds,
                                  refresher(url, args.refresh_every))  # fmt: skip
            finally:
                scheduler.terminate()
                scheduler.wait(timeout=15)
    t = load.timings
    print(f"gunicorn -w {args.workers}, separate scheduler; {args.clients} clients for "
          f"{seconds:g} s; {load.refreshes} World Bank refreshes written meanwhile")  # fmt: skip
    print(f"requests: {len(t.seconds)} ok, {len(t.errors)} errors"
          + (f" ({', '.join(sorted(set(t.errors)))})" if t.errors else ""))  # fmt: skip
    print(f"throughput: {t.per_second:.1f} requests/s; p50 {t.p(50):.0f} ms, p95 {t.p(95):.0f} ms")
    print(f"RSS per worker before: {_mb(load.rss_before)}; after: {_mb(load.rss_after)}")
    print(f"responses mixing old and new data: {load.mixed} "
          f"(of {load.checked} whose World Bank values could be traced to one write)")  # fmt: skip
    return 0 if not t.errors and not load.mixed and load.checked else 1


def _mb(values: list[float]) -> str:
    return ", ".join(f"{v:.0f} MB" for v in values) or "—"


if __name__ == "__main__":
    sys.exit(main())
