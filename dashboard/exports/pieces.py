"""The pieces of a view's exports, from one snapshot: rows, metadata, charts, citation, cover."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from config.clock import format_time
from config.settings import Settings
from dashboard.exports import citation, formats, renderers
from dashboard.model import state, wording
from dashboard.model.analysed import analysis_for
from dashboard.model.analysis import analysis_tables
from dashboard.model.model import Model
from fetchers.store.snapshot import StoreSnapshot


class Pieces:
    """What every export of a view is built from, each a function of (snapshot, view)."""

    def __init__(self, model: Model, settings: Settings) -> None:
        self.model, self.settings = model, settings

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
            "Indicators": ", ".join(self.model.titles.get(i, i) for i in view.indicators),
            "Countries": ", ".join(names[c] for c in [*self.model.pair, *view.comparators]),
            "Years": f"{view.year_from}–{view.year_to}",
            "Shown as": wording.mode_labels(*(names[c] for c in self.model.pair))[view.mode]
            + (f" (base {view.base_year})" if view.mode == "indexed" else ""),
            "Scale": view.scale,
            "Base year for changes": str(view.base_year),
            "Event categories": ", ".join(view.categories) or "none",
        }
