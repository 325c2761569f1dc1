"""`python -m dashboard` serves the app; `python -m dashboard export …` writes a snapshot."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from config.catalogue import CatalogueError, load_catalogue
from config.settings import SettingsError, load_settings
from fetchers.errors import StoreError
from fetchers.store import Store

FORMATS = ("csv",)


def main(argv: list[str] | None = None) -> int:
    """Run the server, or one export; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
        catalogue = load_catalogue()
    except (SettingsError, CatalogueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if argv[:1] == ["export"]:
        return export(argv[1:], settings, catalogue)
    if argv:
        print("usage: python -m dashboard [export --help]", file=sys.stderr)
        return 2
    return serve(settings, catalogue)


def serve(settings, catalogue) -> int:
    """Start the in-process scheduler (unless told not to) and serve the app."""
    from dashboard.app import create_app
    from fetchers.scheduler import build_scheduler, should_run_in_process

    try:
        app = create_app(settings)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if should_run_in_process(settings, os.environ):
        build_scheduler(settings, catalogue, Store.open(settings.database_url)).start()
    app.run(host=settings.host, port=settings.port, debug=settings.dash_debug)
    return 0


def export(argv: list[str], settings, catalogue) -> int:
    """Write the stored data for a selection to a file."""
    from dashboard.exports import tidy_export, to_csv_bytes

    parser = argparse.ArgumentParser(prog="python -m dashboard export")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--out", required=True, type=Path, help="file to write ('-' for stdout)")
    parser.add_argument("--indicator", action="append", help="indicator id; repeatable")
    parser.add_argument("--countries", help="comma-separated ISO3 codes, e.g. CHN,RUS")
    parser.add_argument("--include-missing", action="store_true", help="keep rows with no value")
    args = parser.parse_args(argv)
    known = {i.id for i in catalogue.indicators}
    unknown = [i for i in args.indicator or [] if i not in known]
    if unknown:
        print(
            f"error: unknown indicator(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            file=sys.stderr,
        )
        return 2
    countries = [c.strip().upper() for c in args.countries.split(",")] if args.countries else None
    bad = [c for c in countries or [] if c not in catalogue.iso3]
    if bad:
        print(
            f"error: unknown country code(s) {', '.join(bad)}; known: {', '.join(catalogue.iso3)}",
            file=sys.stderr,
        )
        return 2
    try:
        store = Store.open(settings.database_url)
        frame = tidy_export(
            store.observations(indicators=args.indicator, countries=countries),
            store.last_runs(),
            include_missing=args.include_missing,
        )
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if frame.empty:
        print(
            "error: the selection is empty (nothing stored yet? run `python -m fetchers run`)",
            file=sys.stderr,
        )
        return 1
    data = to_csv_bytes(frame)
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
        return 0
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {len(frame)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
