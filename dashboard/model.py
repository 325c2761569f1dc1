"""The one view model: what a view shows, as plain data, for the page, the exports and the CLI."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas as pd

from config.catalogue import Catalogue
from config.clock import short
from config.events import Event, Timeline
from config.settings import Settings
from dashboard import figures, metrics, numbers, state, wording
from dashboard.cache import Memo
from dashboard.derived import DERIVED
from dashboard.reads import Reads
from fetchers.status import SourceStatus, data_origin, header_line, source_statuses
from fetchers.store import Store

STORY_LINES = 3  # headline sentences on the first screen
STATUS_SECONDS = 5  # how long one reading of the sources' status serves the header


@dataclass(frozen=True)
class Chart:
    """One indicator's chart, or why there is none."""

    indicator: str
    title: str
    unit: str
    theme: str
    figure: dict | None  # plotly's figure as plain data (figures.gap_spec)
    missing: tuple[str, ...] = ()
    reason: str = ""  # why there is no figure, in words


@dataclass(frozen=True)
class KpiRow:
    """One indicator's headline comparison with its title and unit."""

    indicator: str
    title: str
    unit: str
    kpi: metrics.Kpi
    sentence: str


@dataclass(frozen=True)
class Status:
    """The store's state for the header: data version, per-source status, and whether empty."""

    version: int
    sources: list[SourceStatus]
    empty: bool
    line: str = ""  # the header's one calm sentence


@dataclass(frozen=True)
class Rendered:
    """Everything the page shows for a view."""

    kpis: list[KpiRow]
    charts: list[Chart]
    events: list[Event]
    empty_message: str
    story: list[str]  # the headline sentences, one per indicator with a comparison


