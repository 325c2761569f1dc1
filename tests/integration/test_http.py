"""The HTTP layer over real loopback HTTP: spacing, 429 waits, typed errors and their reasons."""

from __future__ import annotations

import gzip
import json
import threading
import time

import pytest
from werkzeug import Response

from fetchers.sources import trade, worldbank_parse
from fetchers.sources.bounded import TooLarge, TooSlow
from fetchers.sources.http import Http
from fetchers.store.errors import APIError, BadResponse, HTTPStatusError, Kind, SourceUnavailable
from tests.conftest import make_settings
from tests.support.comtradefake import ComtradeFake, gateway

PARAMS = {"reporterCode": 156, "partnerCode": "0,643", "flowCode": "X,M", "cmdCode": "TOTAL"}


@pytest.fixture
def comtrade(httpserver):
    fake = ComtradeFake()
    httpserver.expect_request("/v1/preview/C/A/HS").respond_with_handler(fake)
    return fake, httpserver.url_for("/v1/preview/C/A/HS")


def test_calls_to_one_host_are_spaced(tmp_path, comtrade):
    fake, url = comtrade
    fake.interval = 0.3
    http = Http(make_settings(tmp_path, TRADE_MIN_INTERVAL="0.3"))
    for year in (2020, 2021, 2022):
        http.get_json("trade", url, {**PARAMS, "period": year}, trade.envelope)
    assert fake.refused == 0
    assert fake.times[2] - fake.times[0] >= 0.6


def test_429_waits_for_retry_after(tmp_path, comtrade):
    fake, url = comtrade
    fake.interval, fake.retry_after = 0.5, 1
    http = Http(make_settings(tmp_path, TRADE_MIN_INTERVAL="0"))
    http.get_json("trade", url, {**PARAMS, "period": 2020}, trade.envelope)
    started = time.monotonic()
    _, payload = http.get_json("trade", url, {**PARAMS, "period": 2021}, trade.envelope)
    assert time.monotonic() - started >= 1.0
    assert fake.refused == 1 and payload["count"] == 4


def test_429_without_header_waits_as_the_gateway_says(tmp_path, httpserver):
    answers = [gateway(429, "Rate limit is exceeded. Try again in 1 seconds.")]
    httpserver.expect_request("/x").respond_with_handler(
        lambda request: answers.pop() if answers else Response('{"data": []}')
    )
    http = Http(make_settings(tmp_path))
    started = time.monotonic()
    http.get_json("trade", httpserver.url_for("/x"), None, trade.envelope)
    assert time.monotonic() - started >= 1.0


def test_429_after_retries_keeps_the_gateways_message(tmp_path, httpserver):
    httpserver.expect_request("/x").respond_with_handler(
        lambda request: gateway(429, "Rate limit is exceeded. Try again in 0 seconds.")
    )
    http = Http(make_settings(tmp_path))
    with pytest.raises(HTTPStatusError) as info:
        http.get("trade", httpserver.url_for("/x"))
    assert info.value.status == 429
    assert info.value.reason == (
        "HTTP 429 from the source: Rate limit is exceeded. Try again in 0 seconds."
    )
    assert len(httpserver.log) == 2  # HTTP_RETRIES=1 in tests


def test_several_periods_are_refused_with_the_services_words(tmp_path, comtrade):
    _, url = comtrade
    http = Http(make_settings(tmp_path))
    with pytest.raises(HTTPStatusError) as info:
        http.get_json("trade", url, {**PARAMS, "period": "2020,2021"}, trade.envelope)
    assert info.value.status == 400
    assert "Only one period" in info.value.reason


def test_html_error_pages_never_reach_the_reason(tmp_path, httpserver):
    page = "<html><body>Internal error at /srv/app/secret.py password=hunter2</body></html>"
    httpserver.expect_request("/x").respond_with_data(page, status=403, content_type="text/html")
    with pytest.raises(HTTPStatusError) as info:
        Http(make_settings(tmp_path)).get("worldbank", httpserver.url_for("/x"))
    assert info.value.reason == "HTTP 403 from the source"
    assert "hunter2" in str(info.value)  # the detail, for the log only


