"""Every export of a view, built from one store snapshot: the page's downloads and the CLI."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pandas as pd

from config.about import APP_NAME, APP_VERSION
from config.clock import format_time
from config.settings import Settings
from config.vocabulary import TRY_AGAIN
from dashboard.exports import citation, formats, renderers, report
from dashboard.exports.pieces import Pieces
from dashboard.exports.slots import report_slot, slot_dir
from dashboard.model import state
from dashboard.model.analysed import analysis_for
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


class Exporter(Pieces):
    """Builds every export artefact for a view from one store snapshot, with its provenance."""

    def __init__(self, model: Model, settings: Settings) -> None:
        super().__init__(model, settings)
        self._slots = slot_dir(settings.database_url)

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

        Reports (PDF, ZIP) take one of REPORT_WORKERS slots shared by every server process on the
        host, or are refused as busy at once: a burst of clicks cannot start dozens of chromium
        processes, and no request waits holding a server worker.
        """
        snap = snap or self.model.snapshots.current()
        if fmt == "zip" or (fmt == "pdf" and not indicator):  # the builds that start chromium
            with report_slot(self.settings.report_workers, self._slots) as held:
                if not held:
                    raise ExportBusy(f"The server is busy building other reports; {TRY_AGAIN}.")
                return self._build(snap, view, fmt, indicator, countries)
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
