"""Pure exports: frames and figures → CSV, XLSX, images, HTML report, ZIP, all with provenance."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import kaleido
import pandas as pd
import plotly.graph_objects as go
from kaleido.errors import KaleidoError
from plotly.offline import get_plotlyjs

from config.catalogue import Indicator
from config.events import Event

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
IMAGE_FORMATS = ("png", "svg", "pdf")
IMAGE_SIZE = (1000, 620)  # report size in CSS pixels; PNG is rendered at twice this
# Headless chromium on a server with no network: no sandbox as root, no GPU, no calls home.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_kaleido_lock = threading.Lock()
_kaleido_started = False


def tidy_export(observations: pd.DataFrame, last_runs: pd.DataFrame) -> pd.DataFrame:
    """The export table: observations with their source's release date and fetch time."""
    frame = observations[observations["value"].notna()]  # years with no observation are left out
    provenance = pd.DataFrame(columns=["source", "source_release", "fetched_at"])
    if not last_runs.empty and "last_ok_release" in last_runs:
        provenance = last_runs[["source", "last_ok_release", "last_ok_at"]].rename(
            columns={"last_ok_release": "source_release", "last_ok_at": "fetched_at"}
        )
    merged = frame.merge(provenance, on="source", how="left")
    return merged[list(EXPORT_COLUMNS)].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8, floats written shortest-exact, missing values as empty cells."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


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
                "basis": item.basis,
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


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """The timeline as a table."""
    return pd.DataFrame(
        [
            {
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "title": e.title,
                "category": e.category,
                "summary": e.summary,
                "source": e.source,
            }
            for e in events
        ],
        columns=["start", "end", "title", "category", "summary", "source"],
    )


def to_xlsx_bytes(data: pd.DataFrame, metadata: pd.DataFrame, events: pd.DataFrame) -> bytes:
    """A workbook with three sheets: Data, Metadata, Events."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name="Data", index=False)
        metadata.to_excel(writer, sheet_name="Metadata", index=False)
        events.to_excel(writer, sheet_name="Events", index=False)
    return out.getvalue()


def footer_text(sources: Sequence[str], releases: Mapping[str, str], exported: datetime) -> str:
    """The line printed under an exported chart: sources, their releases, export date."""
    parts = [f"{name} (release {releases.get(name) or 'n/a'})" for name in sources]
    return f"Source: {'; '.join(parts)}. Exported {exported:%Y-%m-%d} from Asymmetry Monitor."


def with_footer(fig: go.Figure, text: str) -> go.Figure:
    """A copy of `fig` with the source line under the plot."""
    out = go.Figure(fig)
    out.update_layout(margin={"b": 165}, legend={"y": -0.1})
    out.add_annotation(
        text=html.escape(text),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.3,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 10, "color": "#444"},
    )
    return out


def image_bytes(fig: go.Figure, fmt: str) -> bytes:
    """PNG, SVG or PDF of a figure at report size, through one reused kaleido server."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format {fmt!r} is not one of {IMAGE_FORMATS}")
    _start_kaleido()
    try:
        return kaleido.calc_fig_sync(fig.to_dict(), opts=_opts(fmt))
    except (KaleidoError, RuntimeError, OSError, TimeoutError) as exc:
        raise ExportError(f"rendering the {fmt} image failed: {exc}") from exc


def _opts(fmt: str) -> dict:
    """Report size; PNG at twice the pixels for print."""
    width, height = IMAGE_SIZE
    return {"format": fmt, "width": width, "height": height, "scale": 2 if fmt == "png" else 1}


def images_bytes(jobs: Sequence[tuple[go.Figure, str]]) -> list[bytes]:
    """Several images in one kaleido call, rendered in parallel tabs of the shared server."""
    bad = [fmt for _, fmt in jobs if fmt not in IMAGE_FORMATS]
    if bad:
        raise ValueError(f"image format {bad[0]!r} is not one of {IMAGE_FORMATS}")
    _start_kaleido()
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{n}.{fmt}" for n, (_, fmt) in enumerate(jobs)]
        specs = [
            {
                "fig": fig.to_dict(),
                "path": str(path),
                "opts": _opts(fmt),
            }
            for (fig, fmt), path in zip(jobs, paths, strict=True)
        ]
        try:
            kaleido.write_fig_from_object_sync(specs, cancel_on_error=True)
        except (KaleidoError, RuntimeError, OSError, TimeoutError) as exc:
            raise ExportError(f"rendering {len(jobs)} images failed: {exc}") from exc
        return [path.read_bytes() for path in paths]


