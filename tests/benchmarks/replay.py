"""Capture a page's own callback requests in headless chromium, and replay them over HTTP."""

from __future__ import annotations

import copy
import json
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import requests

CALLBACK_PATH = "/_dash-update-component"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@dataclass
class Capture:
    """What one page load sent and how long it took to draw its charts."""

    bodies: list[dict]
    first_chart_ms: float  # navigation start → every chart drawn
    page_bytes: int  # bytes on the wire for the whole page load (compressed where served so)


def capture(base: str, charts: int, timeout_ms: float = 60_000) -> Capture:
    """Load the page once in headless chromium; record its callback POSTs and its draw time."""
    from playwright.sync_api import sync_playwright

    bodies: list[dict] = []
    sizes: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on(
            "request",
            lambda r: bodies.append(json.loads(r.post_data)) if CALLBACK_PATH in r.url else None,
        )
        page.on("requestfinished", lambda r: sizes.append(_wire_bytes(r)))
        page.goto(base + "/", wait_until="commit")
        # A locator, not wait_for_function: the project's CSP forbids evaluating strings.
        page.locator(".js-plotly-plot .main-svg").nth(charts - 1).wait_for(timeout=timeout_ms)
        drawn = page.evaluate("performance.now()")
        browser.close()
    return Capture(bodies, drawn, sum(sizes))


def _wire_bytes(request) -> int:
    try:
        sizes = request.sizes()
        return sizes["responseBodySize"] + sizes["responseHeadersSize"]
    except Exception:  # noqa: BLE001 - a request that failed has no sizes; it counts 0
        return 0


def render_request(bodies: Sequence[dict], output: str) -> dict:
    """The captured request whose outputs include `output` (e.g. 'charts.children')."""
    for body in bodies:
        if output in body["output"]:
            return body
    raise LookupError(f"the page sent no callback for {output}; outputs: "
                      f"{[b['output'][:80] for b in bodies]}")  # fmt: skip


def view_requests(bodies: Sequence[dict], ids: Sequence[str]) -> list[dict]:
    """Every callback a view change fires: the captured requests that set one of `ids` or take
    it as an input (the last request per callback, as the page finally sent it)."""
    found: dict[str, dict] = {}
    for body in bodies:
        reads = any(isinstance(v, dict) and v.get("id") in ids for v in body.get("inputs", []))
        sets = any(f"{i}." in body["output"] for i in ids)
        if reads or sets:
            found[body["output"]] = body
    return list(found.values())


def with_input(
    body: dict, input_id: str, change: Callable[[object], object], prop: str | None = None
) -> dict:
    """A copy of a callback request with one input's (or state's) value changed, if it has it
    (only its `prop` property, when given)."""
    out = copy.deepcopy(body)
    for item in [*out["inputs"], *out.get("state", [])]:
        if not isinstance(item, dict) or item.get("id") != input_id or "value" not in item:
            continue
        if prop is None or item.get("property") == prop:
            item["value"] = change(item["value"])
    return out


@dataclass
class Timings:
    """Per-request latencies in seconds, response sizes in bytes, errors."""

    seconds: list[float] = field(default_factory=list)
    body_bytes: list[int] = field(default_factory=list)
    wire_bytes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    responses: list[dict] = field(default_factory=list)

    def p(self, q: float) -> float:
        """The q-th percentile latency (0–100), in ms."""
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return 1000 * ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    @property
    def per_second(self) -> float:
        return len(self.seconds) / self.wall if self.wall else float("nan")

    @property
    def size(self) -> int:
        return int(statistics.median(self.body_bytes)) if self.body_bytes else 0

    @property
    def wire(self) -> int:
        return int(statistics.median(self.wire_bytes)) if self.wire_bytes else 0


Group = Sequence[dict]  # the requests one view change sends: timed as one render


def post(session: requests.Session, url: str, group: Group, timings: Timings, keep: bool) -> None:
    """One view's callback requests in turn, timed and sized together; an error is recorded."""
    start, body_bytes, wire_bytes, kept = time.perf_counter(), 0, 0, []
    try:
        for body in group:
            r = session.post(url, json=body, timeout=60, headers={"Accept-Encoding": "gzip, br"})
            if r.status_code not in (200, 204):  # 204: a callback that had nothing to update
                timings.errors.append(f"HTTP {r.status_code}")
                return
            body_bytes += len(r.content)
            wire_bytes += int(r.headers.get("Content-Length") or len(r.content))
            if keep and r.content:
                kept.append(r.json())
    except (requests.RequestException, ValueError) as exc:
        timings.errors.append(type(exc).__name__)
        return
    timings.seconds.append(time.perf_counter() - start)
    timings.body_bytes.append(body_bytes)
    timings.wire_bytes.append(wire_bytes)
    timings.responses += kept


def sequential(base: str, groups: Sequence[Group], repeat: int = 1) -> Timings:
    """Send each view's requests in turn, `repeat` times over, from one client."""
    timings = Timings()
    start = time.perf_counter()
    with requests.Session() as session:
        for _ in range(repeat):
            for group in groups:
                post(session, base + CALLBACK_PATH, group, timings, keep=False)
    timings.wall = time.perf_counter() - start
    return timings


def concurrent(
    base: str,
    groups: Sequence[Group],
    clients: int,
    seconds: float,
    keep: bool = False,
) -> Timings:
    """`clients` threads cycle through `groups` for `seconds` (each finishes its last view)."""
    timings = Timings()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        mine = Timings()
        with requests.Session() as session:
            k = 0
            while time.perf_counter() < deadline:
                post(session, base + CALLBACK_PATH, groups[(n + k) % len(groups)], mine, keep)
                k += 1
        with lock:
            for name in ("seconds", "body_bytes", "wire_bytes", "errors", "responses"):
                getattr(timings, name).extend(getattr(mine, name))

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.wall = time.perf_counter() - start
    return timings
