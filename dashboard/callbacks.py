"""Thin callbacks: URL ↔ filters, store → metrics → figures, and the live data-version poll."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from config.catalogue import Catalogue
from config.events import Timeline
from config.settings import Settings
from dashboard import figures, layout, metrics, state
from fetchers.store import Store, source_statuses

DERIVED = {metrics.TRADE_SHARE: ("Partner's share of goods trade (Comtrade)", "trade")}
FILTERS = ("f-indicators", "f-countries", "f-years", "f-mode", "f-scale", "f-base", "f-events")


class Views:
    """What the callbacks compute, as plain methods over the store (tested without a browser)."""

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
            k: title for k, (title, _) in DERIVED.items()
        }
        self.comparators = tuple(c.iso3 for c in catalogue.countries if c.role == "comparator")
        self.last_year = datetime.now(UTC).year
        self.default = state.default_state(
            self.indicator_ids, self.comparators, timeline.categories, self.last_year
        )

    # --- URL state ---------------------------------------------------------------------------
    def from_url(self, search: str | None) -> tuple[state.ViewState, list[str]]:
        """Parse the link's query string."""
        return state.parse(
            search, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )

    def from_filters(self, values: list) -> state.ViewState:
        """A state from the filter controls' values."""
        indicators, countries, years, mode, scale, base, events = values
        years = years or [self.default.year_from, self.default.year_to]
        return state.ViewState(
            indicators=tuple(i for i in indicators or [] if i in self.indicator_ids),
            comparators=tuple(c for c in countries or [] if c in self.comparators),
            year_from=int(years[0]),
            year_to=int(years[1]),
            mode=mode if mode in metrics.MODES else "absolute",
            scale=scale if scale in state.SCALES else "linear",
            base_year=int(base or self.default.base_year),
            categories=tuple(c for c in events or [] if c in self.timeline.categories),
        )

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
    def data(self, view: state.ViewState) -> pd.DataFrame:
        """Stored rows for the view's indicators and countries, with derived series added."""
        wanted = set(view.indicators)
        if metrics.TRADE_SHARE in wanted:
            wanted |= set(metrics.TRADE_FLOWS)
        countries = list(self.pair) + list(view.comparators)
        frame = self.store.observations(indicators=sorted(wanted), countries=countries)
        if metrics.TRADE_SHARE in view.indicators:
            frame = pd.concat([frame, metrics.trade_share(frame, self.pair)], ignore_index=True)
        return frame

    def render(self, view: state.ViewState) -> dict:
        """KPIs, charts, table, timeline and sources for a view."""
        frame = self.data(view)
        meta = self.store.indicator_meta()
        kpis, charts = [], []
        events = [e for e in self.timeline.events if e.category in view.categories]
        for theme in ("economy", "trade", "investment", "military", "society"):
            section = []
            for indicator_id in view.indicators:
                title, unit, ind_theme = self.describe(indicator_id, frame)
                if ind_theme != theme:
                    continue
                rows = frame[frame["indicator"] == indicator_id]
                kpi = metrics.kpi(rows, indicator_id, self.pair, view.base_year)
                if kpi is not None:
                    kpis.append(
                        dbc.Col(
                            layout.kpi_card(title, unit, kpi, self.names, self.pair),
                            md=6,
                            xl=3,
                            className="mb-2",
                        )
                    )
                section.append(self.chart(indicator_id, title, unit, rows, view, events))
            if section:
                charts.append(html.H2(theme.title(), className="h5 mt-3"))
                width = 12 if len(section) == 1 else 6
                charts.append(dbc.Row([dbc.Col(c, lg=width) for c in section]))
        if frame.dropna(subset=["value"]).empty:
            charts = [dbc.Alert(self.empty_message(view), color="secondary")]
        table = metrics.table_rows(frame, view.base_year)
        table = table[(table["year"] >= view.year_from) & (table["year"] <= view.year_to)]
        return {
            "kpis": dbc.Row(kpis) if kpis else html.Div(),
            "charts": charts,
            "rows": self.table_records(table),
            "columns": self.table_columns(view.base_year),
            "timeline": layout.timeline_panel(self.timeline.events, view.categories),
            "sources": layout.sources_panel(self.source_rows(view, meta)),
        }

    def figure(self, title, unit, rows, view, events):
        """The gap chart of one indicator's rows, or None when nothing is in range."""
        series = metrics.transform(rows, view.mode, self.pair, view.base_year)
        series = series[(series["year"] >= view.year_from) & (series["year"] <= view.year_to)]
        if series.empty:
            return None
        return figures.gap_figure(
            series, title, unit, view.mode, view.scale, events, self.names, view.base_year,
            (view.year_from, view.year_to),
        )  # fmt: skip

    def figures(self, view: state.ViewState) -> list[tuple[str, str, object]]:
        """(indicator id, title, figure) for every selected indicator that has data in range."""
        frame = self.data(view)
        events = [e for e in self.timeline.events if e.category in view.categories]
        out = []
        for indicator_id in view.indicators:
            title, unit, _ = self.describe(indicator_id, frame)
            fig = self.figure(title, unit, frame[frame["indicator"] == indicator_id], view, events)
            if fig is not None:
                out.append((indicator_id, title, fig))
        return out

    def chart(self, indicator_id, title, unit, rows, view, events) -> html.Div:
        """One gap chart with its image downloads, or a message saying why there is none."""
        fig = self.figure(title, unit, rows, view, events)
        if fig is None:
            return html.Div(
                dbc.Alert(
                    f"{title}: no data for the selected countries and years. "
                    "Widen the year range, or check the source's status above.",
                    color="light",
                ),
                className="chart-empty",
            )
        missing = [
            self.names.get(c, c)
            for c in self.pair
            if c not in set(rows.dropna(subset=["value"])["country"])
        ]
        note = (
            html.Div(f"No data for {', '.join(missing)}.", className="small text-muted")
            if missing
            else None
        )
        return html.Div(
            [
                dcc.Graph(figure=fig, config={"displaylogo": False}, className="gap-chart"),
                layout.image_buttons(indicator_id),
                note,
            ],
            id={"type": "chart", "index": indicator_id},
        )

    def describe(self, indicator_id: str, frame: pd.DataFrame) -> tuple[str, str, str]:
        """Title, unit and theme of a catalogued or derived indicator."""
        if indicator_id in DERIVED:
            title, theme = DERIVED[indicator_id]
            return title, "% of the country's goods trade", theme
        item = self.catalogue.indicator(indicator_id)
        units = frame.loc[frame["indicator"] == indicator_id, "unit"]
        return item.title, (units.iloc[-1] if len(units) else item.unit), item.theme

    def empty_message(self, view: state.ViewState) -> str:
        """What to say when the view has no data at all."""
        if self.store.last_runs().empty:
            return ("No data stored yet: the first fetch starts with the app. Without internet, "
                    "load a downloaded file with `python -m fetchers import FILE`.")  # fmt: skip
        return "The store has no data for the selected indicators; pick others or check the sources' status above."

    def table_records(self, table: pd.DataFrame) -> list[dict]:
        """Table rows with readable names."""
        out = table.assign(
            indicator_title=table["indicator"].map(self.titles),
            country_name=table["country"].map(lambda c: self.names.get(c, c)),
        )
        out = out[
            [
                "indicator_title",
                "indicator",
                "country_name",
                "partner",
                "year",
                "value",
                "unit",
                "flag",
                "yoy_pct",
                "since_base_pct",
            ]
        ]
        return out.astype(object).where(out.notna(), None).to_dict("records")

    @staticmethod
    def table_columns(base_year: int) -> list[dict]:
        """AG Grid column definitions."""
        number = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
        return [
            {"field": "indicator_title", "headerName": "Indicator"},
            {"field": "indicator", "headerName": "Id"},
            {"field": "country_name", "headerName": "Country"},
            {"field": "partner", "headerName": "Partner"},
            {"field": "year", "headerName": "Year", **number},
            {"field": "value", "headerName": "Value", **number,
             "valueFormatter": {"function": "params.value == null ? '' : d3.format(',.6~g')(params.value)"}},
            {"field": "unit", "headerName": "Unit"},
            {"field": "flag", "headerName": "Flag"},
            {"field": "yoy_pct", "headerName": "Year on year %", **number,
             "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.2f')(params.value)"}},
            {"field": "since_base_pct", "headerName": f"Since {base_year} %", **number,
             "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.1f')(params.value)"}},
        ]  # fmt: skip

    def source_rows(self, view: state.ViewState, meta: pd.DataFrame) -> list[dict]:
        """Provenance per selected indicator."""
        by_id = {r["indicator"]: r for r in meta.to_dict("records")}
        rows = []
        for indicator_id in view.indicators:
            if indicator_id in DERIVED:
                flows = [by_id.get(i, {}) for i in metrics.TRADE_FLOWS]
                rows.append({
                    "id": indicator_id, "title": DERIVED[indicator_id][0],
                    "organization": "Derived here from UN Comtrade goods exports and imports",
                    "note": "(exports + imports with the other of the pair) ÷ (exports + imports with the world) × 100.",
                    "licence": self.catalogue.indicator(metrics.TRADE_FLOWS[0]).licence,
                    "release": flows[0].get("release", ""), "fetched_at": flows[0].get("fetched_at", ""),
                })  # fmt: skip
                continue
            item = self.catalogue.indicator(indicator_id)
            found = by_id.get(indicator_id, {})
            rows.append(
                {
                    "id": indicator_id,
                    "title": found.get("name") or item.title,
                    "organization": found.get("source_organization")
                    or layout.SOURCE_NAMES.get(item.source, item.source),
                    "note": found.get("source_note", ""),
                    "licence": item.licence,
                    "release": found.get("release", ""),
                    "fetched_at": found.get("fetched_at", ""),
                }
            )
        return rows

    def status(self) -> tuple[int, list, list]:
        """Data version, the header's freshness line and the banner."""
        runs = self.store.last_runs()
        statuses = source_statuses(runs, self.settings)
        empty = runs.empty or not runs["last_ok_id"].notna().any()
        return (
            self.store.data_version(),
            layout.status_line(statuses),
            layout.banner(statuses, empty),
        )


