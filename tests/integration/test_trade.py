"""Comtrade source over HTTP: both flows and partners, mirror data where Russia is silent."""

from __future__ import annotations

import pandas as pd
import pytest
from werkzeug import Response

from fetchers.jobs import refresh
from tests.conftest import make_settings
from tests.support.comtradefake import ComtradeFake, synthetic_trade


def serve(httpserver, handler):
    httpserver.expect_request("/v1/preview/C/A/HS").respond_with_handler(handler)
    return httpserver.url_for("/v1")


def test_trade_rows_and_mirror_flags(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake()
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    summary = refresh("trade", settings, catalogue, store)
    assert summary.ok, summary.error
    frame = store.observations(sources=["trade"])
    chn_x_rus = frame[
        (frame.indicator == "CMT.TOTAL.X") & (frame.country == "CHN") & (frame.partner == "RUS")
    ]
    assert chn_x_rus.set_index("year").loc[2015, "value"] == synthetic_trade(156, 643, "X", 2015)
    rus_x_chn = frame[
        (frame.indicator == "CMT.TOTAL.X") & (frame.country == "RUS") & (frame.partner == "CHN")
    ]
    by_year = rus_x_chn.set_index("year")
    assert by_year.loc[2020, "flag"] == ""
    assert by_year.loc[2020, "value"] == synthetic_trade(643, 156, "X", 2020)
    # After 2021 Russia reports nothing: China's imports from Russia stand in, flagged.
    assert by_year.loc[2023, "flag"] == "mirror"
    assert by_year.loc[2023, "value"] == synthetic_trade(156, 643, "M", 2023)
    rus_world = frame[(frame.country == "RUS") & (frame.partner == "WLD")]
    assert rus_world["year"].max() == 2021  # no mirror exists for Russia's world totals
    assert set(frame["unit"]) == {"current US$"}
    assert all("cmdCode=TOTAL" in r for r in fake.requests)


BROKEN = {
    "api error": (
        lambda fake, req: Response(
            '{"data": [], "error": "Too many periods"}', content_type="application/json"
        ),
        "API error: Too many periods",
    ),
    "html body": (
        lambda fake, req: Response("<html>Maintenance</html>", content_type="text/html"),
        "body is not JSON",
    ),
    "truncated": (
        lambda fake, req: Response(fake(req).get_data()[:100], content_type="application/json"),
        "body is not JSON",
    ),
    "http 503": (lambda fake, req: Response("busy", status=503), "HTTP 503 after retries"),
    "no data key": (
        lambda fake, req: Response('{"count": 0}', content_type="application/json"),
        "lacks the 'data' list",
    ),
}


@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_failures_keep_previous_data(tmp_path, httpserver, catalogue, store, fault):
    state = {"broken": False}
    fake = ComtradeFake()
    respond, message = BROKEN[fault]

    def handler(request):
        return respond(fake, request) if state["broken"] else fake(request)

    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, handler))
    assert refresh("trade", settings, catalogue, store).ok
    before = store.observations()
    state["broken"] = True
    failed = refresh("trade", settings, catalogue, store)
    assert not failed.ok
    assert message in failed.error
    pd.testing.assert_frame_equal(store.observations(), before)
    assert store.last_runs().set_index("source").loc["trade", "status"] == "failed"
