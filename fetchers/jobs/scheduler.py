"""APScheduler jobs, one per source, from settings; retries a failed source sooner.

Any number of schedulers may run against one store: only the holder of the store's `scheduler`
lease refreshes; the others renew nothing, retry the lease and take over when its holder dies.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from config.clock import parse_time
from fetchers.jobs.refresh import refresh
from fetchers.sources.registry import SOURCES

if TYPE_CHECKING:  # APScheduler is imported by build_scheduler: `fetchers status` needs LEASE only
    from apscheduler.schedulers.base import BaseScheduler

    from config.catalogue import Catalogue
    from config.settings import Settings
    from fetchers.store.store import Store

log = logging.getLogger(__name__)
LEASE = "scheduler"


def build_scheduler(
    settings: Settings, catalogue: Catalogue, store: Store, blocking: bool = False
) -> BaseScheduler:
    """A scheduler with one refresh job per source; sources never stored run at once."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger
    from apscheduler.util import undefined

    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.misfire_grace_seconds,
        },
        timezone="UTC",
    )
    now = datetime.now().astimezone()
    # Shared by the lease job and the source jobs: whether the lease is held, and which sources
    # this scheduler has begun to refresh (a takeover must not run one of them a second time).
    state = {"held": False, "begun": set(), "lock": threading.Lock()}
    for source in SOURCES:
        if not catalogue.for_source(source):
            continue
        scheduler.add_job(
            run_job,
            IntervalTrigger(hours=settings.refresh_hours(source)),
            args=(scheduler, source, settings, catalogue, store),
            kwargs={"state": state},
            id=source,
            name=f"refresh {source}",
            replace_existing=True,
            # `undefined` lets the trigger pick the next time; None would pause the job.
            next_run_time=undefined if store.has_success(source) else now,
        )
    scheduler.add_job(
        keep_lease,
        IntervalTrigger(seconds=max(settings.scheduler_lease_seconds // 3, 1)),
        args=(scheduler, settings, store, state),
        id=LEASE,
        name="keep the scheduler lease",
        replace_existing=True,
        next_run_time=now,
    )
    return scheduler


def stop(scheduler: BaseScheduler, store: Store) -> None:
    """Stop the scheduler and give back the store's lease at once: a standby scheduler takes over
    now, not after SCHEDULER_LEASE_SECONDS. A refresh under way is left to end with the process."""
    import sqlalchemy as sa

    if scheduler.running:
        scheduler.shutdown(wait=False)
    try:
        store.release_lease(LEASE)
    except sa.exc.SQLAlchemyError as exc:  # a store that is down: the lease then simply expires
        log.warning("could not give back the scheduler lease: %s", exc)


def keep_lease(scheduler: BaseScheduler, settings: Settings, store: Store, state: dict) -> None:
    """Take or renew the store's scheduler lease; on taking it over, fetch what was never fetched
    (and not begun here: a source whose first run has begun is not run twice)."""
    held = store.hold_lease(LEASE, settings.scheduler_lease_seconds)
    if held and not state["held"]:
        log.info("this scheduler holds the store's lease and refreshes")
        with state.setdefault("lock", threading.Lock()):
            for job in scheduler.get_jobs():
                begun = job.id in state.setdefault("begun", set())
                if job.id in SOURCES and not begun and not store.has_success(job.id):
                    job.modify(next_run_time=next_try(store, job.id, settings))
    elif state["held"] and not held:
        log.warning("this scheduler lost the store's lease; another one refreshes")
    state["held"] = held


def next_try(store: Store, source: str, settings: Settings) -> datetime:
    """When a source never stored should be tried: now if never tried (a bundled snapshot does not
    count), else its last attempt plus RETRY_FAILED_MINUTES — a scheduler taking over must not
    repeat an attempt that just failed, nor forget the retry its predecessor had planned."""
    now = datetime.now().astimezone()
    runs = store.last_runs()
    row = runs[runs["source"] == source]
    if row.empty or row.iloc[0]["kind"] == "snapshot":
        return now
    last = row.iloc[0]["finished_at"] or row.iloc[0]["started_at"]
    return max(now, parse_time(last) + timedelta(minutes=settings.retry_failed_minutes))


def run_job(
    scheduler: BaseScheduler,
    source: str,
    settings: Settings,
    catalogue: Catalogue,
    store: Store,
    state: dict | None = None,
) -> None:
    """Refresh one source if this scheduler holds the lease; after a failure, retry sooner."""
    if not store.hold_lease(LEASE, settings.scheduler_lease_seconds):
        holder = store.lease_holder(LEASE)
        log.info(
            "%s: not refreshed here, %s schedules",
            source,
            holder.describe() if holder else "another scheduler",
        )
        return
    if state is not None:
        with state["lock"]:
            state["begun"].add(source)
    summary = refresh(source, settings, catalogue, store)
    if summary.ok or summary.status == "busy":  # busy: another process is refreshing it now
        return
    retry_at = datetime.now().astimezone() + timedelta(minutes=settings.retry_failed_minutes)
    scheduler.add_job(
        run_job,
        "date",
        run_date=retry_at,
        args=(scheduler, source, settings, catalogue, store),
        kwargs={"state": state},
        id=f"{source}-retry",
        name=f"retry {source}",
        replace_existing=True,
    )
    log.warning("%s failed; next attempt at %s", source, retry_at.isoformat(timespec="seconds"))


def should_run_in_process(settings: Settings, environ: Mapping[str, str]) -> bool:
    """Start the in-process scheduler only once: not in the debug reloader's watcher process."""
    if not settings.scheduler:
        return False
    if settings.dash_debug:
        return environ.get("WERKZEUG_RUN_MAIN") == "true"
    return True
