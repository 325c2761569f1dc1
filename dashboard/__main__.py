"""`python -m dashboard` serves the app; `python -m dashboard export …` writes a snapshot."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import stat
import sys
from dataclasses import replace
from pathlib import Path

from config.catalogue import CatalogueError, load_catalogue
from config.settings import SettingsError, load_settings
from fetchers.jobs.starter import ensure_loaded
from fetchers.store.errors import StoreError
from fetchers.store.store import Store


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
    from config.claims import ClaimsError
    from config.events import EventsError
    from dashboard.server.app import create_app
    from dashboard.server.security import QuietRequestHandler
    from fetchers.jobs.scheduler import build_scheduler, should_run_in_process, stop

    try:
        loader = Store.from_settings(settings)
        ensure_loaded(loader, settings, catalogue)  # an empty store starts from the snapshot
        loader.close()
        app = create_app(settings)
    except (StoreError, EventsError, ClaimsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    scheduler = store = None
    if should_run_in_process(settings, os.environ):
        store = Store.from_settings(settings)
        scheduler = build_scheduler(settings, catalogue, store)
        scheduler.start()
    # systemd stops with SIGTERM: end as on Ctrl+C, so the scheduler's lease is given back.
    signal.signal(signal.SIGTERM, _exit)
    try:
        app.run(
            host=settings.host,
            port=settings.port,
            debug=settings.dash_debug,
            request_handler=QuietRequestHandler,
        )
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            stop(scheduler, store)  # a standby scheduler takes over at once
    return 0


def _exit(_signum, _frame) -> None:
    raise SystemExit(0)


def export(argv: list[str], settings, catalogue) -> int:
    """Write one export of a view, as the page would, with no server running."""
    from config.events import EventsError, load_events
    from dashboard.exports.exporter import FORMATS, Exporter, ExportRefused
    from dashboard.model.model import Model

    parser = argparse.ArgumentParser(
        prog="python -m dashboard export",
        description="Without --url and --indicator: every catalogued indicator, country and year.",
    )
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--out", required=True, type=Path, help="file to write ('-' for stdout)")
    parser.add_argument("--indicator", action="append", help="indicator id; repeatable")
    parser.add_argument("--countries", help="comma-separated ISO3 codes, e.g. CHN,RUS")
    parser.add_argument("--from", dest="year_from", type=int, help="first year")
    parser.add_argument("--to", dest="year_to", type=int, help="last year")
    parser.add_argument("--mode", choices=("absolute", "ratio", "indexed", "share"))
    parser.add_argument("--url", help="a permalink copied from the page; other options refine it")
    parser.add_argument(
        "--as-of", dest="as_of", help="the values the store held then: YYYY-MM-DD or ISO time"
    )
    args = parser.parse_args(argv)
    try:
        store = Store.from_settings(settings)
        ensure_loaded(store, settings, catalogue)  # an empty store starts from the snapshot
        model = Model(store, settings, catalogue, load_events())
    except (StoreError, EventsError) as exc:
        return _fail(str(exc), 2)
    view, problem = _export_view(args, model)
    if problem:
        return _fail(problem, 2)
    if args.as_of is not None:
        view = replace(view, as_of=args.as_of)
    try:
        snap = model.snapshot_for_export(view)
    except ValueError as exc:  # a vintage the store cannot show: the reason, for people
        return _fail(f"--as-of {args.as_of}: {exc}", 2)
    countries = [c.strip().upper() for c in args.countries.split(",")] if args.countries else None
    unknown = [c for c in countries or [] if c not in catalogue.iso3]
    if unknown:
        return _fail(
            f"unknown country code(s) {', '.join(unknown)}; known: {', '.join(catalogue.iso3)}", 2
        )
    if countries:
        view = replace(view, comparators=tuple(c for c in model.comparators if c in countries))
    # --mode asks for what the charts draw; without it (a link's mode included) the values as
    # published, as the page's data export and /data.csv give them.
    drawn = args.mode is not None and args.mode != "absolute"
    if args.format == "xlsx" and drawn:
        return _fail(
            f"--mode {view.mode} changes what charts draw; the XLSX holds the values as "
            "published: use --format csv for the drawn series, or leave --mode out",
            2,
        )
    indicator = (
        view.indicators[0] if args.format in ("png", "svg") and len(view.indicators) == 1 else None
    )
    try:
        if args.format == "csv" and drawn:
            data = drawn_csv(model, view, snap)  # what the charts draw: ratios, indices, shares
        else:
            exporter = Exporter(model, settings)
            _, data = exporter.build(view, args.format, indicator, countries, snap=snap)
    except ExportRefused as exc:
        return _fail(str(exc), 1)
    except (StoreError, RuntimeError) as exc:
        return _fail(f"export failed: {exc}", 1)
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
        return 0
    try:
        write_through(args.out, data)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror}; nothing was changed", 1)
    print(f"wrote {args.out} ({len(data):,} bytes, {args.format})")
    return 0


def drawn_csv(model, view, snap) -> bytes:
    """The series the view's charts draw (in a ratio, indexed or share mode), one indicator after
    another, with unit and provenance, as CSV."""
    import pandas as pd

    from dashboard.exports import formats
    from dashboard.exports.exporter import EmptySelection

    frames = [model.drawn(snap, view, indicator) for indicator in view.indicators]
    frame = pd.concat([f for f in frames if not f.empty], ignore_index=True) if frames else None
    if frame is None or frame.empty or frame["value"].isna().all():
        raise EmptySelection(f"nothing to draw in {view.mode} mode for this selection")
    return formats.to_csv_bytes(frame)


def write_through(path: Path, data: bytes) -> None:
    """Replace the file at `path` (through a symbolic link: the link stays a link) with `data`,
    whole or not at all, keeping an existing file's permissions (0600 stays 0600).

    The temporary name is short, so any name the file system allows can be written.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None  # a new file: the usual permissions (the umask's)
    temp = target.with_name(f".am-{secrets.token_hex(4)}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _export_view(args, model):
    """The view an export command asks for, or a message saying what is wrong with it."""
    from urllib.parse import urlsplit

    from dashboard.model.state import ViewState

    if args.url:
        view, notes = model.from_url(urlsplit(args.url).query)
        if notes:
            return None, "the --url permalink has problems: " + " ".join(notes)
    else:
        everything = tuple(i.id for i in model.catalogue.indicators)
        view = ViewState(everything, model.comparators, 1900, 2100, "absolute", "linear",
                         model.default.base_year, model.timeline.categories)  # fmt: skip
    if args.indicator:
        unknown = [i for i in args.indicator if i not in model.indicator_ids]
        if unknown:
            known = ", ".join(model.indicator_ids)
            return None, f"unknown indicator(s) {', '.join(unknown)}; known: {known}"
        view = replace(view, indicators=tuple(args.indicator))
    if args.year_from is not None:
        view = replace(view, year_from=args.year_from)
    if args.year_to is not None:
        view = replace(view, year_to=args.year_to)
    if view.year_from > view.year_to:
        return None, f"--from {view.year_from} is after --to {view.year_to}"
    if args.mode:
        view = replace(view, mode=args.mode)
    return view, ""


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