class ExportError(RuntimeError):
    """An artefact could not be built (no chromium, a renderer crash); says which and why."""


def _start_kaleido() -> None:
    """Start the shared kaleido server once (a cold export costs seconds, a warm one a tenth)."""
    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            # Two tabs: the machine has two cores, and a report renders many images at once.
            kaleido.start_sync_server(n=2, silence_warnings=True)
            _kaleido_started = True


def report_html(
    title: str,
    filters: Mapping[str, str],
    kpis: pd.DataFrame,
    charts: Sequence[tuple[str, go.Figure]],
    events: pd.DataFrame,
    metadata: pd.DataFrame,
    exported: datetime,
    permalink: str,
    static_svgs: Sequence[bytes] | None = None,
) -> str:
    """A self-contained HTML report: plotly.js inlined, so charts stay interactive offline.

    With `static_svgs` the charts are embedded as SVG images instead (for printing to PDF: no
    script to run, and vector output).
    """
    esc = html.escape
    if static_svgs is not None:
        figures = "\n".join(
            f"<section class='chart'><img alt='{esc(title)}' style='width:100%' "
            f"src='data:image/svg+xml;base64,{base64.b64encode(svg).decode()}'></section>"
            for (title, _), svg in zip(charts, static_svgs, strict=True)
        )
        script = ""
    else:
        figures = "\n".join(
            f"<section class='chart'>{fig.to_html(full_html=False, include_plotlyjs=False, config={'displaylogo': False})}</section>"
            for _, fig in charts
        )
        script = f"<script>{get_plotlyjs()}</script>"
    filter_rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in filters.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1060px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }}
.chart {{ break-inside: avoid; margin-bottom: 1em; }}
.muted {{ color: #666; font-size: 0.85em; }}
</style>
{script}
</head><body>
<h1>{esc(title)}</h1>
<p class="muted">Exported {exported:%Y-%m-%d %H:%M} UTC from Asymmetry Monitor · <a href="{esc(permalink)}">permalink</a></p>
<h2>Filters</h2><table>{filter_rows}</table>
<h2>Key figures</h2>{kpis.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.4g}")}
<h2>Charts</h2>
{figures}
<h2>Events</h2>{events.to_html(index=False)}
<h2>Sources and licences</h2>{metadata.drop(columns=["run_sha256"]).to_html(index=False)}
</body></html>
"""


def citation_text(metadata: pd.DataFrame, exported: datetime, permalink: str) -> str:
    """How to cite the snapshot and each source it draws on."""
    lines = [
        f"Asymmetry Monitor snapshot, exported {exported:%Y-%m-%d %H:%M} UTC.",
        f"View: {permalink}",
        "",
        "Data sources (cite each):",
    ]
    for source, rows in metadata.groupby("source", sort=False):
        first = rows.iloc[0]
        lines.append(
            f"- {SOURCE_CITATIONS.get(str(source), source)}; release {first['source_release'] or 'n/a'}, "
            f"fetched {first['fetched_at'] or 'n/a'}; licence: {first['licence']}. "
            f"Indicators: {', '.join(rows['indicator'])}."
        )
    return "\n".join(lines) + "\n"


SOURCE_CITATIONS = {
    "worldbank": "World Bank, World Development Indicators",
    "sipri": "SIPRI Military Expenditure Database, Stockholm International Peace Research Institute",
    "trade": "UN Comtrade Database, United Nations Statistics Division",
}


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


def html_to_pdf(page: str, timeout: float = 120) -> bytes:
    """Print an HTML page to PDF with headless chromium (the same browser kaleido uses)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise ExportError("chromium is not installed; it is needed to print the report to PDF")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not target.exists() or target.stat().st_size == 0:
            raise ExportError("chromium did not produce the report PDF")
        return target.read_bytes()
