"""APScheduler jobs, one per source, from settings; retries a failed source sooner."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import undefined

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.jobs import refresh
from fetchers.sources import SOURCES
from fetchers.store import Store

log = logging.getLogger(__name__)


def build_scheduler(
    settings: Settings, catalogue: Catalogue, store: Store, blocking: bool = False
) -> BaseScheduler:
    """A scheduler with one refresh job per source; sources never stored run at once."""
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
    for source in SOURCES:
        if not catalogue.for_source(source):
            continue
        scheduler.add_job(
            run_job,
            IntervalTrigger(hours=settings.refresh_hours(source)),
            args=(scheduler, source, settings, catalogue, store),
            id=source,
            name=f"refresh {source}",
            replace_existing=True,
            # `undefined` lets the trigger pick the next time; None would pause the job.
            next_run_time=undefined if store.has_success(source) else now,
        )
    return scheduler


def run_job(
    scheduler: BaseScheduler, source: str, settings: Settings, catalogue: Catalogue, store: Store
) -> None:
    """Refresh one source; after a failure, try again in RETRY_FAILED_MINUTES."""
    summary = refresh(source, settings, catalogue, store)
    if summary.ok:
        return
    retry_at = datetime.now().astimezone() + timedelta(minutes=settings.retry_failed_minutes)
    scheduler.add_job(
        run_job,
        "date",
        run_date=retry_at,
        args=(scheduler, source, settings, catalogue, store),
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
