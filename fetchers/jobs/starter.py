"""The bundled starter snapshot: written from the store, loaded into an empty store, with provenance."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import math
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd

from config.about import APP_VERSION
from config.catalogue import Catalogue
from config.clock import utcnow
from config.files import write_atomic
from config.setting_values import PROJECT_ROOT
from config.settings import Settings
from fetchers.store.errors import FetchError, StoreError
from fetchers.store.status import SNAPSHOT
from fetchers.store.store import Store
from fetchers.store.tidy import COLUMNS, IndicatorMeta, SourceResult, make_frame, validate

SNAPSHOT_DIR = PROJECT_ROOT / "data" / "snapshot"
DATA_FILE = "observations.csv"
META_FILE = "snapshot.json"
META_FIELDS = ("name", "source_note", "source_organization", "unit", "url")

log = logging.getLogger(__name__)


class SnapshotError(StoreError):
    """The bundled snapshot is missing, damaged or disagrees with its snapshot.json."""


def write_snapshot(store: Store, catalogue: Catalogue, out: Path) -> list[str]:
    """Write the store's catalogued series and their provenance to `out`; one line per source."""
    # Load inputs.
    frame = store.observations(
        indicators=[i.id for i in catalogue.indicators], countries=catalogue.iso3
    )
    last_runs = store.last_runs()
    meta = store.indicator_meta()
    if frame["value"].isna().all():
        raise SnapshotError("the store holds no catalogued values: fetch or import first")
    # Process data.
    body = _csv_bytes(frame)
    good = {r["source"]: r for r in last_runs.to_dict("records") if _text(r["last_ok_at"])}
    sources = {
        s.id: _source_entry(s.id, catalogue, frame, meta, good.get(s.id, {}))
        for s in catalogue.sources
    }
    document = {
        "made_at": utcnow(),
        "app_version": APP_VERSION,
        "files": {DATA_FILE: hashlib.sha256(body).hexdigest()},
        "sources": sources,
        "indicator_meta": _meta_rows(meta, frame),
    }
    # Save outputs.
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / DATA_FILE, body)
    write_atomic(out / META_FILE, (json.dumps(document, indent=2) + "\n").encode())
    return [_summary(source, entry) for source, entry in sources.items()]


def load_snapshot(store: Store, catalogue: Catalogue, folder: Path = SNAPSHOT_DIR) -> list[str]:
    """Load the snapshot into a store with no runs at all, one 'snapshot' run per source."""
    if not store.last_runs().empty:
        return []
    results = read_snapshot(catalogue, folder)
    lines = []
    for result in results:
        run_id = store.start_run(result.source, kind=SNAPSHOT)
        try:
            summary = store.write_run(run_id, result)
        except StoreError as exc:
            store.fail_run(run_id, "the bundled snapshot could not be stored", detail=str(exc))
            raise SnapshotError(f"storing the snapshot of {result.source} failed: {exc}") from exc
        lines.append(
            f"{result.source}: loaded the bundled snapshot, {summary.rows} rows, "
            f"release {result.release or 'unknown'}"
        )
    return lines


def ensure_loaded(
    store: Store, settings: Settings, catalogue: Catalogue, folder: Path = SNAPSHOT_DIR
) -> list[str]:
    """Load the snapshot into an empty store unless SNAPSHOT=off; a damaged one is one line."""
    if not settings.snapshot:
        return []
    try:
        lines = load_snapshot(store, catalogue, folder)
    except SnapshotError as exc:
        log.warning("bundled snapshot not loaded: %s", exc)
        return [f"bundled snapshot not loaded: {exc}"]
    for line in lines:
        log.info(line)
    return lines


def read_snapshot(catalogue: Catalogue, folder: Path = SNAPSHOT_DIR) -> list[SourceResult]:
    """The snapshot's results per source, checked against snapshot.json; SnapshotError if not."""
    document = _document(folder)
    body = _file(folder, DATA_FILE)
    expected = document.get("files", {}).get(DATA_FILE, "")
    if hashlib.sha256(body).hexdigest() != expected:
        raise SnapshotError(f"{_name(folder, DATA_FILE)} does not match the sha256 in {META_FILE}")
    records = _records(body, folder)
    unknown = sorted({r["source"] for r in records} - {s.id for s in catalogue.sources})
    if unknown:
        raise SnapshotError(f"{_name(folder, DATA_FILE)} has rows of unknown source(s) {unknown}")
    sha256 = hashlib.sha256(body).hexdigest()
    results = []
    for source, entry in document.get("sources", {}).items():
        rows = [r for r in records if r["source"] == source]
        if not rows:
            continue
        try:
            frame = validate(make_frame(rows), source)
        except (FetchError, ValueError) as exc:
            raise SnapshotError(f"{_name(folder, DATA_FILE)}, {source}: {exc}") from exc
        meta = tuple(
            IndicatorMeta(m["indicator"], **{k: str(m.get(k, "")) for k in META_FIELDS})
            for m in document.get("indicator_meta", [])
            if m.get("source") == source
        )
        origins = tuple(o["name"] for o in entry.get("origin", []))
        results.append(
            SourceResult(
                source=source,
                frame=frame,
                meta=meta,
                urls=origins,
                sha256=sha256,  # the body this run read; the original files' are in snapshot.json
                release=str(entry.get("release", "")),
                notes=(f"bundled snapshot made {document.get('made_at', '?')}",),
            )
        )
    return results


