"""Signed webhooks: each event as JSON to every WEBHOOK_URLS receiver, retried, logged, in the
background so a refresh never waits for or fails on a receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa

from config.about import APP_NAME, APP_VERSION
from config.clock import format_time, utcnow
from fetchers.store import changes
from fetchers.store.schema import deliveries

if TYPE_CHECKING:
    from config.catalogue import Catalogue
    from config.settings import Settings
    from fetchers.store.store import Store

log = logging.getLogger(__name__)
SCHEMA = "asymmetry-monitor/event/1"  # the payload's shape, documented in docs/watching.md
ATTEMPTS = 3  # tries per receiver: the first and two retries
BACKOFF = 1.0  # seconds before the first retry; doubled before each next one
TIMEOUT = 5.0  # seconds to connect, and then to get the answer's first bytes
MAX_TARGETS = 10  # receivers served; more are ignored (a typo must not fan out without end)
RETRIED = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Delivery:
    """How sending one event to one receiver ended."""

    event_id: str
    kind: str
    target: str  # the receiver without credentials or query
    status: str  # delivered or failed
    attempts: int
    http_status: int | None = None
    error: str = ""


def targets(raw: object) -> list[str]:
    """The receivers of a WEBHOOK_URLS value: http(s) URLs, comma-separated, first MAX_TARGETS."""
    out = []
    for part in str(raw or "").split(","):
        url = part.strip()
        if not url:
            continue
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            log.warning("WEBHOOK_URLS: %s is not an http(s) URL; skipped", shown(url))
            continue
        out.append(url)
    return out[:MAX_TARGETS]


def payload(change: changes.Change, public_url: str) -> dict:
    """The JSON a receiver gets: the event, its link with the vintage pinned, nothing internal."""
    fields = asdict(change)
    fields["revisions"] = [
        # Values as stored (the catalogue's units); `text` reads them as the page does.
        {
            **{k: v for k, v in asdict(r).items() if k != "scale"},
            "change": r.change,
            "text": r.text(),
        }
        for r in change.revisions
    ]
    return {
        "schema": SCHEMA,
        "app": APP_NAME,
        "app_version": APP_VERSION,
        **fields,
        "link": changes.permalink(public_url, change.as_of),
        "sent_at": utcnow(),
    }


def encode(body: dict) -> bytes:
    """The body's bytes, exactly as signed and sent."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """'sha256=<hex HMAC-SHA256 of timestamp + "." + body under the secret>'."""
    message = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def send(
    url: str,
    body: bytes,
    secret: str,
    *,
    event: tuple[str, str] = ("", ""),
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    timeout: float = TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST a body, signed afresh on each try, retrying timeouts, dropped connections, 429 and
    5xx with doubling waits; redirects are not followed; the answer's body is never read."""
    error, status, tried = "", None, 0
    for tried in range(1, attempts + 1):
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"{APP_NAME}/{APP_VERSION} webhook",
            "X-Timestamp": stamp,
            "X-Signature": signature(secret, stamp, body),
            "X-Event-Id": event[0],
        }
        try:
            with requests.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                stream=True,
            ) as answer:  # fmt: skip
                status = answer.status_code
        except requests.Timeout:
            error, status = "timed out", None
        except requests.RequestException:
            error, status = "could not connect", None
        else:
            if 200 <= status < 300:
                return Delivery(event[0], event[1], shown(url), "delivered", tried, status)
            error = f"HTTP {status}" + (" (redirects are not followed)" if status < 400 else "")
            if status not in RETRIED:
                break
        if tried < attempts:
            sleep(backoff * 2 ** (tried - 1))
    return Delivery(event[0], event[1], shown(url), "failed", tried, status, error)


def deliver(
    found: Sequence[changes.Change], settings: Settings, store: Store, only_new: bool = True
) -> list[Delivery]:
    """Send each event to each receiver (not again where it was delivered) and log each."""
    secret = str(getattr(settings, "webhook_secret", "") or "")
    urls = targets(getattr(settings, "webhook_urls", ""))
    if not urls or not found:
        return []
    if not secret:
        log.warning("WEBHOOK_SECRET is empty: webhooks are not sent unsigned")
        return []
    done = _delivered(store, [c.id for c in found]) if only_new else set()
    out = []
    for change in found:
        body = encode(payload(change, settings.public_url))
        for url in urls:
            if (change.id, shown(url)) in done:
                continue
            started = utcnow()
            result = send(
                url, body, secret, event=(change.id, change.kind),
                attempts=int(getattr(settings, "webhook_attempts", ATTEMPTS)),
                backoff=float(getattr(settings, "webhook_backoff", BACKOFF)),
                timeout=float(getattr(settings, "webhook_timeout", TIMEOUT)),
            )  # fmt: skip
            _log(store, result, started)
            out.append(result)
    return out


