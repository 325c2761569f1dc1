"""Scheduler: a job per source, coalescing, start-up refresh, retry on failure, reloader guard,
and one active scheduler per store."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from fetchers.jobs.refresh import refresh
from fetchers.jobs.scheduler import (
    LEASE,
    build_scheduler,
    keep_lease,
    next_try,
    run_job,
    should_run_in_process,
    stop,
)
from fetchers.store.schema import runs
from tests.conftest import make_settings, open_store
from tests.support.wait import until


def started(settings, catalogue, store):
    scheduler = build_scheduler(settings, catalogue, store)
    scheduler.start(paused=True)
    return scheduler


def test_one_coalescing_job_per_source(settings, catalogue, store):
    scheduler = started(settings, catalogue, store)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs() if job.id != LEASE}
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
    settings = make_settings(
        tmp_path,
        DATABASE_URL=store.engine.url.render_as_string(hide_password=False),
        WORLDBANK_API_URL="http://127.0.0.1:9/v2",
        HTTP_RETRIES="0",
    )
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


def test_only_the_lease_holder_refreshes(settings, catalogue, store, wb):
    standby = open_store(settings)
    scheduler = started(settings, catalogue, store)
    try:
        assert store.hold_lease(LEASE, settings.scheduler_lease_seconds)
        run_job(scheduler, "worldbank", settings, catalogue, standby)
        assert store.last_runs().empty  # the standby did nothing
        run_job(scheduler, "worldbank", settings, catalogue, store)
        assert store.last_runs()["source"].tolist() == ["worldbank"]
    finally:
        scheduler.shutdown(wait=False)
        standby.close()


def test_a_standby_takes_over_and_fetches_what_was_never_fetched(settings, catalogue, store):
    standby = open_store(settings)
    scheduler = started(settings, catalogue, standby)
    try:
        assert store.hold_lease(LEASE, settings.scheduler_lease_seconds)
        state = {"held": False}
        for job in scheduler.get_jobs():
            job.modify(next_run_time=datetime.now().astimezone() + timedelta(days=1))
        keep_lease(scheduler, settings, standby, state)
        assert state["held"] is False
        store.release_lease(LEASE)  # the holder stops
        keep_lease(scheduler, settings, standby, state)
        assert state["held"] is True
        soon = datetime.now().astimezone() + timedelta(minutes=1)
        assert scheduler.get_job("worldbank").next_run_time < soon
        assert standby.lease_holder(LEASE).owner == standby.holder.owner
    finally:
        scheduler.shutdown(wait=False)
        standby.close()


def test_two_schedulers_started_together_fetch_each_source_once(tmp_path, catalogue, settings):
    # Every source points at a closed port: each run fails fast, and is counted all the same.
    closed = "http://127.0.0.1:9"
    settings = make_settings(
        tmp_path,
        DATABASE_URL=settings.database_url,
        WORLDBANK_API_URL=f"{closed}/v2",
        SIPRI_MILEX_URL=f"{closed}/milex.xlsx",
        TRADE_API_URL=closed,
        HTTP_RETRIES="0",
    )
    stores = [open_store(settings), open_store(settings)]
    schedulers = [build_scheduler(settings, catalogue, s) for s in stores]
    ran: list[set[str]] = [set(), set()]  # the jobs each scheduler has run to their end
    for scheduler, jobs in zip(schedulers, ran, strict=True):
        scheduler.add_listener(
            lambda e, jobs=jobs: jobs.add(e.job_id), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )
        scheduler.start()
    try:
        expected = {s for s in ("worldbank", "sipri", "trade") if catalogue.for_source(s)}
        # Both schedulers have run every source's start-up job: each fetched or stood aside.
        until(lambda: all(expected <= jobs for jobs in ran), timeout=60)
        assert sorted(s for s, _ in all_runs(stores[0])) == sorted(expected)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=False)
        for store in stores:
            store.close()


def all_runs(store) -> list[tuple[str, str]]:
    """(source, status) of every run in the store, not only the last per source."""
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(runs.c.source, runs.c.status))]


def test_a_scheduler_taking_over_does_not_repeat_an_attempt_that_just_failed(settings, store):
    now = datetime.now().astimezone()
    assert next_try(store, "worldbank", settings) - now < timedelta(seconds=5)  # never tried
    store.fail_run(store.start_run("worldbank"), "cannot reach the source")
    later = next_try(store, "worldbank", settings)
    assert later - now >= timedelta(minutes=settings.retry_failed_minutes - 1)


def test_a_stopped_scheduler_gives_back_its_lease_at_once(settings, catalogue, store):
    standby = open_store(settings)
    scheduler = started(settings, catalogue, store)
    keep_lease(scheduler, settings, store, {"held": False})  # as its lease job does on start
    assert store.lease_holder(LEASE).owner == store.holder.owner
    assert not standby.hold_lease(LEASE, settings.scheduler_lease_seconds)
    stop(scheduler, store)
    assert not scheduler.running
    assert store.lease_holder(LEASE) is None
    # A standby takes over now, not after SCHEDULER_LEASE_SECONDS.
    assert standby.hold_lease(LEASE, settings.scheduler_lease_seconds)
    standby.close()
