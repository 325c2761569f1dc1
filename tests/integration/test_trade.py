"""Comtrade source over HTTP: one year per call, routine refreshes, mirror data where Russia is silent."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from werkzeug import Response

from fetchers.jobs.refresh import refresh
from fetchers.sources import trade
from fetchers.store.tidy import Previous
from tests.conftest import make_settings
from tests.support.comtradefake import ComtradeFake, synthetic_trade

LAST_YEAR = datetime.now(UTC).year - 1
ALL_YEARS = LAST_YEAR - 1992 + 1


def serve(httpserver, handler):
    httpserver.expect_request("/v1/preview/C/A/HS").respond_with_handler(handler)
    return httpserver.url_for("/v1")


def periods(fake):
    return [parse_qs(urlsplit(r).query)["period"][0] for r in fake.requests]


def test_trade_rows_and_mirror_flags(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake()
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    summary = refresh("trade", settings, catalogue, store)
    assert summary.status == "ok", summary.error
    # a first run backfills 1992 → last year, one call per year and reporter
    assert len(fake.requests) == 2 * ALL_YEARS
    assert sorted(set(periods(fake))) == [str(y) for y in range(1992, LAST_YEAR + 1)]
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
    assert all("cmdCode=TOTAL" in r and "flowCode=X%2CM" in r for r in fake.requests)
    assert summary.release == f"{min(LAST_YEAR + 1, 2099)}-03-01"


def test_routine_refresh_asks_recent_years_only(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake()
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    assert refresh("trade", settings, catalogue, store).ok
    before = store.observations(sources=["trade"])
    fake.requests.clear()
    again = refresh("trade", settings, catalogue, store)
    assert again.status == "ok", again.error
    assert len(fake.requests) == 6 <= 12  # 3 recent years × 2 reporters
    assert sorted(set(periods(fake))) == [str(y) for y in range(LAST_YEAR - 2, LAST_YEAR + 1)]
    # years not asked are kept as they were
    pd.testing.assert_frame_equal(store.observations(sources=["trade"]), before)
    fake.requests.clear()
    assert refresh("trade", settings, catalogue, store, full=True).ok
    assert len(fake.requests) == 2 * ALL_YEARS


def test_years_never_stored_are_asked():
    previous = Previous(years=frozenset(range(1992, 2020)) - {2005})
    assert trade.years_to_ask(previous, 2025, 3) == [2005, 2020, 2021, 2022, 2023, 2024, 2025]
    assert trade.years_to_ask(Previous(), 2025, 3) == list(range(1992, 2026))
    asked = Previous(years=frozenset({2024}), validators={"years_asked": "1992-2025"})
    assert trade.years_to_ask(asked, 2025, 3) == [2023, 2024, 2025]


def test_empty_years_are_no_error_and_not_asked_again(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake(first_year=2000)  # count: 0 for 1992–1999
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    summary = refresh("trade", settings, catalogue, store)
    assert summary.status == "ok", summary.error
    assert store.observations(sources=["trade"])["year"].min() == 2000
    fake.requests.clear()
    assert refresh("trade", settings, catalogue, store).ok
    assert len(fake.requests) == 6


def test_a_year_nobody_reported_stays_missing(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake(silent_after={643: 2021, 156: 2022})
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    assert refresh("trade", settings, catalogue, store).ok
    frame = store.observations(sources=["trade"])
    assert frame[frame.country == "RUS"]["year"].max() == 2022  # mirrored from China's 2022
    assert frame["year"].max() == 2022


def test_a_full_answer_is_noted_as_possibly_cut(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake()
    settings = make_settings(tmp_path, TRADE_API_URL=serve(httpserver, fake))
    assert refresh("trade", settings, catalogue, store).ok
    fake.extra_records = 600
    summary = refresh("trade", settings, catalogue, store)
    assert summary.status == "ok"
    assert f"{LAST_YEAR}: 500 records, the preview's cap: possibly cut" in summary.notes
    assert "possibly cut" in store.last_runs().set_index("source").loc["trade", "notes"]


def test_spaced_calls_are_never_refused(tmp_path, httpserver, catalogue, store):
    fake = ComtradeFake()
    url = serve(httpserver, fake)
    assert refresh("trade", make_settings(tmp_path, TRADE_API_URL=url), catalogue, store).ok
    fake.requests.clear()
    fake.times.clear()
    fake.interval = 0.2  # the emulator answers 429 to calls closer than this
    spaced = make_settings(tmp_path, TRADE_API_URL=url, TRADE_MIN_INTERVAL="0.2")
    assert refresh("trade", spaced, catalogue, store).ok
    assert (fake.refused, len(fake.requests)) == (0, 6)
    gaps = [b - a for a, b in zip(fake.times, fake.times[1:], strict=False)]
    assert min(gaps) >= 0.2


def test_a_hurried_refresh_waits_as_told_and_stores_exact_values(
    tmp_path, httpserver, catalogue, store
):
    fake = ComtradeFake()
    url = serve(httpserver, fake)
    assert refresh("trade", make_settings(tmp_path, TRADE_API_URL=url), catalogue, store).ok
    fake.requests.clear()
    fake.interval, fake.retry_after = 0.3, 1
    hurried = make_settings(
        tmp_path, TRADE_API_URL=url, TRADE_MIN_INTERVAL="0", TRADE_RECENT_YEARS="1"
    )
    started = time.monotonic()
    summary = refresh("trade", hurried, catalogue, store)
    assert summary.status == "ok", summary.error
    assert fake.refused >= 1
    assert time.monotonic() - started >= fake.refused * 1.0  # each 429 waited Retry-After
    assert len(fake.requests) == 2 + fake.refused <= 4
    frame = store.observations(sources=["trade"]).set_index(
        ["indicator", "country", "partner", "year"]
    )
    assert frame.loc[("CMT.TOTAL.X", "CHN", "RUS", LAST_YEAR), "value"] == synthetic_trade(
        156, 643, "X", LAST_YEAR
    )


BROKEN = {
    "api error": (
        lambda fake, req: Response(
            '{"data": [], "error": "Too many periods"}', content_type="application/json"
        ),
        "the source refused the request: Too many periods",
    ),
    "html body": (
        lambda fake, req: Response("<html>Maintenance</html>", content_type="text/html"),
        "the answer was not in the expected format",
    ),
    "truncated": (
        lambda fake, req: Response(fake(req).get_data()[:100], content_type="application/json"),
        "the answer was not in the expected format",
    ),
    "http 503": (lambda fake, req: Response("busy", status=503), "HTTP 503 from the source"),
    "no data key": (
        lambda fake, req: Response('{"count": 0}', content_type="application/json"),
        "the answer was not in the expected format",
    ),
    "gateway 401": (
        lambda fake, req: Response(
            '{"statusCode": 401, "message": "Access denied due to missing subscription key."}',
            status=401,
            content_type="application/json",
        ),
        "HTTP 401 from the source: Access denied due to missing subscription key.",
    ),
}


@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_failures_keep_previous_data(tmp_path, httpserver, catalogue, store, fault):
    state = {"broken": False}
    fake = ComtradeFake()
    respond, reason = BROKEN[fault]

    def handler(request):
        return respond(fake, request) if state["broken"] else fake(request)

    settings = make_settings(
        tmp_path, TRADE_API_URL=serve(httpserver, handler), TRADE_MIN_INTERVAL="0"
    )
    assert refresh("trade", settings, catalogue, store).ok
    before = store.observations()
    state["broken"] = True
    failed = refresh("trade", settings, catalogue, store)
    assert failed.status == "failed"
    assert failed.error == reason
    pd.testing.assert_frame_equal(store.observations(), before)
    assert store.last_runs().set_index("source").loc["trade", "status"] == "failed"
