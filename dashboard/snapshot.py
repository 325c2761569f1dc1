"""One snapshot of a view, shared by the page's downloads and the export command line."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go

from config.about import APP_NAME, APP_VERSION
from config.clock import format_time
from config.settings import Settings
from dashboard import exports, renderers, report, state
from dashboard.analysis import analysis_tables
from dashboard.analysis.reporting import report_sections
from dashboard.analysis.view import analysis_for
from dashboard.layout import MODE_LABELS
from dashboard.model import Model

FORMATS = ("csv", "xlsx", "png", "svg", "pdf", "html", "zip")
REPORT_WAIT_SECONDS = 20


REPORTS = ("pdf", "zip")  # reports start chromium: at most REPORT_WORKERS at once


class ExportRefused(ValueError):
    """An export cannot be built for this view now; the message says why, for people."""


class EmptySelection(ExportRefused):
    """The view selects no stored data."""


class ExportBusy(ExportRefused):
    """Every report slot is taken; try again shortly."""


class Snapshot:
    """Builds every export artefact for a view from the store, with its provenance."""

    def __init__(self, model: Model, settings: Settings) -> None:
        self.model, self.settings = model, settings
        self._reports = threading.BoundedSemaphore(settings.report_workers)

    # --- pieces -------------------------------------------------------------------------------
    def data(self, view: state.ViewState, countries: list[str] | None = None) -> pd.DataFrame:
        """The tidy export rows of a view: source values only, years and countries as selected."""
        store = self.model.store
        wanted = countries or [*self.model.pair, *view.comparators]
        frame = store.observations(
            indicators=self.model.stored_ids(view.indicators), countries=wanted, with_run=True
        )
        frame = frame[(frame["year"] >= view.year_from) & (frame["year"] <= view.year_to)]
        return exports.tidy_export(frame, store.runs())

    def metadata(self, view: state.ViewState) -> pd.DataFrame:
        """Metadata rows for the view's stored indicators."""
        catalogue = self.model.catalogue
        items = [catalogue.indicator(i) for i in self.model.stored_ids(view.indicators)]
        return exports.metadata_frame(items, self.model.store.indicator_meta())

    def events(self, view: state.ViewState) -> pd.DataFrame:
        """The events shown with the view."""
        return exports.events_frame(self.model.events(view))

    def kpis(self, view: state.ViewState) -> pd.DataFrame:
        """The KPI cards as a table, worded as on the page."""
        return self.model.key_figures(view)

    def analysis(self, view: state.ViewState) -> dict[str, pd.DataFrame]:
        """The analysis tables (issue 14) at the store's current data: one per sheet."""
        return analysis_tables(analysis_for(self.model, view))

    def charts(self, view: state.ViewState, exported: datetime) -> list[tuple[str, str, go.Figure]]:
        """The view's charts that have data, each with its source line underneath."""
        meta = self.metadata(view)
        citations = {s.id: s.citation for s in self.model.catalogue.sources}
        releases = {
            citations[s]: r for s, r in zip(meta["source"], meta["source_release"], strict=True)
        }
        out = []
        for chart in self.model.charts(view):
            if chart.figure is None:
                continue
            names = [citations[s] for s in self.model.sources_of(chart.indicator)]
            footer = exports.footer_text(names, releases, exported)
            figure = go.Figure(chart.figure, _validate=False)  # the page's plain dict, valid
            out.append((chart.indicator, chart.title, renderers.with_footer(figure, footer)))
        return out

    def permalink(self, view: state.ViewState) -> str:
        """The address that reopens this view."""
        return self.settings.public_url + "/" + state.serialise(view, self.model.default)

    # --- artefacts ------------------------------------------------------------------------------
    def build(
        self,
        view: state.ViewState,
        fmt: str,
        indicator: str | None = None,
        countries: list[str] | None = None,
    ) -> tuple[str, bytes]:
        """(file name, bytes) of one export; images need `indicator` when several are shown.

        Reports (PDF, ZIP) wait up to REPORT_WAIT_SECONDS for one of REPORT_WORKERS slots, then
        are refused as busy: a burst of clicks cannot start dozens of chromium processes.
        """
        if fmt == "zip" or (fmt == "pdf" and not indicator):  # the builds that start chromium
            if not self._reports.acquire(timeout=REPORT_WAIT_SECONDS):
                raise ExportBusy(
                    "The server is busy building other reports; try again in a minute."
                )
            try:
                return self._build(view, fmt, indicator, countries)
            finally:
                self._reports.release()
        return self._build(view, fmt, indicator, countries)

    def _build(self, view, fmt, indicator, countries) -> tuple[str, bytes]:
        exported = datetime.now(UTC)
        titles = [self.model.titles[i] for i in view.indicators]
        if fmt == "csv":
            return exports.file_name(titles, exported, "csv"), exports.to_csv_bytes(
                self._data(view, countries)
            )
        if fmt == "xlsx":
            return exports.file_name(titles, exported, "xlsx"), self._xlsx(view, countries)
        if fmt in ("png", "svg") or (fmt == "pdf" and indicator):
            charts = self.charts(
                view if not indicator else replace(view, indicators=(indicator,)), exported
            )
            if not charts:
                raise EmptySelection("no chart to export: the selection has no data in range")
            if len(charts) > 1:
                raise EmptySelection(
                    f"{len(charts)} charts are shown: name one --indicator for an image, or export a zip"
                )
            _, title, fig = charts[0]
            return exports.file_name([title], exported, fmt), renderers.image_bytes(fig, fmt)
        charts = self.charts(view, exported)
        if not charts:
            raise EmptySelection(
                "no chart to put in the report: the selection has no data in range"
            )
        if fmt == "html":
            return exports.file_name(titles, exported, "html"), self._html(
                view, exported, charts
            ).encode("utf-8")
        if fmt == "pdf":
            svgs = renderers.images_bytes([(fig, "svg") for _, _, fig in charts])
            return exports.file_name(titles, exported, "pdf"), self._pdf(
                view, exported, charts, svgs
            )
        if fmt == "zip":
            return exports.file_name(titles, exported, "zip"), self._zip(
                view, exported, charts, countries
            )
        raise ValueError(f"unknown export format {fmt!r}; one of {FORMATS}")

    def _data(self, view, countries) -> pd.DataFrame:
        data = self.data(view, countries)
        if data.empty:
            raise EmptySelection(
                "the selection is empty (nothing stored for it yet? run `python -m fetchers run`)"
            )
        return data

    def _xlsx(self, view, countries) -> bytes:
        return exports.to_xlsx_bytes(
            {
                "Data": self._data(view, countries),
                "Metadata": self.metadata(view),
                "Events": self.events(view),
                **self.analysis(view),
            }
        )

    def _html(self, view, exported, charts, static_svgs=None) -> str:
        metadata = self.metadata(view)
        sections = [
            report.table(
                "Key figures", self.kpis(view), " ".join(self.model.story(view)), charts_here=True
            ),
            report.table("Events", self.events(view)),
            *(
                report.table(heading, table, note)
                for heading, table, note in report_sections(
                    analysis_for(self.model, view), self.model.names
                )
            ),
            report.table("Sources and licences", metadata.drop(columns=["run_sha256"])),
        ]
        return report.report_html(
            f"{APP_NAME} — China and Russia", self._filter_text(view), sections,
            [(title, fig) for _, title, fig in charts], exported, self.permalink(view), static_svgs,
        )  # fmt: skip

    def _pdf(self, view, exported, charts, svgs) -> bytes:
        """The report printed by chromium, charts as vector SVG (no script to wait for)."""
        return renderers.html_to_pdf(self._html(view, exported, charts, svgs))

    def _zip(self, view, exported, charts, countries) -> bytes:
        # SVGs first: chromium prints the PDF from them while kaleido draws the PNGs.
        svgs = renderers.images_bytes([(fig, "svg") for _, _, fig in charts])
        with ThreadPoolExecutor(max_workers=1) as printer:
            pdf = printer.submit(renderers.html_to_pdf, self._html(view, exported, charts, svgs))
            pngs = renderers.images_bytes([(fig, "png") for _, _, fig in charts])
            files: dict[str, bytes] = {}
            for (_, title, _), png, svg in zip(charts, pngs, svgs, strict=True):
                stem = f"chart_{exports.slug(title)}"
                files[f"{stem}.png"], files[f"{stem}.svg"] = png, svg
            files["data.csv"] = exports.to_csv_bytes(self._data(view, countries))
            files["data.xlsx"] = self._xlsx(view, countries)
            for sheet, table in self.analysis(view).items():
                files[f"analysis/{exports.slug(sheet)}.csv"] = exports.to_csv_bytes(table)
            files["report.html"] = self._html(view, exported, charts).encode("utf-8")
            files["report.pdf"] = pdf.result()
        meta = self.metadata(view)
        files["CITATION.txt"] = exports.citation_text(
            meta,
            exported,
            self.permalink(view),
            {s.id: s.citation for s in self.model.catalogue.sources},
        ).encode("utf-8")
        manifest = {
            "app": APP_NAME,
            "app_version": APP_VERSION,
            "exported_at": format_time(exported),
            "filters": json.loads(json.dumps(asdict(view))),
            "permalink": self.permalink(view),
            "sources": self._source_times(),
        }
        return exports.zip_bytes(files, manifest)

    def _source_times(self) -> dict:
        runs = self.model.store.last_runs()
        return {
            r["source"]: {
                "release": r.get("last_ok_release") or "",
                "fetched_at": r.get("last_ok_at") or "",
                "run_sha256": r.get("last_ok_sha256") or "",
            }
            for r in runs.astype(object).where(runs.notna(), None).to_dict("records")
        }

    def _filter_text(self, view: state.ViewState) -> dict[str, str]:
        names = self.model.names
        return {
            "Indicators": ", ".join(view.indicators),
            "Countries": ", ".join(names[c] for c in [*self.model.pair, *view.comparators]),
            "Years": f"{view.year_from}–{view.year_to}",
            "Shown as": MODE_LABELS[view.mode]
            + (f" (base {view.base_year})" if view.mode == "indexed" else ""),
            "Scale": view.scale,
            "Base year for changes": str(view.base_year),
            "Event categories": ", ".join(view.categories) or "none",
        }
