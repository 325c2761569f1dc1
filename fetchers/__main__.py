"""Command line: `python -m fetchers run|status|schedule|import|verify|snapshot`."""

# Each command imports what it uses (the store: pandas, SQLAlchemy; the sources: requests,
# openpyxl; the scheduler: APScheduler) in its own function, so `--help` and `status` start fast.
from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from config.catalogue import Catalogue, CatalogueError, load_catalogue
from config.clock import short
from config.settings import Settings, SettingsError, load_settings
from fetchers.sources.registry import SOURCES
from fetchers.store.errors import FetchError, StoreError

if TYPE_CHECKING:
    from fetchers.store.store import Store


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m fetchers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="refresh sources once and print a summary per source")
    run.add_argument("--source", choices=sorted(SOURCES), action="append", help="repeatable")
    run.add_argument(
        "--full", action="store_true", help="fetch everything, even an unchanged release"
    )
    commands.add_parser("status", help="last run per source and how fresh its data is")
    commands.add_parser("schedule", help="run the refresh scheduler in the foreground")
    imp = commands.add_parser(
        "import", help="load a downloaded SIPRI workbook, World Bank CSV or API JSON file"
    )
    imp.add_argument("path", type=Path)
    commands.add_parser(
        "verify", help="check stored values against the raw bodies they came from (bit rot)"
    )
    snap = commands.add_parser("snapshot", help="write the bundled starter snapshot from the store")
    snap.add_argument("--out", type=Path, help="folder (data/snapshot)")
    hook = commands.add_parser("notify", help="send a signed test event to WEBHOOK_URLS")
    hook.add_argument("--test", action="store_true", required=True, help="send a test event")
    args = parser.parse_args(argv)
    # Every command opens the store (which loads Alembic only to migrate, quietly).
    from fetchers.jobs.starter import SNAPSHOT_DIR, ensure_loaded
    from fetchers.store.store import Store

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
        catalogue = load_catalogue()
        store = Store.from_settings(settings)
    except (SettingsError, CatalogueError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "snapshot":
        return _snapshot(args.out or SNAPSHOT_DIR, catalogue, store)
    if args.command == "verify":
        return _verify(catalogue, store)
    if args.command == "notify":
        from fetchers.jobs.notify import command

        return command(settings, store)
    ensure_loaded(store, settings, catalogue)  # an empty store starts from the bundled snapshot
    if args.command == "run":
        return _run(
            args.source or [s for s in SOURCES if catalogue.for_source(s)],
            settings,
            catalogue,
            store,
            args.full,
        )
    if args.command == "import":
        return _import(args.path, catalogue, store)
    if args.command == "status":
        return _status(settings, catalogue, store)
    return _schedule(settings, catalogue, store)


def _schedule(settings: Settings, catalogue: Catalogue, store: Store) -> int:
    """Run the scheduler in the foreground until Ctrl+C; then hand the lease over at once."""
    from fetchers.jobs.scheduler import build_scheduler, stop

    scheduler = build_scheduler(settings, catalogue, store, blocking=True)
    print(f"scheduler: {', '.join(j.name for j in scheduler.get_jobs())}; Ctrl+C stops")
    # systemd stops with SIGTERM: end as on Ctrl+C, so the lease is given back below.
    signal.signal(signal.SIGTERM, _exit)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    stop(scheduler, store)  # a standby scheduler takes over at once
    return 0


def _exit(_signum, _frame) -> None:
    raise SystemExit(0)


def _run(
    sources: list[str], settings: Settings, catalogue, store: Store, full: bool = False
) -> int:
    """Refresh each source once; the exit code says ok (0), failed (1), partial (3), busy (4)."""
    from fetchers.jobs.refresh import exit_code, refresh

    summaries = []
    for source in sources:
        summaries.append(refresh(source, settings, catalogue, store, full=full))
        print(summaries[-1].line(), flush=True)
    return exit_code(summaries)


def _import(path: Path, catalogue: Catalogue, store: Store) -> int:
    """Read one file offline and store it as a run of its source."""
    from fetchers.jobs.refresh import store_result
    from fetchers.sources.offline import read_file

    try:
        result = read_file(path, catalogue)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = store_result(result.source, result, store, kind="import")
    print(summary.line())
    return 0 if summary.ok else 1


def _status(settings: Settings, catalogue: Catalogue, store: Store) -> int:
    """Print the last run per source and its freshness."""
    from fetchers.jobs.scheduler import LEASE
    from fetchers.store.status import header_line, source_statuses

    statuses = source_statuses(store.last_runs(), settings)
    if not statuses:
        print("no runs yet: run `python -m fetchers run`")
    else:
        print(header_line(statuses, catalogue))
    for status in statuses:
        print(status.line())
    holder = store.lease_holder(LEASE)
    print(
        f"scheduler: active on {holder.describe()}, lease until {short(holder.expires_at)}"
        if holder
        else "scheduler: none active (start `python -m fetchers schedule` or the dashboard)"
    )
    return 0


def _verify(catalogue: Catalogue, store: Store) -> int:
    """Print what verification found; exit 1 on any mismatch."""
    from fetchers.jobs.verify import verify

    report = verify(store, catalogue)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _snapshot(out: Path, catalogue: Catalogue, store: Store) -> int:
    """Write the starter snapshot from the store; exit 1 if it holds no values."""
    from fetchers.jobs.starter import write_snapshot

    try:
        lines = write_snapshot(store, catalogue, out)
    except (OSError, StoreError) as exc:
        print(f"error: cannot write the snapshot to {out}: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
