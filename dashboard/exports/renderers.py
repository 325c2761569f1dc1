"""Renderers outside Python: kaleido for chart images, headless chromium for printing PDFs."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from kaleido.errors import KaleidoError

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
# kaleido's shared server answers through one queue: two threads waiting at once could each take
# the other's image, so calls go one at a time (a report's images still render in parallel tabs).
_kaleido_calls = threading.Lock()
_kaleido_started = False


def with_footer(fig: go.Figure, text: str) -> go.Figure:
    """A copy of `fig` with the source line under the plot."""
    # Edited as a dict: re-validating a chart's dozens of event shapes through plotly's objects
    # cost more than a warm kaleido render.
    out = fig.to_dict()
    layout = out.setdefault("layout", {})
    layout["margin"] = {**layout.get("margin", {}), "b": 165}
    layout["legend"] = {**layout.get("legend", {}), "y": -0.1}
    layout["annotations"] = [
        *layout.get("annotations", ()),
        {
            "text": html.escape(text),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -0.3,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "font": {"size": 10, "color": "#444"},
        },
    ]
    return go.Figure(out, _validate=False)  # parts of a valid figure, so valid


def image_bytes(fig: go.Figure, fmt: str) -> bytes:
    """PNG, SVG or PDF of a figure at report size, through one reused kaleido server."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format {fmt!r} is not one of {IMAGE_FORMATS}")
    _start_kaleido()
    try:
        with _kaleido_calls:
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
            with _kaleido_calls:
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
            # No MathJax: kaleido's page would fetch it from a CDN on every image (the tab
            # reloads after each), and no chart uses LaTeX; images stay the same on any network.
            kaleido.start_sync_server(n=2, mathjax=False, silence_warnings=True)
            _kaleido_started = True


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
