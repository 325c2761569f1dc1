"""refresh(source): fetch → validate → store in one transaction; failures become failed runs."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from config.vocabulary import GOOD, refused_text
from fetchers.sources.registry import SOURCES
from fetchers.store.errors import FetchError, RunFenced, RunLocked, StoreError, SuspiciousRelease

if TYPE_CHECKING:  # the store and the sources import pandas, requests…: only a refresh needs them
    from config.catalogue import Catalogue
    from config.settings import Settings
    from fetchers.sources.registry import Fetch
    from fetchers.store.store import Store
    from fetchers.store.tidy import SourceResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    """The outcome of one refresh, for the CLI and the log."""

    source: str
    status: str  # ok, partial, unchanged, failed or busy
    run_id: int
    rows: int = 0
    added: int = 0
    changed: int = 0
    release: str = ""
    seconds: float = 0.0
    error: str = ""  # the one-line reason, for people
    refused: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the source's data stand after this run (ok, partial or unchanged)."""
        return self.status in GOOD

    def line(self) -> str:
        """One human-readable line."""
        release = f"release {self.release or 'unknown'}"
        if self.status == "busy":
            return f"{self.source}: already running in another process; skipped"
        if self.status == "failed":
            return f"{self.source}: FAILED after {self.seconds:.1f} s: {self.error}"
        if self.status == "unchanged":
            return f"{self.source}: unchanged, {release} is stored already, {self.seconds:.1f} s"
        text = (
            f"{self.source}: {self.status}, {self.rows} rows, {self.added} new, "
            f"{self.changed} changed, {release}, {self.seconds:.1f} s"
        )
        if self.refused:
            text += f"; {refused_text(self.refused)}"
        return text + "".join(f"; {note}" for note in self.notes)


def refresh(
    source: str,
    settings: Settings,
    catalogue: Catalogue,
    store: Store,
    fetch: Fetch | None = None,
    full: bool = False,
) -> RunSummary:
    """Refresh one source, then send the events it brought to the webhooks in the background;
    never raises (a failure is recorded as a failed run and returned)."""
    summary = _refresh(source, settings, catalogue, store, fetch, full)
    if summary.run_id and getattr(settings, "webhook_urls", ""):
        try:
            from fetchers.jobs.notify import after_run

            after_run(summary.run_id, settings, catalogue, store)
        except Exception:  # a receiver's trouble must never be the refresh's
            log.exception("could not start the webhooks of run %s", summary.run_id)
    return summary


def _refresh(
    source: str,
    settings: Settings,
    catalogue: Catalogue,
    store: Store,
    fetch: Fetch | None,
    full: bool,
) -> RunSummary:
    """Fetch, validate and store one source; failures become failed runs."""
    from fetchers.sources.http import Http

    fetcher = fetch or SOURCES[source]
    started = time.monotonic()
    try:
        run_id = store.start_run(source)
    except RunLocked:
        summary = RunSummary(source, "busy", 0)
        log.info(summary.line())
        return summary
    except StoreError as exc:  # read-only, unreachable: no run can even be recorded
        summary = RunSummary(source, "failed", 0, error="the store could not record a run")
        log.warning("%s (detail: %s)", summary.line(), exc)
        return summary
    http = Http(settings)
    urls: list[str] = []
    try:
        result = fetcher(settings, catalogue, http, store.previous(source, full))
        if not result.bodies:
            result = replace(result, bodies=tuple(http.bodies))
        return _save(result, run_id, store, started)
    except FetchError as exc:
        reason, detail, urls = exc.reason, str(exc), [exc.url] if exc.url else []
    except SuspiciousRelease as exc:
        from fetchers.store.changes import REFUSED  # the feed finds refusals by this line

        reason, detail = REFUSED, str(exc)
    except RunFenced as exc:
        reason, detail = "another run took this source over; this run wrote nothing", str(exc)
    except StoreError as exc:
        reason, detail = "the store could not be written", str(exc)
    except Exception as exc:  # the scheduler must keep running whatever a source does
        log.exception("unexpected error refreshing %s", source)
        reason, detail = f"unexpected error ({type(exc).__name__})", repr(exc)
    finally:
        http.close()
    read = [b.url for b in http.bodies]
    return _fail(source, run_id, reason, detail, [*read, *urls], store, started)


def store_result(source: str, result: SourceResult, store: Store, kind: str) -> RunSummary:
    """Validate and store an already-read result (offline import); failures become failed runs."""
    started = time.monotonic()
    run_id = store.start_run(source, kind=kind)
    try:
        return _save(result, run_id, store, started)
    except FetchError as exc:
        return _fail(source, run_id, exc.reason, str(exc), list(result.urls), store, started)


def exit_code(summaries: Sequence[RunSummary]) -> int:
    """0 all ok or unchanged; 1 any failed; 3 any partial (none failed); 4 any busy (else ok)."""
    statuses = {s.status for s in summaries}
    if "failed" in statuses:
        return 1
    if "partial" in statuses:
        return 3
    return 4 if "busy" in statuses else 0


def _save(result: SourceResult, run_id: int, store: Store, started: float) -> RunSummary:
    """Record an unchanged release, or validate and write the result in one transaction."""
    from fetchers.store.tidy import validate

    if result.unchanged:
        store.finish_unchanged(run_id, result)
        summary = RunSummary(
            result.source, "unchanged", run_id, release=result.release,
            seconds=time.monotonic() - started,
        )  # fmt: skip
        log.info(summary.line())
        return summary
    validate(result.frame, result.source, result.urls[0] if result.urls else "")
    written = store.write_run(run_id, result)
    summary = RunSummary(
        source=result.source,
        status="partial" if result.refused else "ok",
        run_id=run_id,
        rows=written.rows,
        added=written.added,
        changed=written.changed,
        release=result.release,
        seconds=time.monotonic() - started,
        refused=result.refused,
        notes=result.notes,
    )
    log.info(summary.line())
    return summary


def _fail(
    source: str,
    run_id: int,
    reason: str,
    detail: str,
    urls: list[str],
    store: Store,
    started: float,
) -> RunSummary:
    """Record the failure (reason for people, detail for the log) and say so."""
    try:
        store.fail_run(run_id, reason, urls, detail=detail)
    except StoreError as exc:  # one line: the run reads interrupted once its lease runs out
        log.warning("%s", exc)
    summary = RunSummary(source, "failed", run_id, seconds=time.monotonic() - started, error=reason)
    log.warning("%s (detail: %s)", summary.line(), detail)
    return summary