def after_run(run_id: int, settings: Settings, catalogue: Catalogue, store: Store) -> None:
    """Send the events a finished run brought, from a background thread (never raises)."""
    if not run_id or not targets(getattr(settings, "webhook_urls", "")):
        return
    # Not a daemon: `fetchers run` exits after its last refresh, and must not cut a delivery
    # short; every send is bounded (attempts x timeout + backoff), so the wait at exit is too.
    thread = threading.Thread(
        target=_run_events, args=(run_id, settings, catalogue, store), name=f"notify-{run_id}"
    )
    thread.start()


def test_event(settings: Settings) -> changes.Change:
    """An event of kind 'test', for `fetchers notify --test`."""
    now = utcnow()
    return changes.Change(
        id=changes.tag(changes.authority(settings.public_url), now, f"test/{now}"),
        kind="test",
        source="",
        source_title="",
        title=f"{APP_NAME}: test event",
        summary="A test of this receiver, sent by `python -m fetchers notify --test`.",
        updated=now,
        run_id=0,
        as_of=now,
    )


def command(settings: Settings, store: Store) -> int:
    """`fetchers notify --test`: send a test event now; 0 if every receiver took it."""
    if not targets(getattr(settings, "webhook_urls", "")):
        print("error: WEBHOOK_URLS names no http(s) receiver", flush=True)
        return 2
    if not getattr(settings, "webhook_secret", ""):
        print("error: WEBHOOK_SECRET is empty; webhooks are only sent signed", flush=True)
        return 2
    results = deliver([test_event(settings)], settings, store, only_new=False)
    for result in results:
        extra = f": {result.error}" if result.error else ""
        print(f"{result.target}: {result.status} after {result.attempts} attempt(s){extra}")
    return 0 if all(r.status == "delivered" for r in results) else 1


def shown(url: str) -> str:
    """A receiver as logged: scheme, host, port and path; never credentials or a query."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unreadable URL)"
    return f"{parts.scheme}://{host}{port}{parts.path}"[:255]


def _run_events(run_id: int, settings: Settings, catalogue: Catalogue, store: Store) -> None:
    """The run's events, sent; a failure is logged, never raised (this is a background thread)."""
    try:
        runs = store.runs()
        found = changes.changes(
            runs, store.history(run_id), catalogue, settings.refresh_hours,
            datetime.now(UTC), changes.authority(settings.public_url),
        )  # fmt: skip
        results = deliver(changes.for_run(found, runs, run_id), settings, store)
    except Exception:  # a background thread: nothing above it would see the error
        log.exception("sending the webhooks of run %s failed", run_id)
        return
    for result in results:
        line = "%s to %s: %s after %s attempt(s) %s"
        log.info(line, result.kind, result.target, result.status, result.attempts, result.error)


def _delivered(store: Store, ids: list[str]) -> set[tuple[str, str]]:
    """(event id, receiver) pairs already delivered."""
    query = sa.select(deliveries.c.event_id, deliveries.c.target).where(
        deliveries.c.event_id.in_(ids), deliveries.c.status == "delivered"
    )
    try:
        with store.engine.connect() as conn:
            return {(r.event_id, r.target) for r in conn.execute(query)}
    except sa.exc.SQLAlchemyError as exc:
        log.warning("could not read the webhook delivery log: %s", type(exc).__name__)
        return set()


def _log(store: Store, result: Delivery, started: str) -> None:
    """One row in the delivery log; a store that cannot take it is logged, not raised."""
    row = {**asdict(result), "started_at": started, "finished_at": format_time(datetime.now(UTC))}
    try:
        with store.engine.begin() as conn:
            conn.execute(deliveries.insert().values(**row))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("could not log a webhook delivery: %s", type(exc).__name__)
