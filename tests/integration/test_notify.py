"""Signed webhooks over real HTTP to a local receiver, after real refreshes into a real store."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from werkzeug import Request, Response

from fetchers.jobs import notify
from fetchers.jobs.refresh import refresh
from fetchers.store.changes import changes, for_run
from fetchers.store.schema import deliveries
from tests.support.releases import fail_run, two_releases
from tests.support.wait import until

SECRET = "s3cret-for-tests"


class Hooked:
    """Settings plus the webhook settings (until config/settings.py carries them)."""

    def __init__(self, base, **extra):
        self._base, self._extra = base, extra

    def __getattr__(self, name):
        return self._extra[name] if name in self._extra else getattr(self._base, name)


class Receiver:
    """Records every POST; answers with the statuses queued, then 200."""

    def __init__(self, statuses=()):
        self.bodies: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)

    def __call__(self, request: Request) -> Response:
        self.bodies.append((dict(request.headers), request.get_data()))
        status = self.statuses.pop(0) if self.statuses else 200
        headers = {"Location": "http://10.0.0.5/"} if 300 <= status < 400 else {}
        return Response("ok", status=status, headers=headers)


def verified(headers: dict, body: bytes) -> bool:
    """What a receiver does: recompute the HMAC of timestamp.body and compare in constant time."""
    message = headers["X-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Signature"])


def logged(store, deadline=20.0):
    """The delivery log's rows, polled until one is there (the send runs in the background)."""

    def rows() -> list[dict]:
        with store.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(sa.select(deliveries))]

    return until(rows, timeout=deadline)


@pytest.fixture
def receiver(httpserver):
    handler = Receiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    return handler


def hooked(settings, httpserver, **extra):
    urls = extra.pop("urls", httpserver.url_for("/hook"))
    return Hooked(
        settings, **{"webhook_urls": urls, "webhook_secret": SECRET, "webhook_backoff": 0, **extra}
    )


def test_a_revised_release_is_sent_signed_after_the_refresh(
    settings, catalogue, store, wb, receiver, httpserver
):
    first = refresh("worldbank", hooked(settings, httpserver), catalogue, store)
    assert first.ok
    logged(store)
    wb.overrides[("NY.GDP.MKTP.CD", "RUS", 2020)] = 123.25
    revised = refresh("worldbank", hooked(settings, httpserver), catalogue, store, full=True)
    assert revised.changed == 1
    found = until(  # the send runs in the background
        lambda: [
            (h, b) for h, b in list(receiver.bodies) if json.loads(b)["run_id"] == revised.run_id
        ],
        timeout=20,
    )
    headers, body = found[0]
    assert verified(headers, body)
    event = json.loads(body)
    assert event["schema"] == notify.SCHEMA
    assert event["kind"] == "release" and event["run_id"] == revised.run_id
    assert event["revised"] == 1
    assert event["revisions"][0]["indicator"] == "NY.GDP.MKTP.CD"
    assert event["revisions"][0]["text"].startswith("Russia's GDP 2020: ")
    assert event["link"].startswith(settings.public_url + "/?as_of=")
    assert headers["X-Event-Id"] == event["id"]
    # The delivery is logged once the receiver has answered: wait for the row, not the body.
    rows = until(lambda: [r for r in logged(store) if r["event_id"] == event["id"]], timeout=20)
    assert [(r["status"], r["attempts"], r["http_status"]) for r in rows] == [("delivered", 1, 200)]


def test_a_receiver_that_is_down_never_fails_the_refresh(
    settings, catalogue, store, wb, httpserver
):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    summary = refresh(
        "worldbank", hooked(settings, httpserver, urls=closed, webhook_attempts=2), catalogue, store
    )
    assert summary.ok
    row = until(lambda: logged(store), timeout=20)[0]  # sent (and logged) in the background
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 2, "could not connect")
    assert row["target"] == closed


def test_retries_back_off_and_stop_at_a_client_error(httpserver):
    handler = Receiver([503, 429, 200])
    httpserver.expect_request("/hook").respond_with_handler(handler)
    waits: list[float] = []
    result = notify.send(
        httpserver.url_for("/hook"), b"{}", SECRET, backoff=0.5, sleep=waits.append
    )
    assert (result.status, result.attempts, waits) == ("delivered", 3, [0.5, 1.0])
    assert all(verified(h, b) for h, b in handler.bodies)
    handler.statuses = [400]
    refused = notify.send(httpserver.url_for("/hook"), b"{}", SECRET, sleep=waits.append)
    assert (refused.status, refused.attempts, refused.error) == ("failed", 1, "HTTP 400")


def test_a_redirect_is_not_followed(httpserver):
    httpserver.expect_request("/hook").respond_with_handler(Receiver([302]))
    result = notify.send(httpserver.url_for("/hook"), b"{}", SECRET, sleep=lambda s: None)
    assert (result.status, result.error) == ("failed", "HTTP 302 (redirects are not followed)")


def test_events_carry_no_internal_detail_and_are_sent_once(
    settings, catalogue, store, receiver, httpserver
):
    two_releases(store)
    failed = fail_run(store, "the source did not answer", "2026-02-06T00:00:00Z")
    hooks = hooked(settings, httpserver)

    runs = store.runs()
    found = changes(runs, store.history(), catalogue, settings.refresh_hours,
                    datetime(2026, 3, 1, tzinfo=UTC), "example.org")  # fmt: skip
    ours = for_run(found, runs, failed)
    assert [c.kind for c in ours] == ["down"]
    assert [r.status for r in notify.deliver(ours, hooks, store)] == ["delivered"]
    assert notify.deliver(ours, hooks, store) == []  # delivered already: not again
    body = receiver.bodies[0][1].decode()
    assert "10.0.0.5" not in body and "secret" not in body.lower() and "did not answer" not in body


def test_no_secret_sends_nothing(settings, catalogue, store, receiver, httpserver):
    hooks = hooked(settings, httpserver, webhook_secret="")
    assert notify.deliver([notify.test_event(hooks)], hooks, store) == []
    assert receiver.bodies == []


def test_the_test_command_sends_one_signed_test_event(
    settings, store, receiver, httpserver, capsys
):
    assert notify.command(hooked(settings, httpserver), store) == 0
    headers, body = receiver.bodies[0]
    assert verified(headers, body) and json.loads(body)["kind"] == "test"
    assert "delivered after 1 attempt(s)" in capsys.readouterr().out


def test_receivers_without_credentials_in_the_log():
    assert notify.targets(" https://u:p@hooks.example/x?token=1 , ftp://x, ,http://h:81/y") == [
        "https://u:p@hooks.example/x?token=1", "http://h:81/y"]  # fmt: skip
    assert notify.shown("https://u:p@hooks.example/x?token=1") == "https://hooks.example/x"