def test_bodies_are_decoded_with_or_without_a_byte_order_mark(tmp_path, httpserver):
    body = json.dumps([{"page": 1, "pages": 1, "per_page": 50, "total": 0}, None]).encode()
    httpserver.expect_request("/bom").respond_with_data(b"\xef\xbb\xbf" + body)
    httpserver.expect_request("/html").respond_with_data("<html>maintenance</html>")
    http = Http(make_settings(tmp_path))
    _, payload = http.get_json(
        "worldbank", httpserver.url_for("/bom"), None, worldbank_parse.envelope
    )
    assert payload[0]["total"] == 0
    with pytest.raises(BadResponse) as info:
        http.get_json("worldbank", httpserver.url_for("/html"), None, worldbank_parse.envelope)
    assert info.value.reason == "the answer was not in the expected format"


def test_error_envelopes_are_api_errors(tmp_path, httpserver):
    httpserver.expect_request("/ct").respond_with_data('{"count": 0, "data": [], "error": "Bad"}')
    with pytest.raises(APIError) as info:
        Http(make_settings(tmp_path)).get_json(
            "trade", httpserver.url_for("/ct"), None, trade.envelope
        )
    assert info.value.reason == "the source refused the request: Bad"


@pytest.mark.parametrize(
    ("url", "kind", "reason"),
    [
        ("http://127.0.0.1:9/x", Kind.REFUSED, "connection refused by the source"),
        ("http://api.nothing.invalid/x", Kind.NETWORK, "cannot reach api.nothing.invalid — no network?"),
    ],
)  # fmt: skip
def test_unreachable_hosts_are_classified_by_type(tmp_path, url, kind, reason):
    http = Http(make_settings(tmp_path, HTTP_RETRIES="0"))
    with pytest.raises(SourceUnavailable) as info:
        http.get("worldbank", url)
    assert (info.value.kind, info.value.reason) == (kind, reason)


def test_timeout_is_classified(tmp_path, httpserver):
    httpserver.expect_request("/slow").respond_with_handler(
        lambda request: (time.sleep(0.6), Response("late"))[1]
    )
    http = Http(make_settings(tmp_path, HTTP_RETRIES="0", HTTP_TIMEOUT="0.2"))
    with pytest.raises(SourceUnavailable) as info:
        http.get("worldbank", httpserver.url_for("/slow"))
    assert info.value.reason == "the source did not answer within 0.2 s"


def _stream(chunk: bytes, pause: float, closed: threading.Event):
    """A body that never ends: `chunk` after `chunk`; `closed` is set once the server stops."""

    def body():
        try:
            while True:
                yield chunk
                if pause:
                    time.sleep(pause)
        finally:
            closed.set()

    return lambda request: Response(body(), direct_passthrough=True)


def test_an_endless_body_stops_at_the_sources_size_limit(tmp_path, httpserver):
    closed = threading.Event()
    httpserver.expect_request("/endless").respond_with_handler(_stream(b"[" * 65536, 0, closed))
    http = Http(make_settings(tmp_path, HTTP_RETRIES="0", WORLDBANK_MAX_MB="1"))
    with pytest.raises(TooLarge) as info:
        http.get("worldbank", httpserver.url_for("/endless"))
    assert info.value.reason == "the answer from the source was larger than 1 MB"
    assert http.bodies == []  # nothing of it kept
    # The connection was dropped: the server's endless body ends (polled, never timed).
    assert closed.wait(30)


def test_a_dripping_body_stops_at_the_overall_deadline(tmp_path, httpserver):
    closed = threading.Event()
    httpserver.expect_request("/drip").respond_with_handler(_stream(b"[", 0.5, closed))
    # Each byte arrives well within HTTP_TIMEOUT (2 s): only the overall deadline can end it.
    http = Http(make_settings(tmp_path, HTTP_RETRIES="0", HTTP_DEADLINE="1.5"))
    with pytest.raises(TooSlow) as info:
        http.get("worldbank", httpserver.url_for("/drip"))
    assert info.value.kind is Kind.TIMEOUT
    assert info.value.reason == "the source did not finish its answer within 1.5 s"
    assert closed.wait(30)


def test_a_gzip_bomb_is_cut_at_the_limit_while_decoding(tmp_path, httpserver):
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))  # 8 MB of zeros in ~8 KB
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    http = Http(make_settings(tmp_path, HTTP_RETRIES="0", TRADE_MAX_MB="1"))
    with pytest.raises(TooLarge):
        http.get("trade", httpserver.url_for("/bomb"))


def test_bodies_within_the_limit_are_read_whole(tmp_path, httpserver):
    body = b"x" * (1024 * 1024)  # exactly the limit
    httpserver.expect_request("/ok").respond_with_data(body)
    http = Http(make_settings(tmp_path, SIPRI_MAX_MB="1"))
    assert http.get("sipri", httpserver.url_for("/ok")).content == body
