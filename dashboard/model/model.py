"""The one view model: what a view shows, as plain data, for the page, the exports and the CLI."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd

from config.clock import short
from config.events import Event
from config.vocabulary import EMPTY_STORE, FAILING
from dashboard.model import figures, metrics, numbers, state, wording
from dashboard.model.records import Chart, KpiRow, Part, Rendered, Status
from dashboard.model.viewdata import ViewData
from fetchers.store.snapshot import StoreSnapshot
from fetchers.store.status import data_origin, header_line, source_statuses

STORY_LINES = 3  # headline sentences on the first screen
STATUS_SECONDS = 5  # how long one reading of the sources' status serves the header
LATEST_INK = "#767676"  # the latest data over a vintage: grey, thin, dotted
UNREACHABLE = "The data store is not answering: the page shows the data it last read."


class Model(ViewData):
    """Answers every question the page, the report and the export CLI ask of the store: each
    answer a function of one store snapshot (`self.snapshots.current()`) and a view."""

    @staticmethod
    def series(rows: pd.DataFrame, view: state.ViewState, pair: tuple[str, str]) -> pd.DataFrame:
        """One indicator's drawn series: the view's mode, in its years."""
        transformed = metrics.transform(rows, view.mode, pair, view.base_year)
        years = transformed["year"]
        return transformed[(years >= view.year_from) & (years <= view.year_to)]

    def unit(self, indicator_id: str, stored: str = "") -> numbers.Unit:
        """How a series reads, from its catalogue entry (a stored unit names an edition's year)."""
        return numbers.unit_for(self.catalogue.indicator(indicator_id), stored)

    def figure(
        self,
        title: str,
        unit: numbers.Unit,
        rows: pd.DataFrame,
        view: state.ViewState,
        events: list[Event],
        width: int = figures.EXPORT_WIDTH,
    ) -> dict | None:
        """The gap chart of one indicator's rows, or None when nothing is in range."""
        series = self.series(rows, view, self.pair)
        if series.empty:
            return None
        # The axis spans the chosen years that hold data: a view of 1900–2100 is not drawn so.
        years = (
            max(view.year_from, int(series["year"].min())),
            min(view.year_to, int(series["year"].max())),
        )
        return figures.gap_spec(
            series, title, unit, view.mode, view.scale, events, self.names, view.base_year,
            years, width, self.catalogue.aggregate.iso3,
        )  # fmt: skip

    def charts(
        self, snap: StoreSnapshot, view: state.ViewState, width: int = figures.EXPORT_WIDTH
    ) -> list[Chart]:
        """One chart per selected indicator, in the order the reader picked them."""
        events = self.events(view)
        # A vintage is drawn over the latest data, so a revision shows as two lines.
        latest = self.parts(self.snapshots.current(), view) if view.as_of else None
        out = []
        for n, (indicator_id, part) in enumerate(
            zip(view.indicators, self.parts(snap, view), strict=True)
        ):
            missing = tuple(self.names.get(c, c) for c in self.pair if c not in part.present)
            unit = self.unit(indicator_id, part.unit)
            fig = self.figure(part.title, unit, part.rows, view, events, width)
            if fig and latest:
                fig["data"] += self.latest_lines(latest[n], view, unit)
            reason = "" if fig else self.why_empty(snap, indicator_id, part.rows, view)
            out.append(Chart(indicator_id, part.title, part.unit, part.theme, fig, missing, reason))
        return out

    def latest_lines(self, part: Part, view: state.ViewState, unit: numbers.Unit) -> list[dict]:
        """The latest data of a chart's series, drawn thin and grey over a vintage's lines."""
        factor = unit.factor if view.mode == "absolute" else 1.0
        lines = []
        series = self.series(part.rows, view, self.pair)
        for (country, partner), rows in series.groupby(["country", "partner"], sort=False):
            rows = rows.sort_values("year")
            name = f"{self.series_name(country, partner)}, latest data"
            lines.append({
                "type": "scatter", "mode": "lines", "name": name, "x": rows["year"].tolist(),
                "y": [figures.drawn_value(v * factor) for v in rows["value"]],
                "line": {"color": LATEST_INK, "width": 1.5, "dash": "dot"},
                "hovertemplate": f"{name} %{{x}}: %{{y}}<extra></extra>",
            })  # fmt: skip
        return lines

    def why_empty(
        self, snap: StoreSnapshot, indicator_id: str, rows: pd.DataFrame, view: state.ViewState
    ) -> str:
        """The true cause of an empty chart: a source down, not in the snapshot, or no years."""
        statuses = self.status(snap).sources
        for source in self.sources_of(indicator_id):
            status = next((s for s in statuses if s.source == source), None)
            name = self.catalogue.source(source).title
            origin = data_origin(statuses, source)
            if rows.dropna(subset=["value"]).empty:
                if status and status.last_status in FAILING:
                    since = short(status.last_at)
                    return f"{name} is down since {since} ({status.error}); nothing is stored from it yet."
                if origin == "snapshot" or any(s.snapshot for s in statuses):
                    return f"{name}: not in the bundled snapshot; it appears after the first live fetch."
                if origin == "none":
                    return f"{name}: not fetched yet."
        years = sorted(set(rows.dropna(subset=["value"])["year"]))
        return wording.no_chart(view.mode, (view.year_from, view.year_to), view.base_year, years)

    def drawn(self, snap: StoreSnapshot, view: state.ViewState, indicator_id: str) -> pd.DataFrame:
        """Exactly the series one chart draws, with its names, mode, unit and provenance."""
        frame = self.data(snap, replace(view, indicators=(indicator_id,)))
        title, unit, _ = self.describe(indicator_id, frame)
        series = self.series(frame[frame["indicator"] == indicator_id], view, self.pair)
        info = self.unit(indicator_id, unit)
        runs = snap.last_runs(self.settings.scheduler_lease_seconds)
        releases = (
            {} if runs.empty else dict(zip(runs["source"], runs["last_ok_release"], strict=True))
        )
        sources = self.sources_of(indicator_id)
        names = [self.series_name(c, p)
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
                else numbers.mode_unit(view.mode, info, view.base_year, self.pair_names),
                "basis": info.basis,
                "flag": series["flag"],
                "source": "; ".join(self.catalogue.source(s).citation for s in sources),
                "source_release": "; ".join(str(releases.get(s) or "") for s in sources),
            }
        )

    def kpis(self, snap: StoreSnapshot, view: state.ViewState) -> list[KpiRow]:
        """The headline comparison of every selected indicator that has a common year."""
        out = []
        years = (view.year_from, view.year_to)
        for indicator_id, part in zip(view.indicators, self.parts(snap, view), strict=True):
            kpi = metrics.kpi_of(part.values, indicator_id, view.base_year, years)
            if kpi is not None:
                item, unit = (
                    self.catalogue.indicator(indicator_id),
                    self.unit(indicator_id, part.unit),
                )
                ppp = self.ppp_kpi(snap, view, item.ppp_twins)
                sentence = wording.headline(item, unit, kpi, self.names, self.pair, ppp=ppp)
                out.append(KpiRow(indicator_id, part.title, unit, kpi, sentence))
        return out

    def ppp_kpi(self, snap: StoreSnapshot, view: state.ViewState, twins: tuple[str, ...]):
        """The comparison at purchasing power parity beside a market-rate series (its first
        twin with data: the WDI's own series, else the one computed from per-capita values)."""
        years = (view.year_from, view.year_to)
        for twin in twins:
            if twin not in self.indicator_ids:
                continue
            (part,) = self.parts(snap, replace(view, indicators=(twin,)))
            kpi = metrics.kpi_of(part.values, twin, view.base_year, years)
            if kpi is not None:
                return kpi
        return None

    def story(self, snap: StoreSnapshot, view: state.ViewState) -> list[str]:
        """The headline sentences of a view."""
        return [k.sentence for k in self.kpis(snap, view)[:STORY_LINES]]

    def key_figures(self, snap: StoreSnapshot, view: state.ViewState) -> pd.DataFrame:
        """The KPI cards as a table of text, worded as on the page (for the report)."""
        a, b = self.pair_names
        rows = [
            wording.key_figure(row.title, row.unit, row.kpi, a, b) for row in self.kpis(snap, view)
        ]
        return pd.DataFrame(rows)

    def table(self, snap: StoreSnapshot, view: state.ViewState) -> pd.DataFrame:
        """The data table's rows in the view's years, with readable names."""
        table = metrics.table_rows(self.data(snap, view), view.base_year)
        table = table[(table["year"] >= view.year_from) & (table["year"] <= view.year_to)]
        units = [self.unit(i, u) for i, u in zip(table["indicator"], table["unit"], strict=True)]
        return table.assign(
            indicator_title=table["indicator"].map(self.titles),
            country_name=table["country"].map(lambda c: self.names.get(c, c)),
            value_text=[
                numbers.shown(v * u.factor, u) for v, u in zip(table["value"], units, strict=True)
            ],
            yoy_text=wording.changes(table["yoy_pct"], table["yoy_diff"], units),
            since_text=wording.changes(table["since_base_pct"], table["since_base_diff"], units),
        )

    def source_rows(self, snap: StoreSnapshot, view: state.ViewState) -> list[dict]:
        """Provenance per selected indicator."""
        by_id = {r["indicator"]: r for r in snap.meta.to_dict("records")}
        rows = []
        for indicator_id in view.indicators:
            item = self.catalogue.indicator(indicator_id)
            if item.inputs:  # derived here: its first input's release, its own words
                first = by_id.get(item.inputs[0], {})
                rows.append({
                    "id": indicator_id, "title": item.title, "organization": item.organisation,
                    "note": item.note, "licence": item.licence,
                    "release": first.get("release", ""), "fetched_at": first.get("fetched_at", ""),
                })  # fmt: skip
                continue
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

    @property
    def pair_names(self) -> tuple[str, str]:
        """The focus pair's display names ('China', 'Russia')."""
        return self.names[self.pair[0]], self.names[self.pair[1]]

    def series_name(self, country: str, partner: str) -> str:
        """A line's name: 'China', 'China → Russia', 'China (world)', 'A ÷ B'."""
        return figures.series_name(country, partner, self.names, self.catalogue.aggregate.iso3)

    @staticmethod
    def empty_message(snap: StoreSnapshot) -> str:
        """What to say when the view has no data at all."""
        if snap.runs.empty:
            return (f"{EMPTY_STORE} Without internet, load a downloaded file with "
                    "`python -m fetchers import FILE`.")  # fmt: skip
        return "The store has no data for the selected indicators; pick others or check the sources' status above."

    def render(
        self, snap: StoreSnapshot, view: state.ViewState, width: int = figures.EXPORT_WIDTH
    ) -> Rendered:
        """Story, KPIs, charts and events for a view, all from one snapshot."""
        empty = not self.data(snap, view)["value"].notna().any()
        kpis = self.kpis(snap, view)
        return Rendered(
            kpis=kpis,
            charts=[] if empty else self.charts(snap, view, width),
            events=self.events(view),
            empty_message=self.empty_message(snap) if empty else "",
            story=[k.sentence for k in kpis[:STORY_LINES]],
        )

    def status(self, snap: StoreSnapshot) -> Status:
        """Data version and per-source freshness for the header (read again each STATUS_SECONDS:
        ages and staleness move with the clock, not only with the data)."""
        unreachable = self.snapshots.unreachable
        tick = int(time.monotonic() // STATUS_SECONDS)
        return snap.derive(("status", tick, unreachable), lambda: self._status(snap, unreachable))

    def _status(self, snap: StoreSnapshot, unreachable: bool) -> Status:
        runs = snap.last_runs(self.settings.scheduler_lease_seconds)
        statuses = source_statuses(runs, self.settings)
        empty = runs.empty or not runs["last_ok_id"].notna().any()
        line = header_line(statuses, self.catalogue)
        return Status(
            snap.version, statuses, empty, f"{UNREACHABLE} {line}" if unreachable else line
        )