class Model:
    """Answers every question the page, the report and the export CLI ask of the store."""

    def __init__(
        self, store: Store, settings: Settings, catalogue: Catalogue, timeline: Timeline
    ) -> None:
        self.store, self.settings, self.catalogue, self.timeline = (
            store,
            settings,
            catalogue,
            timeline,
        )
        self.pair = tuple(catalogue.focus[:2])
        self.names = {c.iso3: c.name for c in catalogue.countries}
        self.indicator_ids = tuple(i.id for i in catalogue.indicators) + tuple(DERIVED)
        self.titles = {i.id: i.title for i in catalogue.indicators} | {
            k: d.title for k, d in DERIVED.items()
        }
        self.reads = Reads(store, catalogue, self.pair)
        self._status: Memo[Status] = Memo(2)
        self.comparators = tuple(c.iso3 for c in catalogue.countries if c.role == "comparator")
        self.last_year = datetime.now(UTC).year
        self.default = state.default_state(
            self.indicator_ids, self.comparators, timeline.categories, self.last_year
        )

    # --- URL and filter state -----------------------------------------------------------------
    def from_url(self, search: str | None) -> tuple[state.ViewState, list[str]]:
        """Parse the link's query string."""
        return state.parse(
            search, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )

    def from_saved(self, data: object) -> state.ViewState:
        """A client's saved view, checked like a link (anything invalid falls back)."""
        view, _ = state.from_data(
            data, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )
        return view

    def from_filters(self, values: list) -> state.ViewState:
        """A state from the filter controls' values, checked like a link (values come from the
        browser and may be anything)."""
        fields = ("indicators", "comparators", "years", "mode", "scale", "base_year", "categories")
        raw = dict(zip(fields, list(values or []) + [None] * len(fields), strict=False))
        years = raw.pop("years")
        if isinstance(years, list | tuple) and len(years) == 2:
            raw["year_from"], raw["year_to"] = years
        raw = {k: v for k, v in raw.items() if v is not None}
        view, _ = state.from_data(
            raw, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )
        return view

    @staticmethod
    def filter_values(view: state.ViewState) -> list:
        """The filter controls' values for a state."""
        return [
            list(view.indicators),
            list(view.comparators),
            [view.year_from, view.year_to],
            view.mode,
            view.scale,
            view.base_year,
            list(view.categories),
        ]

    # --- data ----------------------------------------------------------------------------------
    stored_ids = staticmethod(Reads.stored_ids)

    def data(self, view: state.ViewState, version: int | None = None) -> pd.DataFrame:
        """Stored rows for the view's indicators and countries, with derived series (kept per version)."""
        return self.reads.frame(view, version)

    def events(self, view: state.ViewState) -> list[Event]:
        """The events of the view's categories, in date order."""
        return [e for e in self.timeline.events if e.category in view.categories]

    def sources_of(self, indicator_id: str) -> list[str]:
        """The source ids an indicator's values come from."""
        return sorted({self.catalogue.indicator(i).source for i in self.stored_ids([indicator_id])})

    # --- what the page shows -------------------------------------------------------------------
    @staticmethod
    def series(
        rows: pd.DataFrame,
        view: state.ViewState,
        pair: tuple[str, str],
        transformed: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """One indicator's drawn series: the view's mode (unless `transformed`), in its years."""
        if transformed is None:
            transformed = metrics.transform(rows, view.mode, pair, view.base_year)
        years = transformed["year"]
        return transformed[(years >= view.year_from) & (years <= view.year_to)]

    def figure(
        self,
        title: str,
        unit: str,
        rows: pd.DataFrame,
        view: state.ViewState,
        events: list[Event],
        width: int = figures.EXPORT_WIDTH,
        transformed: pd.DataFrame | None = None,
    ) -> dict | None:
        """The gap chart of one indicator's rows, or None when nothing is in range."""
        series = self.series(rows, view, self.pair, transformed)
        if series.empty:
            return None
        # The axis spans the chosen years that hold data: a view of 1900–2100 is not drawn so.
        years = (
            max(view.year_from, int(series["year"].min())),
            min(view.year_to, int(series["year"].max())),
        )
        return figures.gap_spec(
            series, title, unit, view.mode, view.scale, events, self.names, view.base_year,
            years, width,
        )  # fmt: skip

    def charts(
        self,
        view: state.ViewState,
        frame: pd.DataFrame | None = None,
        width: int = figures.EXPORT_WIDTH,
        version: int | None = None,
    ) -> list[Chart]:
        """One chart per selected indicator, in the order the reader picked them."""
        events = self.events(view)
        key = self.reads.key(view, version) if frame is None else None
        statuses: list[SourceStatus] | None = None  # read only when a chart is empty
        out = []
        for indicator_id, part in zip(
            view.indicators, self.reads.parts(view, frame, key), strict=True
        ):
            title, unit, rows = part.title, part.unit, part.rows
            missing = tuple(self.names.get(c, c) for c in self.pair if c not in part.present)
            kept = None if key is None else self.reads.transformed(view, indicator_id, part, key)
            fig = self.figure(title, unit, rows, view, events, width, kept)
            if fig is None and statuses is None:
                statuses = self.status().sources
            reason = "" if fig else self.why_empty(indicator_id, rows, view, statuses or [])
            out.append(Chart(indicator_id, title, unit, part.theme, fig, missing, reason))
        return out

    def why_empty(
        self,
        indicator_id: str,
        rows: pd.DataFrame,
        view: state.ViewState,
        statuses: list[SourceStatus],
    ) -> str:
        """The true cause of an empty chart: a source down, not in the snapshot, or no years."""
        for source in self.sources_of(indicator_id):
            status = next((s for s in statuses if s.source == source), None)
            name = self.catalogue.source(source).title
            origin = data_origin(statuses, source)
            if rows.dropna(subset=["value"]).empty:
                if status and status.last_status in ("failed", "interrupted"):
                    since = short(status.last_at)
                    return f"{name} is down since {since} ({status.error}); nothing is stored from it yet."
                if origin == "snapshot" or any(s.snapshot for s in statuses):
                    return f"{name}: not in the bundled snapshot; it appears after the first live fetch."
                if origin == "none":
                    return f"{name}: not fetched yet."
        years = sorted(set(rows.dropna(subset=["value"])["year"]))
        return wording.no_chart(view.mode, (view.year_from, view.year_to), view.base_year, years)

    def drawn(self, view: state.ViewState, indicator_id: str) -> pd.DataFrame:
        """Exactly the series one chart draws, with its names, mode, unit and provenance."""
        frame = self.data(replace(view, indicators=(indicator_id,)))
        title, unit, _ = self.reads.describe(indicator_id, frame)
        series = self.series(frame[frame["indicator"] == indicator_id], view, self.pair)
        info = numbers.unit_of(unit)
        runs = self.store.last_runs()
        releases = (
            {} if runs.empty else dict(zip(runs["source"], runs["last_ok_release"], strict=True))
        )
        sources = self.sources_of(indicator_id)
        names = [figures.series_name(c, p, self.names)
                 for c, p in zip(series["country"], series["partner"], strict=True)]  # fmt: skip
        return pd.DataFrame(
            {
                "indicator": indicator_id,
                "title": title,
                "series": names,
                "mode": view.mode,
                "year": series["year"].astype(int),
                # Values as the source published them (in its unit); ratios, indices and shares
                # are computed here and given in their own unit.
                "value": series["value"],
                "unit": unit
                if view.mode == "absolute"
                else numbers.mode_unit(view.mode, info, view.base_year),
                "basis": info.basis,
                "flag": series["flag"],
                "source": "; ".join(self.catalogue.source(s).citation for s in sources),
                "source_release": "; ".join(str(releases.get(s) or "") for s in sources),
            }
        )

    def kpis(
        self,
        view: state.ViewState,
        frame: pd.DataFrame | None = None,
        version: int | None = None,
    ) -> list[KpiRow]:
        """The headline comparison of every selected indicator that has a common year."""
        out = []
        years = (view.year_from, view.year_to)
        key = self.reads.key(view, version) if frame is None else None
        for indicator_id, part in zip(
            view.indicators, self.reads.parts(view, frame, key), strict=True
        ):
            kpi = metrics.kpi_of(part.values, indicator_id, view.base_year, years)
            if kpi is not None:
                title, unit = part.title, part.unit
                sentence = wording.headline(indicator_id, title, unit, kpi, self.names, self.pair)
                out.append(KpiRow(indicator_id, title, unit, kpi, sentence))
        return out

    def story(self, view: state.ViewState) -> list[str]:
        """The headline sentences of a view."""
        return [k.sentence for k in self.kpis(view)[:STORY_LINES]]

    def key_figures(self, view: state.ViewState) -> pd.DataFrame:
        """The KPI cards as a table of text, worded as on the page (for the report)."""
        a, b = (self.names[c] for c in self.pair)
        rows = [wording.key_figure(row.title, row.unit, row.kpi, a, b) for row in self.kpis(view)]
        return pd.DataFrame(rows)

    def table(self, view: state.ViewState, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """The data table's rows in the view's years, with readable names."""
        frame = self.data(view) if frame is None else frame
        table = metrics.table_rows(frame, view.base_year)
        table = table[(table["year"] >= view.year_from) & (table["year"] <= view.year_to)]
        units = [numbers.unit_of(u) for u in table["unit"]]
        return table.assign(
            indicator_title=table["indicator"].map(self.titles),
            country_name=table["country"].map(lambda c: self.names.get(c, c)),
            value_text=[
                numbers.shown(v * u.factor, u) for v, u in zip(table["value"], units, strict=True)
            ],
            yoy_text=wording.changes(table["yoy_pct"], table["yoy_diff"], units),
            since_text=wording.changes(table["since_base_pct"], table["since_base_diff"], units),
        )

    def source_rows(self, view: state.ViewState) -> list[dict]:
        """Provenance per selected indicator."""
        by_id = {r["indicator"]: r for r in self.store.indicator_meta().to_dict("records")}
        rows = []
        for indicator_id in view.indicators:
            if indicator_id in DERIVED:
                item = DERIVED[indicator_id]
                first = by_id.get(item.inputs[0], {})
                rows.append({
                    "id": indicator_id, "title": item.title, "organization": item.organisation,
                    "note": item.note,
                    "licence": self.catalogue.indicator(item.inputs[0]).licence,
                    "release": first.get("release", ""), "fetched_at": first.get("fetched_at", ""),
                })  # fmt: skip
                continue
            item = self.catalogue.indicator(indicator_id)
            found = by_id.get(indicator_id, {})
            rows.append(
                {
                    "id": indicator_id,
                    "title": found.get("name") or item.title,
                    "organization": found.get("source_organization")
                    or self.catalogue.source(item.source).organisation,
                    "note": found.get("source_note", ""),
                    "licence": item.licence,
                    "release": found.get("release", ""),
                    "fetched_at": found.get("fetched_at", ""),
                }
            )
        return rows

    def empty_message(self) -> str:
        """What to say when the view has no data at all."""
        if self.store.last_runs().empty:
            return ("No data stored yet: the first fetch starts with the app. Without internet, "
                    "load a downloaded file with `python -m fetchers import FILE`.")  # fmt: skip
        return "The store has no data for the selected indicators; pick others or check the sources' status above."

    def render(
        self, view: state.ViewState, width: int = figures.EXPORT_WIDTH, version: int | None = None
    ) -> Rendered:
        """Story, KPIs, charts and events for a view, from one store read at one data version."""
        version = self.store.data_version() if version is None else version
        empty = not self.data(view, version)["value"].notna().any()
        kpis = self.kpis(view, version=version)
        return Rendered(
            kpis=kpis,
            charts=[] if empty else self.charts(view, width=width, version=version),
            events=self.events(view),
            empty_message=self.empty_message() if empty else "",
            story=[k.sentence for k in kpis[:STORY_LINES]],
        )

    def status(self) -> Status:
        """Data version and per-source freshness for the header, kept STATUS_SECONDS per version."""
        now = int(time.monotonic() // STATUS_SECONDS)
        return self._status.get((self.store.data_version(), now), self._read_status)

    def _read_status(self) -> Status:
        runs = self.store.last_runs()
        statuses = source_statuses(runs, self.settings)
        empty = runs.empty or not runs["last_ok_id"].notna().any()
        line = header_line(statuses, self.catalogue)
        return Status(self.store.data_version(), statuses, empty, line)
