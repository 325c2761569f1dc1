"""Pure exports: frames → CSV, XLSX, citation, ZIP and file names, all with provenance."""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import pandas as pd

from config.about import APP_NAME
from config.catalogue import Indicator
from config.clock import for_people
from config.events import FIELDS as EVENT_FIELDS
from config.events import Event
from dashboard.model.numbers import unit_for

EXPORT_COLUMNS = (
    "source",
    "indicator",
    "country",
    "year",
    "value",
    "unit",
    "flag",
    "partner",
    "source_release",
    "fetched_at",
    "origin",
)
METADATA_COLUMNS = (
    "indicator",
    "title",
    "unit",
    "basis",
    "source",
    "source_organization",
    "source_note",
    "licence",
    "source_release",
    "fetched_at",
    "run_sha256",
)


# Column headers in words (ids stay as a column, headed "… id", for machines).
HEADERS = {
    "source": "Source",
    "indicator": "Indicator id",
    "indicator_title": "Indicator",
    "title": "Indicator",
    "country": "Country",
    "country_name": "Country",
    "partner": "Partner",
    "year": "Year",
    "value": "Value",
    "unit": "Unit",
    "basis": "Basis",
    "flag": "Flag",
    "source_release": "Source release",
    "fetched_at": "Fetched (UTC)",
    "origin": "Origin",
    "source_organization": "Source organisation",
    "source_note": "Source note",
    "licence": "Licence",
    "run_sha256": "SHA-256 of the run",
    "start": "Start",
    "end": "End",
    "category": "Category",
    "kind": "Kind",
    "tier": "Importance",
    "summary": "Summary",
    "source_title": "Source title",
    "accessed": "Source checked",
}


def header(name: object) -> str:
    """A column's header in words: 'first_basis' → 'First basis' where no word is given."""
    text = str(name)
    if text in HEADERS:
        return HEADERS[text]
    if text.isidentifier() and text == text.lower():
        words = text.replace("_", " ")
        return words[:1].upper() + words[1:]
    return text


def tidy_export(observations: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """The export table: each observation with the release, fetch time and origin (fetch,
    import or the bundled snapshot) of the run that stored it — a value kept from an older run
    (a year not asked again, an indicator refused) keeps that run's provenance."""
    frame = observations[observations["value"].notna()]  # years with no observation are left out
    provenance = runs.rename(
        columns={"id": "run_id", "release": "source_release", "finished_at": "fetched_at",
                 "kind": "origin"}
    )[["run_id", "source_release", "fetched_at", "origin"]]  # fmt: skip
    merged = frame.merge(provenance, on="run_id", how="left")
    return merged[list(EXPORT_COLUMNS)].reset_index(drop=True)


# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet may run: a formula sign first, also behind blanks, line
    breaks or no-break spaces, or in its full-width form (＝, ＋, －, ＠)."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(FORMULA_STARTS):
        return True
    rest = value.lstrip()  # every Unicode space, tab and line break, the no-break space too
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]) in "=+-@"


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' ; numbers untouched."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [f"'{v}" if is_formula_like(v) else v for v in out[column]]
    out.columns = [f"'{c}" if is_formula_like(c) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8, floats written shortest-exact, missing values as empty cells, no formulas."""
    return neutralise(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def unique_names(titles: Sequence[str], limit: int = 48) -> list[str]:
    """One file-name slug per title, numbered where two slug alike ('gdp', 'gdp-2')."""
    seen: set[str] = set()
    out = []
    for title in titles:
        base = slug(title, limit)
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name)
        out.append(name)
    return out


def metadata_frame(indicators: Sequence[Indicator], meta: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: title, unit, basis, organisation, note, licence, release, fetch, sha256."""
    found = {r["indicator"]: r for r in meta.to_dict("records")} if not meta.empty else {}
    rows = []
    for item in indicators:
        row = found.get(item.id, {})
        rows.append(
            {
                "indicator": item.id,
                "title": row.get("name") or item.title,
                "unit": item.unit,
                "basis": unit_for(item).basis,  # in words, as the chart's axis says it
                "source": item.source,
                "source_organization": row.get("source_organization", ""),
                "source_note": row.get("source_note", ""),
                "licence": item.licence,
                "source_release": row.get("release", ""),
                "fetched_at": row.get("fetched_at", ""),
                "run_sha256": row.get("sha256", ""),
            }
        )
    return pd.DataFrame(rows, columns=list(METADATA_COLUMNS))


EVENT_COLUMNS = tuple(f for f in EVENT_FIELDS if f not in ("date", "label"))


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """The timeline as a table."""
    return pd.DataFrame(
        [
            {
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "title": e.title,
                "category": e.category,
                "kind": e.kind,
                "summary": e.summary,
                "source": e.source,
                "source_title": e.source_title,
                "accessed": e.accessed.isoformat() if e.accessed else "",
            }
            for e in events
        ],
        columns=list(EVENT_COLUMNS),
    )


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], cover: Mapping[str, str] | None = None
) -> bytes:
    """A workbook: a cover sheet, then one sheet per frame (see dashboard.exports.workbook)."""
    from dashboard.exports import workbook  # openpyxl loads only when a workbook is built

    return workbook.build(sheets, cover)


def footer_text(sources: Sequence[str], releases: Mapping[str, str], exported: datetime) -> str:
    """The line printed under an exported chart: sources, their releases, export date."""
    parts = [f"{name} (release {releases.get(name) or 'n/a'})" for name in sources]
    return f"Source: {'; '.join(parts)}. Exported {exported:%Y-%m-%d} from {APP_NAME}."


def citation_text(
    metadata: pd.DataFrame, exported: datetime, permalink: str, citations: Mapping[str, str]
) -> str:
    """How to cite the snapshot and each source it draws on."""
    lines = [
        f"{APP_NAME} snapshot, exported {for_people(exported)}.",
        f"View: {permalink}",
        "",
        "Data sources (cite each):",
    ]
    for source, rows in metadata.groupby("source", sort=False):
        first = rows.iloc[0]
        lines.append(
            f"- {citations.get(str(source), str(source))}; release {first['source_release'] or 'n/a'}, "
            f"fetched {first['fetched_at'] or 'n/a'}; licence: {first['licence']}. "
            f"Indicators: {', '.join(rows['indicator'])}."
        )
    return "\n".join(lines) + "\n"


def zip_bytes(files: Mapping[str, bytes], metadata: dict) -> bytes:
    """A ZIP of `files` plus metadata.json, which lists every file's sha256."""
    manifest = {
        **metadata,
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(name, body)
        archive.writestr("metadata.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return out.getvalue()


def slug(text: str, limit: int = 48) -> str:
    """Lower-case letters, digits and dashes only: safe in any file name."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "export"


def file_name(titles: Sequence[str], day: datetime, ext: str) -> str:
    """`asymmetry-monitor_<what>_<date>.<ext>`, built only from catalogue titles."""
    what = (
        slug(titles[0]) if len(titles) == 1 else f"{slug(titles[0], 30)}-and-{len(titles) - 1}-more"
    )
    return f"asymmetry-monitor_{what}_{day:%Y-%m-%d}.{ext}"