def register(app: Dash, views: Views) -> None:
    """Wire the callbacks; each is a few lines over `views`."""

    @app.callback(
        Output("url", "search"),
        *[Output(f, "value") for f in FILTERS],
        Output("view", "data"),
        Output("note", "children"),
        Input("url", "search"),
        *[Input(f, "value") for f in FILTERS],
    )
    def sync(search, *values):
        if ctx.triggered_id in (None, "url"):
            view, notes = views.from_url(search)
            note = (
                dbc.Alert([html.Div(n) for n in notes], color="warning", className="url-note")
                if notes
                else None
            )
            return no_update, *views.filter_values(view), asdict(view), note
        view = views.from_filters(list(values))
        return state.serialise(view, views.default), *[no_update] * len(FILTERS), asdict(view), None

    @app.callback(
        Output("kpis", "children"),
        Output("charts", "children"),
        Output("table", "rowData"),
        Output("table", "columnDefs"),
        Output("timeline", "children"),
        Output("sources", "children"),
        Input("view", "data"),
        Input("data-version", "data"),
    )
    def render(view, _version):
        if not view:
            return (no_update,) * 6
        out = views.render(state.from_dict(view))
        return (
            out["kpis"],
            out["charts"],
            out["rows"],
            out["columns"],
            out["timeline"],
            out["sources"],
        )

    @app.callback(
        Output("data-version", "data"),
        Output("freshness", "children"),
        Output("banner", "children"),
        Input("poll", "n_intervals"),
        State("data-version", "data"),
    )
    def poll(_n, known):
        version, freshness, alerts = views.status()
        return (no_update if version == known else version), freshness, alerts
