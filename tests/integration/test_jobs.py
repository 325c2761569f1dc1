"""refresh() end to end over HTTP, and its failure paths against a fault-injecting server."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from werkzeug import Response

from fetchers.jobs import refresh
from tests.conftest import make_settings
from tests.support.wbfake import WorldBankFake


def test_refresh_stores_the_source_values(settings, catalogue, store, wb):
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.ok, summary.error
    frame = store.observations()
    assert summary.rows == len(frame) == len(catalogue.for_source("worldbank")) * 3 * len(wb.years)
    for row in frame.sample(50, random_state=1).to_dict("records"):
        expected = wb.value(row["indicator"], row["country"], row["year"])
        assert (pd.isna(row["value"]) and expected is None) or row["value"] == expected


def test_rerun_records_zero_changes_and_revision_is_seen(settings, catalogue, store, wb):
    refresh("worldbank", settings, catalogue, store)
    again = refresh("worldbank", settings, catalogue, store)
    assert (again.added, again.changed) == (0, 0)
    wb.overrides[("NY.GDP.MKTP.CD", "RUS", 2020)] = 123.25
    revised = refresh("worldbank", settings, catalogue, store)
    assert revised.changed == 1
    assert store.history(revised.run_id)["new_value"].item() == 123.25


FAULTS = {
    "http 500": lambda fake, req: Response("oops", status=500),
    "http 429": lambda fake, req: Response("slow down", status=429, headers={"Retry-After": "0"}),
    "html body": lambda fake, req: Response(
        "<html><body>Maintenance</body></html>", content_type="text/html"
    ),
    "truncated json": lambda fake, req: Response(
        fake(req).get_data()[:200], content_type="application/json"
    ),
    "timeout": lambda fake, req: (time.sleep(1.5), fake(req))[1],
    "second page fails": lambda fake, req: (
        Response("bad gateway", status=502) if req.args.get("page") == "2" else fake(req)
    ),
    "envelope error": lambda fake, req: Response(
        '[{"message":[{"id":"175","key":"Service unavailable","value":"Try later"}]}]',
        content_type="application/json",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_failed_fetch_keeps_previous_data(fault, tmp_path, httpserver, catalogue, store, settings):
    fake = WorldBankFake()
    handler = {"fault": None}

    def serve(request):
        if handler["fault"] and "/country/" in request.path:
            return handler["fault"](fake, request)
        return fake(request)

    httpserver.expect_request(re.compile("^/v2/.*")).respond_with_handler(serve)
    fast = make_settings(
        tmp_path,
        WORLDBANK_API_URL=httpserver.url_for("/v2"),
        WORLDBANK_PER_PAGE="500",
        HTTP_TIMEOUT="0.5",
    )
    assert refresh("worldbank", fast, catalogue, store).ok
    before = store.observations()
    handler["fault"] = FAULTS[fault]
    summary = refresh("worldbank", fast, catalogue, store)
    assert not summary.ok
    assert summary.error.startswith("worldbank:")
    pd.testing.assert_frame_equal(store.observations(), before)
    last = store.last_runs()
    assert last["status"].item() == "failed"
    assert last["error"].item() == summary.error


def test_unreachable_source_is_a_failed_run(tmp_path, catalogue):
    settings = make_settings(tmp_path, WORLDBANK_API_URL="http://127.0.0.1:9/v2", HTTP_RETRIES="0")
    from fetchers.store import Store

    store = Store.open(settings.database_url)
    summary = refresh("worldbank", settings, catalogue, store)
    assert not summary.ok
    assert "request failed" in summary.error
    assert store.observations().empty