def _source_entry(
    source: str, catalogue: Catalogue, frame: pd.DataFrame, meta: pd.DataFrame, good: dict
) -> dict:
    """What the snapshot says of one source: release, origin, licence, citation, coverage."""
    spec = catalogue.source(source)
    rows = frame[(frame["source"] == source) & frame["value"].notna()]
    held = sorted(set(rows["indicator"]))
    mine = meta[meta["source"] == source] if not meta.empty else meta
    origin = sorted(
        {
            (_origin_name(str(m["url"])), str(m["sha256"] or ""), str(m["fetched_at"] or ""))
            for m in mine.to_dict("records")
            if m["indicator"] in held
        }
    )
    return {
        "title": spec.title,
        "organisation": spec.organisation,
        "release": _text(good.get("last_ok_release")) if held else "",
        "origin": [{"name": n, "sha256": h, "fetched_at": f} for n, h, f in origin],
        "licence": spec.licence,
        "citation": spec.citation,
        "rows": len(rows),
        "years": [int(rows["year"].min()), int(rows["year"].max())] if held else [],
        "indicators": held,
        "lacks": [i.id for i in catalogue.for_source(source) if i.id not in held],
    }


def _meta_rows(meta: pd.DataFrame, frame: pd.DataFrame) -> list[dict]:
    """The stored metadata of every indicator the snapshot holds, with file URLs as names."""
    held = set(zip(frame["source"], frame["indicator"], strict=True))
    return [
        {
            "source": m["source"],
            "indicator": m["indicator"],
            **{k: str(m[k] or "") for k in META_FIELDS if k != "url"},
            "url": _origin_name(str(m["url"] or "")),
        }
        for m in meta.to_dict("records")
        if (m["source"], m["indicator"]) in held
    ]


def _summary(source: str, entry: dict) -> str:
    """One line per source for the `snapshot` command."""
    if not entry["indicators"]:
        return f"{source}: not in the snapshot (no stored values)"
    lacks = f"; lacks {', '.join(entry['lacks'])}" if entry["lacks"] else ""
    return (
        f"{source}: {entry['rows']} values of {len(entry['indicators'])} indicators, "
        f"release {entry['release'] or 'unknown'}{lacks}"
    )


def _origin_name(url: str) -> str:
    """A public URL as is; a local file as its name only (no local path leaves the machine)."""
    if url.startswith("file:"):
        return Path(unquote(urlsplit(url).path)).name
    return url


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The tidy frame as CSV, each value in its shortest exact form and missing as empty."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in frame[list(COLUMNS)].itertuples(index=False):
        value = row.value
        cell = "" if value is None or math.isnan(value) else repr(float(value))
        writer.writerow([*row[:4], int(row.year), cell, row.unit, row.flag])
    return text.getvalue().encode()


def _records(body: bytes, folder: Path) -> list[dict]:
    """The CSV's rows as tidy records; SnapshotError naming the line if one is unreadable."""
    reader = csv.DictReader(io.StringIO(body.decode("utf-8")))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise SnapshotError(f"{_name(folder, DATA_FILE)}: header is not {','.join(COLUMNS)}")
    records = []
    for line, row in enumerate(reader, 2):
        try:
            year = int(row["year"])
            value = float(row["value"]) if row["value"] else None
        except (TypeError, ValueError) as exc:
            raise SnapshotError(f"{_name(folder, DATA_FILE)}, line {line}: {exc}") from exc
        records.append({**row, "year": year, "value": value})
    return records


def _document(folder: Path) -> dict:
    """snapshot.json, parsed."""
    try:
        document = json.loads(_file(folder, META_FILE))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{_name(folder, META_FILE)} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("sources"), dict):
        raise SnapshotError(f"{_name(folder, META_FILE)} lacks its 'sources' table")
    return document


def _file(folder: Path, name: str) -> bytes:
    """One of the snapshot's files."""
    try:
        return (folder / name).read_bytes()
    except OSError as exc:
        raise SnapshotError(f"cannot read {_name(folder, name)}: {exc.strerror}") from exc


def _name(folder: Path, name: str) -> str:
    """A snapshot file named relative to the project when it lies inside it."""
    path = folder / name
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return f"{folder.name}/{name}"


def _text(value: object) -> str:
    """A frame cell as text: None and NaN become ''."""
    return value if isinstance(value, str) else ""
