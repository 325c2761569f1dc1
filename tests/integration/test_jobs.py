"""refresh() end to end over HTTP, and its failure paths against a fault-injecting server."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from werkzeug import Response

from fetchers.jobs.refresh import RunSummary, exit_code, refresh
from fetchers.store.errors import RunLocked, StoreError
from fetchers.store.store import Store
from tests.conftest import make_settings
from tests.support.wbfake import WorldBankFake


def test_refresh_stores_the_source_values(settings, catalogue, store, wb):
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "ok", summary.error
    frame = store.observations()
    series = len(catalogue.for_source("worldbank")) * len(catalogue.iso3)
    assert summary.rows == len(frame) == series * len(wb.years)
    for row in frame.sample(50, random_state=1).to_dict("records"):
        expected = wb.value(row["indicator"], row["country"], row["year"])
        assert (pd.isna(row["value"]) and expected is None) or row["value"] == expected


def test_rerun_records_zero_changes_and_revision_is_seen(settings, catalogue, store, wb):
    refresh("worldbank", settings, catalogue, store)
    again = refresh("worldbank", settings, catalogue, store, full=True)
    assert (again.status, again.added, again.changed) == ("ok", 0, 0)
    wb.overrides[("NY.GDP.MKTP.CD", "RUS", 2020)] = 123.25
    revised = refresh("worldbank", settings, catalogue, store, full=True)
    assert revised.changed == 1
    assert store.history(revised.run_id)["new_value"].item() == 123.25


def test_raw_bodies_are_kept_by_sha256(settings, catalogue, store, wb):
    summary = refresh("worldbank", settings, catalogue, store)
    with store.engine.connect() as conn:
        bodies = json.loads(
            conn.execute(sa.text("SELECT bodies FROM runs WHERE id = :id"), {"id": summary.run_id})
            .scalar_one()
        )  # fmt: skip
    assert len(bodies) == 4  # sources/2, two data pages (seven countries), metadata
    for body in bodies:
        content = Path(body["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == body["sha256"] == Path(body["path"]).name
        assert Path(body["path"]).parent == Path(settings.raw_dir) / "worldbank"


def test_no_raw_dir_keeps_nothing(tmp_path, httpserver, catalogue, wb):
    settings = make_settings(tmp_path, WORLDBANK_API_URL=httpserver.url_for("/v2"), RAW_DIR="")
    store = Store.open(settings.database_url)
    assert refresh("worldbank", settings, catalogue, store).ok
    assert not (tmp_path / "raw").exists()


# fault → the one line people see (never a body, a port or a path)
FAULTS = {
    "http 500": (lambda fake, req: Response("oops", status=500), "HTTP 500 from the source"),
    "http 429": (
        lambda fake, req: Response("slow down", status=429, headers={"Retry-After": "0"}),
        "HTTP 429 from the source",
    ),
    "html body": (
        lambda fake, req: Response(
            "<html><body>Maintenance</body></html>", content_type="text/html"
        ),
        "the answer was not in the expected format",
    ),
    "truncated json": (
        lambda fake, req: Response(fake(req).get_data()[:200], content_type="application/json"),
        "the answer was not in the expected format",
    ),
    "timeout": (
        lambda fake, req: (time.sleep(3), fake(req))[1],  # the scenario: a source too slow
        "the source did not answer within 2 s",
    ),
    "second page fails": (
        lambda fake, req: (
            Response("bad gateway", status=502) if req.args.get("page") == "2" else fake(req)
        ),
        "HTTP 502 from the source",
    ),
    "envelope error": (
        lambda fake, req: Response(
            '[{"message":[{"id":"175","key":"Service unavailable","value":"Try later"}]}]',
            content_type="application/json",
        ),
        "the source refused the request: Service unavailable: Try later",
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
    url = httpserver.url_for("/v2").replace("127.0.0.1", "localhost")
    patient = make_settings(
        tmp_path, WORLDBANK_API_URL=url, WORLDBANK_PER_PAGE="500", HTTP_TIMEOUT="10"
    )
    assert refresh("worldbank", patient, catalogue, store).ok  # a busy machine must not fail it
    before = store.observations()
    handler["fault"], reason = FAULTS[fault]
    faulty = make_settings(
        tmp_path, WORLDBANK_API_URL=url, WORLDBANK_PER_PAGE="500", HTTP_TIMEOUT="2"
    )
    summary = refresh("worldbank", faulty, catalogue, store, full=True)
    assert summary.status == "failed" and not summary.ok
    assert summary.error == reason
    assert summary.line().startswith("worldbank: FAILED after")
    pd.testing.assert_frame_equal(store.observations(), before)
    last = store.last_runs()
    assert last["status"].item() == "failed"
    assert last["error"].item() == reason
    assert str(httpserver.port) in last["detail"].item()  # the technical detail, for the log


def test_refused_connection_is_a_failed_run(tmp_path, catalogue):
    settings = make_settings(tmp_path, WORLDBANK_API_URL="http://127.0.0.1:9/v2", HTTP_RETRIES="0")
    store = Store.open(settings.database_url)
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.error == "connection refused by the source"  # no internal host shown
    assert store.observations().empty


def test_unresolvable_host_says_no_network(tmp_path, catalogue):
    settings = make_settings(
        tmp_path, WORLDBANK_API_URL="http://api.nothing.invalid/v2", HTTP_RETRIES="0"
    )
    store = Store.open(settings.database_url)
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.error == "cannot reach api.nothing.invalid — no network?"


def test_busy_source_is_skipped(settings, catalogue, store, wb, monkeypatch):
    def locked(source, kind="fetch"):
        raise RunLocked(f"{source} is held by process 1234")

    monkeypatch.setattr(store, "start_run", locked)
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "busy" and not wb.requests
    assert summary.line() == "worldbank: already running in another process; skipped"


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        (["ok", "unchanged"], 0),
        (["ok", "partial"], 3),
        (["partial", "failed"], 1),
        (["ok", "busy"], 4),
    ],
)
def test_exit_codes(statuses, code):
    assert exit_code([RunSummary("s", status, 1) for status in statuses]) == code


def test_refresh_never_raises_when_the_store_cannot_record_a_run(settings, catalogue, store):
    def cannot(*_args, **_kwargs):
        raise StoreError("database is locked")

    store.start_run = cannot
    summary = refresh("worldbank", settings, catalogue, store)
    assert (summary.status, summary.error) == ("failed", "the store could not record a run")
