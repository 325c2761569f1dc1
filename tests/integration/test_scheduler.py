"""Scheduler: a job per source, coalescing, start-up refresh, retry on failure, reloader guard."""

from __future__ import annotations

from datetime import datetime, timedelta

from fetchers.jobs import refresh
from fetchers.scheduler import build_scheduler, run_job, should_run_in_process
from tests.conftest import make_settings


def started(settings, catalogue, store):
    scheduler = build_scheduler(settings, catalogue, store)
    scheduler.start(paused=True)
    return scheduler


def test_one_coalescing_job_per_source(settings, catalogue, store):
    scheduler = started(settings, catalogue, store)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {s for s in ("worldbank", "sipri", "trade") if catalogue.for_source(s)}
        for job in jobs.values():
            assert job.coalesce is True
            assert job.max_instances == 1
            assert job.misfire_grace_time == settings.misfire_grace_seconds
            assert job.trigger.interval == timedelta(hours=settings.refresh_hours(job.id))
    finally:
        scheduler.shutdown(wait=False)


def test_empty_store_refreshes_at_once_and_a_fresh_one_waits(settings, catalogue, store, wb):
    scheduler = started(settings, catalogue, store)
    now = datetime.now().astimezone()
    assert scheduler.get_job("worldbank").next_run_time <= now
    scheduler.shutdown(wait=False)
    assert refresh("worldbank", settings, catalogue, store).ok
    scheduler = started(settings, catalogue, store)
    assert scheduler.get_job("worldbank").next_run_time > now + timedelta(hours=1)
    scheduler.shutdown(wait=False)


def test_failed_job_schedules_a_sooner_retry(tmp_path, catalogue, store):
    settings = make_settings(tmp_path, WORLDBANK_API_URL="http://127.0.0.1:9/v2", HTTP_RETRIES="0")
    scheduler = started(settings, catalogue, store)
    try:
        run_job(scheduler, "worldbank", settings, catalogue, store)
        retry = scheduler.get_job("worldbank-retry")
        expected = datetime.now().astimezone() + timedelta(minutes=settings.retry_failed_minutes)
        assert abs((retry.next_run_time - expected).total_seconds()) < 60
        assert store.last_runs()["status"].item() == "failed"
    finally:
        scheduler.shutdown(wait=False)


def test_reloader_guard(tmp_path):
    plain = make_settings(tmp_path)
    debug = make_settings(tmp_path, DASH_DEBUG="true")
    off = make_settings(tmp_path, SCHEDULER="false")
    assert should_run_in_process(plain, {}) is True
    assert should_run_in_process(debug, {}) is False  # the reloader's watcher process
    assert should_run_in_process(debug, {"WERKZEUG_RUN_MAIN": "true"}) is True
    assert should_run_in_process(off, {}) is False
