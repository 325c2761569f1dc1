"""Every export of a view, built from one store snapshot: the page's downloads and the CLI."""

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
from dashboard.exports import citation, formats, renderers, report
from dashboard.model import state, wording
from dashboard.model.analysed import analysis_for
from dashboard.model.analysis import analysis_tables
from dashboard.model.analysis.reporting import report_sections
from dashboard.model.model import Model
from fetchers.store.snapshot import StoreSnapshot

FORMATS = ("csv", "xlsx", "png", "svg", "pdf", "html", "zip")


REPORTS = ("pdf", "zip")  # reports start chromium: at most REPORT_WORKERS at once


class ExportRefused(ValueError):
    """An export cannot be built for this view now; the message says why, for people."""


class EmptySelection(ExportRefused):
    """The view selects no stored data."""


class ExportBusy(ExportRefused):
    """Every report slot is taken; try again shortly."""


class Snapshot:
    """Builds every export artefact for a view from one store snapshot, with its provenance."""

    def __init__(self, model: Model, settings: Settings) -> None:
        self.model, self.settings = model, settings
        self._reports = threading.BoundedSemaphore(settings.report_workers)

    # --- pieces -------------------------------------------------------------------------------
    def data(
        self, snap: StoreSnapshot, view: state.ViewState, countries: list[str] | None = None
    ) -> pd.DataFrame:
        """The tidy export rows of a view: source values only, years and countries as selected."""
        wanted = countries or [*self.model.pair, *view.comparators]
        frame = snap.rows(self.model.stored_ids(view.indicators), wanted)
        frame = frame[(frame["year"] >= view.year_from) & (frame["year"] <= view.year_to)]
        return formats.tidy_export(frame, snap.runs)

    def metadata(self, snap: StoreSnapshot, view: state.ViewState) -> pd.DataFrame:
        """Metadata rows for the view's stored indicators."""
        catalogue = self.model.catalogue
        items = [catalogue.indicator(i) for i in self.model.stored_ids(view.indicators)]
        return formats.metadata_frame(items, snap.meta)

    def events(self, view: state.ViewState) -> pd.DataFrame:
        """The events shown with the view."""
        return formats.events_frame(self.model.events(view))

    def analysis(self, snap: StoreSnapshot, view: state.ViewState) -> dict[str, pd.DataFrame]:
        """The analysis tables: one per sheet."""
        return analysis_tables(analysis_for(self.model, snap, view))

    def charts(
        self, snap: StoreSnapshot, view: state.ViewState, exported: datetime
    ) -> list[tuple[str, str, go.Figure]]:
        """The view's charts that have data, each with its source line underneath."""
        meta = self.metadata(snap, view)
        citations = {s.id: s.citation for s in self.model.catalogue.sources}
        releases = {
            citations[s]: r for s, r in zip(meta["source"], meta["source_release"], strict=True)
        }
        out = []
        for chart in self.model.charts(snap, view):
            if chart.figure is None:
                continue
            names = [citations[s] for s in self.model.sources_of(chart.indicator)]
            footer = formats.footer_text(names, releases, exported)
            figure = go.Figure(chart.figure, _validate=False)  # the page's plain dict, valid
            out.append((chart.indicator, chart.title, renderers.with_footer(figure, footer)))
        return out

    def permalink(self, view: state.ViewState) -> str:
        """The address that reopens this view (with the latest data)."""
        return self.settings.public_url + "/" + state.serialise(view, self.model.default)

    @staticmethod
    def as_of(snap: StoreSnapshot, view: state.ViewState) -> str:
        """The moment the export's numbers stood: the view's vintage, else the newest run's end."""
        return view.as_of or snap.latest()

    def pinned(self, snap: StoreSnapshot, view: state.ViewState) -> str:
        """The address that reopens this view on exactly these numbers (as_of pinned)."""
        return self.permalink(replace(view, as_of=self.as_of(snap, view)))

    def cite(
        self, snap: StoreSnapshot, view: state.ViewState, exported: datetime
    ) -> citation.Cited:
        """How to cite this view: title, sources with their releases, pinned permalink, access."""
        model = self.model
        title = wording.view_title(view, model.titles, model.names, model.pair)
        return citation.cited(
            title, self.metadata(snap, view), model.catalogue, self.pinned(snap, view),
            self.as_of(snap, view), exported.date(),
        )  # fmt: skip

    def cover(self, snap: StoreSnapshot, view: state.ViewState, exported: datetime) -> dict:
        """The workbook's cover: what the view is, where it reopens, how to cite it."""
        licences = sorted({i.licence for i in self.model.catalogue.indicators})
        return {
            "View": "; ".join(f"{k}: {v}" for k, v in self._filter_text(view).items()),
            "Permalink": self.pinned(snap, view),
            "Citation": citation.apa(self.cite(snap, view, exported)),
            "Licences": "; ".join(licences),
            "Data as of": self.as_of(snap, view),
            "Data version": str(snap.version),
            "Exported": format_time(exported),
        }

    # --- artefacts ------------------------------------------------------------------------------
    def build(
        self,
        view: state.ViewState,
        fmt: str,
        indicator: str | None = None,
        countries: list[str] | None = None,
        snap: StoreSnapshot | None = None,
    ) -> tuple[str, bytes]:
        """(file name, bytes) of one export, every part from one snapshot (the current one unless
        given, e.g. a vintage); images need `indicator` when several are shown.

        Reports (PDF, ZIP) take one of REPORT_WORKERS slots or are refused as busy at once: a
        burst of clicks cannot start dozens of chromium processes, and no request waits holding
        a server worker.
        """
        snap = snap or self.model.snapshots.current()
        if fmt == "zip" or (fmt == "pdf" and not indicator):  # the builds that start chromium
            if not self._reports.acquire(blocking=False):
                raise ExportBusy("The server is busy building other reports; try again shortly.")
            try:
                return self._build(snap, view, fmt, indicator, countries)
            finally:
                self._reports.release()
        return self._build(snap, view, fmt, indicator, countries)

    def _build(self, snap, view, fmt, indicator, countries) -> tuple[str, bytes]:
        exported = datetime.now(UTC)
        titles = [self.model.titles[i] for i in view.indicators]
        if fmt == "csv":
            return formats.file_name(titles, exported, "csv"), formats.to_csv_bytes(
                self._data(snap, view, countries)
            )
        if fmt == "xlsx":
            return formats.file_name(titles, exported, "xlsx"), self._xlsx(snap, view, countries)
        if fmt in ("png", "svg") or (fmt == "pdf" and indicator):
            charts = self.charts(
                snap, view if not indicator else replace(view, indicators=(indicator,)), exported
            )
            if not charts:
                raise EmptySelection("no chart to export: the selection has no data in range")
            if len(charts) > 1:
                raise EmptySelection(
                    f"{len(charts)} charts are shown: name one --indicator for an image, or export a zip"
                )
            _, title, fig = charts[0]
            return formats.file_name([title], exported, fmt), renderers.image_bytes(fig, fmt)
        charts = self.charts(snap, view, exported)
        if not charts:
            raise EmptySelection(
                "no chart to put in the report: the selection has no data in range"
            )
        if fmt == "html":
            return formats.file_name(titles, exported, "html"), self._html(
                snap, view, exported, charts
            ).encode("utf-8")
        if fmt == "pdf":
            svgs = renderers.images_bytes([(fig, "svg") for _, _, fig in charts])
            return formats.file_name(titles, exported, "pdf"), self._pdf(
                snap, view, exported, charts, svgs
            )
        if fmt == "zip":
            return formats.file_name(titles, exported, "zip"), self._zip(
                snap, view, exported, charts, countries
            )
        raise ValueError(f"unknown export format {fmt!r}; one of {FORMATS}")

    def _data(self, snap, view, countries) -> pd.DataFrame:
        data = self.data(snap, view, countries)
        if data.empty:
            raise EmptySelection(
                "the selection is empty (nothing stored for it yet? run `python -m fetchers run`)"
            )
        return data

    def _xlsx(self, snap, view, countries) -> bytes:
        return formats.to_xlsx_bytes(
            {
                "Data": self._data(snap, view, countries),
                "Metadata": self.metadata(snap, view),
                "Events": self.events(view),
                **self.analysis(snap, view),
            },
            cover=self.cover(snap, view, datetime.now(UTC)),
        )

    def _html(self, snap, view, exported, charts, static_svgs=None) -> str:
        metadata = self.metadata(snap, view)
        model = self.model
        sections = [
            report.table(
                "Key figures",
                model.key_figures(snap, view),
                " ".join(model.story(snap, view)),
                charts_here=True,
            ),
            report.table("Events", self.events(view)),
            *(
                report.table(heading, table, note)
                for heading, table, note in report_sections(
                    analysis_for(model, snap, view), model.names
                )
            ),
            report.table("Sources and licences", metadata.drop(columns=["run_sha256"])),
        ]
        return report.report_html(
            f"{APP_NAME} — China and Russia", self._filter_text(view), sections,
            [(title, fig) for _, title, fig in charts], exported, self.permalink(view), static_svgs,
        )  # fmt: skip

    def _pdf(self, snap, view, exported, charts, svgs) -> bytes:
        """The report printed by chromium, charts as vector SVG (no script to wait for)."""
        return renderers.html_to_pdf(self._html(snap, view, exported, charts, svgs))

    def _zip(self, snap, view, exported, charts, countries) -> bytes:
        # SVGs first: chromium prints the PDF from them while kaleido draws the PNGs.
        svgs = renderers.images_bytes([(fig, "svg") for _, _, fig in charts])
        with ThreadPoolExecutor(max_workers=1) as printer:
            html = self._html(snap, view, exported, charts, svgs)
            pdf = printer.submit(renderers.html_to_pdf, html)
            pngs = renderers.images_bytes([(fig, "png") for _, _, fig in charts])
            files: dict[str, bytes] = {}
            stems = formats.unique_names([title for _, title, _ in charts])  # "GDP", "GDP!"
            for stem, png, svg in zip(stems, pngs, svgs, strict=True):
                files[f"chart_{stem}.png"], files[f"chart_{stem}.svg"] = png, svg
            files["data.csv"] = formats.to_csv_bytes(self._data(snap, view, countries))
            files["data.xlsx"] = self._xlsx(snap, view, countries)
            sheets = self.analysis(snap, view)
            for stem, table in zip(
                formats.unique_names(list(sheets)), sheets.values(), strict=True
            ):
                files[f"analysis/{stem}.csv"] = formats.to_csv_bytes(table)
            files["report.html"] = self._html(snap, view, exported, charts).encode("utf-8")
            files["report.pdf"] = pdf.result()
        meta = self.metadata(snap, view)
        cited = citation.all_formats(self.cite(snap, view, exported))
        sources = formats.citation_text(
            meta,
            exported,
            self.pinned(snap, view),
            {s.id: s.citation for s in self.model.catalogue.sources},
        )
        files["CITATION.txt"] = "\n\n".join([cited["apa"], cited["chicago"], sources]).encode()
        files["CITATION.bib"] = cited["bibtex"].encode("utf-8")
        files["CITATION.ris"] = cited["ris"].encode("utf-8")
        manifest = {
            "app": APP_NAME,
            "app_version": APP_VERSION,
            "exported_at": format_time(exported),
            "filters": json.loads(json.dumps(asdict(view))),
            "as_of": self.as_of(snap, view),
            "permalink": self.pinned(snap, view),
            # Every file here was built from this one state of the store.
            "data_version": snap.version,
            "sources": self._source_times(snap),
        }
        return formats.zip_bytes(files, manifest)

    def _source_times(self, snap: StoreSnapshot) -> dict:
        runs = snap.last_runs(self.settings.scheduler_lease_seconds)
        catalogue = self.model.catalogue
        return {
            r["source"]: {
                "title": catalogue.source(r["source"]).title,
                "release": r.get("last_ok_release") or "",
                "fetched_at": r.get("last_ok_at") or "",
                "origin": r.get("last_ok_kind") or "",
                "run_sha256": r.get("last_ok_sha256") or "",
                "licence": "; ".join(
                    sorted({i.licence for i in catalogue.indicators if i.source == r["source"]})
                ),
            }
            for r in runs.astype(object).where(runs.notna(), None).to_dict("records")
        }

    def _filter_text(self, view: state.ViewState) -> dict[str, str]:
        names = self.model.names
        return {
            "Indicators": ", ".join(view.indicators),
            "Countries": ", ".join(names[c] for c in [*self.model.pair, *view.comparators]),
            "Years": f"{view.year_from}–{view.year_to}",
            "Shown as": wording.mode_labels(*(names[c] for c in self.model.pair))[view.mode]
            + (f" (base {view.base_year})" if view.mode == "indexed" else ""),
            "Scale": view.scale,
            "Base year for changes": str(view.base_year),
            "Event categories": ", ".join(view.categories) or "none",
        }
