"""`python -m fetchers verify`: stored values against the raw bodies they came from."""

from __future__ import annotations

import json

import sqlalchemy as sa

from fetchers.jobs.refresh import refresh
from fetchers.jobs.verify import verify
from fetchers.store.schema import history, observations, runs
from tests.support import sipri_book


def refreshed(settings, catalogue, store):
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.status == "ok"
    return summary.run_id


def test_an_untouched_store_verifies(settings, catalogue, store, wb):
    refreshed(settings, catalogue, store)
    report = verify(store, catalogue)
    assert report.ok, report.lines()
    stored = len(store.observations(sources=["worldbank"]))
    assert report.values == stored and report.bodies >= 3
    assert report.lines()[-1].endswith("all match")


def test_a_value_changed_in_the_store_is_found(settings, catalogue, store, wb):
    run_id = refreshed(settings, catalogue, store)
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(observations)
            .where(
                observations.c.indicator == "NY.GDP.MKTP.CD",
                observations.c.country == "CHN",
                observations.c.year == 2020,
            )
            .values(value=1.5)
        )
    report = verify(store, catalogue)
    assert not report.ok
    (found,) = report.mismatches
    assert found.startswith(f"run {run_id} (worldbank): NY.GDP.MKTP.CD CHN 2020 is stored as 1.5")
    assert "MISMATCHES" in report.lines()[-1]


def test_a_raw_body_changed_on_disk_is_found(settings, catalogue, store, wb):
    run_id = refreshed(settings, catalogue, store)
    with store.engine.connect() as conn:
        bodies = json.loads(
            conn.execute(sa.select(runs.c.bodies).where(runs.c.id == run_id)).scalar()
        )
    path = bodies[-1]["path"]
    with open(path, "ab") as handle:
        handle.write(b" ")
    report = verify(store, catalogue)
    assert any("no longer matches its sha256" in m for m in report.mismatches)


def test_a_lost_revision_is_found(settings, catalogue, store, wb):
    refreshed(settings, catalogue, store)
    wb.release = "2099-03-01"
    wb.overrides[("NY.GDP.MKTP.CD", "CHN", 2020)] = 99.0
    second = refresh("worldbank", settings, catalogue, store)
    assert second.changed == 1
    assert verify(store, catalogue).ok
    with store.engine.begin() as conn:
        conn.execute(sa.delete(history).where(history.c.run_id == second.run_id))
    report = verify(store, catalogue)
    assert report.mismatches == [
        f"run {second.run_id} (worldbank): revised 1 values, the history holds 0"
    ]


def test_sipri_values_are_checked_against_the_kept_workbook(tmp_path, catalogue, store, httpserver):
    from tests.conftest import make_settings

    httpserver.expect_request("/milex.xlsx").respond_with_data(sipri_book.build())
    settings = make_settings(tmp_path, SIPRI_MILEX_URL=httpserver.url_for("/milex.xlsx"),
                             DATABASE_URL=store.engine.url.render_as_string(False))  # fmt: skip
    assert refresh("sipri", settings, catalogue, store).ok
    assert verify(store, catalogue).ok
    with store.engine.begin() as conn:
        conn.execute(sa.update(observations).where(observations.c.source == "sipri",
                     observations.c.country == "RUS", observations.c.year == 2015)
                     .values(flag="estimate", value=7.0))  # fmt: skip
    report = verify(store, catalogue)
    assert len(report.mismatches) >= 1
    assert all("RUS 2015 is stored as 7.0 (estimate)" in m for m in report.mismatches)
