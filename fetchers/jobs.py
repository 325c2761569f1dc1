"""refresh(source): fetch → validate → store in one transaction; failures become failed runs."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.errors import FetchError, StoreError
from fetchers.http import Http
from fetchers.sources import SOURCES, Fetch
from fetchers.store import Store
from fetchers.tidy import SourceResult, validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    """The outcome of one refresh, for the CLI and the log."""

    source: str
    ok: bool
    run_id: int
    rows: int = 0
    added: int = 0
    changed: int = 0
    release: str = ""
    seconds: float = 0.0
    error: str = ""

    def line(self) -> str:
        """One human-readable line."""
        if self.ok:
            return (
                f"{self.source}: ok, {self.rows} rows, {self.added} new, {self.changed} changed, "
                f"release {self.release or 'unknown'}, {self.seconds:.1f} s"
            )
        return f"{self.source}: FAILED after {self.seconds:.1f} s: {self.error}"


def refresh(
    source: str,
    settings: Settings,
    catalogue: Catalogue,
    store: Store,
    fetch: Fetch | None = None,
) -> RunSummary:
    """Refresh one source; never raises (a failure is recorded as a failed run and returned)."""
    fetcher = fetch or SOURCES[source]
    started = time.monotonic()
    run_id = store.start_run(source)
    http = Http(settings)
    try:
        result = fetcher(settings, catalogue, http)
        return _save(result, run_id, store, started)
    except FetchError as exc:
        error = str(exc)
    except StoreError as exc:
        error = f"store: {exc}"
    except Exception as exc:  # the scheduler must keep running whatever a source does
        log.exception("unexpected error refreshing %s", source)
        error = f"unexpected {type(exc).__name__}: {exc}"
    finally:
        http.close()
    return _fail(source, run_id, error, store, started)


def store_result(source: str, result: SourceResult, store: Store, kind: str) -> RunSummary:
    """Validate and store an already-read result (offline import); failures become failed runs."""
    started = time.monotonic()
    run_id = store.start_run(source, kind=kind)
    try:
        return _save(result, run_id, store, started)
    except FetchError as exc:
        return _fail(source, run_id, str(exc), store, started)


def _save(result: SourceResult, run_id: int, store: Store, started: float) -> RunSummary:
    """Validate, then write in one transaction."""
    validate(result.frame, result.source, result.urls[0] if result.urls else "")
    written = store.write_run(run_id, result)
    summary = RunSummary(
        source=result.source,
        ok=True,
        run_id=run_id,
        rows=written.rows,
        added=written.added,
        changed=written.changed,
        release=result.release,
        seconds=time.monotonic() - started,
    )
    log.info(summary.line())
    return summary


def _fail(source: str, run_id: int, error: str, store: Store, started: float) -> RunSummary:
    """Record the failure and say so."""
    try:
        store.fail_run(run_id, error)
    except StoreError:
        log.exception("could not record the failure of run %s", run_id)
    summary = RunSummary(source, False, run_id, seconds=time.monotonic() - started, error=error)
    log.warning(summary.line())
    return summary
