"""A view's data: the link and filters as a view, the snapshot it reads, its rows and parts."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime

import pandas as pd

from config.catalogue import Catalogue
from config.events import Event, Timeline
from config.settings import Settings
from dashboard.model import metrics, state
from dashboard.model.derived import with_derived
from dashboard.model.records import Part
from fetchers.store import vintage
from fetchers.store.snapshot import Snapshots, StoreSnapshot
from fetchers.store.store import Store


class ViewData:
    """The store's snapshots and catalogue, and what a view selects of them."""

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
        every = (*catalogue.indicators, *catalogue.derived)
        self.indicator_ids = tuple(i.id for i in every)
        self.titles = {i.id: i.title for i in every}
        self.snapshots = Snapshots(store)
        self.comparators = tuple(c.iso3 for c in catalogue.countries if c.role == "comparator")
        self.last_year = datetime.now(UTC).year
        self.default = state.default_state(
            self.indicator_ids,
            self.comparators,
            timeline.categories,
            self.last_year,
            catalogue.default_view,
        )

    # --- URL and filter state -----------------------------------------------------------------
    def from_url(self, search: str | None) -> tuple[state.ViewState, list[str]]:
        """Parse the link's query string; an `as_of` the store cannot show is dropped, noted."""
        view, notes = state.parse(
            search, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )
        known = self.window_labels()
        unknown = [w for w in view.windows if w not in known]
        if unknown:
            notes = [
                *notes,
                *(f"Unknown event {w!r} for the event windows ignored." for w in unknown),
            ]
            view = replace(view, windows=tuple(w for w in view.windows if w in known))
        if view.as_of:
            try:
                self.vintage(self.snapshots.current(), view.as_of)
            except vintage.VintageError as exc:
                return replace(view, as_of=""), [*notes, f"{exc} Showing the latest data."]
        return view, notes

    @staticmethod
    def vintage(snap: StoreSnapshot, as_of: str) -> StoreSnapshot:
        """The snapshot of what the store held at `as_of` (VintageError names what is wrong)."""
        if not as_of:
            return snap
        return vintage.at(snap, vintage.parse_as_of(as_of, vintage.first_moment(snap.runs)))

    def snapshot_for_export(self, view: state.ViewState) -> StoreSnapshot:
        """The snapshot an export of `view` reads; a vintage it cannot show raises VintageError
        (a ValueError with the reason), where the page would fall back to the latest."""
        return self.vintage(self.snapshots.current(), view.as_of)

    def snapshot_for(self, view: state.ViewState) -> StoreSnapshot:
        """The snapshot a view reads: the current one, or its vintage (the latest if it is bad)."""
        snap = self.snapshots.current()
        try:
            return self.vintage(snap, view.as_of)
        except vintage.VintageError:
            return snap

    def for_section(self, key: object) -> tuple[StoreSnapshot, state.ViewState]:
        """A section's snapshot and view from the key the browser sent: the version the charts
        were drawn from (its vintage, if the view has one), and the view checked like a link."""
        saved = {**asdict(self.default), **key} if isinstance(key, dict) else None
        version = key.get("version") if isinstance(key, dict) else None
        view, snap = self.from_saved(saved), self.snapshots.at(version)
        try:
            return self.vintage(snap, view.as_of), view
        except vintage.VintageError:
            return snap, view

    def window_labels(self) -> dict[str, str]:
        """The events an event window may be measured around: short label → title (no data
        breaks: a jump in the data is not an event)."""
        return {e.label: e.title for e in self.timeline.events if not e.is_data}

    def from_saved(self, data: object) -> state.ViewState:
        """A client's saved view, checked like a link (anything invalid falls back)."""
        view, _ = state.from_data(
            data, self.default, self.indicator_ids, self.comparators, self.timeline.categories
        )
        known = self.window_labels()
        return replace(view, windows=tuple(w for w in view.windows if w in known))

    def from_filters(self, values: list) -> state.ViewState:
        """A state from the filter controls' values, checked like a link (values come from the
        browser and may be anything)."""
        return self.from_saved(state.from_controls(values))

    @staticmethod
    def filter_values(view: state.ViewState) -> list:
        """The filter controls' values for a state, in state.CONTROLS order."""
        return state.control_values(view)

    # --- data ----------------------------------------------------------------------------------
    def stored_ids(self, indicators: tuple[str, ...] | list[str]) -> list[str]:
        """The stored indicators behind a selection: derived ones replaced by their inputs."""
        out: list[str] = []
        for indicator_id in indicators:
            for stored in self.catalogue.indicator(indicator_id).inputs or (indicator_id,):
                if stored not in out:
                    out.append(stored)
        return out

    def data(self, snap: StoreSnapshot, view: state.ViewState) -> pd.DataFrame:
        """Stored rows for the view's indicators and countries, with derived series."""
        indicators = tuple(self.stored_ids(view.indicators))
        countries = (*self.pair, *view.comparators)
        derived = tuple(i for i in view.indicators if self.catalogue.indicator(i).inputs)

        def build() -> pd.DataFrame:
            frame = snap.rows(list(indicators), list(countries))
            items = [self.catalogue.indicator(i) for i in derived]
            return with_derived(frame, items, self.pair)

        return snap.derive(("data", indicators, countries, derived), build)

    def parts(self, snap: StoreSnapshot, view: state.ViewState) -> list[Part]:
        """Each selected indicator's part of the view's data (built once per snapshot: a new
        year range or mode only slices and transforms them)."""
        key = ("parts", view.indicators, view.comparators)
        return snap.derive(
            key, lambda: [self.part_of(i, self.data(snap, view)) for i in view.indicators]
        )

    def part_of(self, indicator_id: str, frame: pd.DataFrame) -> Part:
        """One indicator's part of a frame."""
        title, unit, theme = self.describe(indicator_id, frame)
        rows = frame[frame["indicator"] == indicator_id]
        present = frozenset(rows.dropna(subset=["value"])["country"])
        return Part(
            title, unit, theme, rows, present, metrics.by_year(rows, indicator_id, self.pair)
        )

    def describe(self, indicator_id: str, frame: pd.DataFrame) -> tuple[str, str, str]:
        """Title, unit and theme of a catalogued or derived indicator."""
        item = self.catalogue.indicator(indicator_id)
        if item.inputs:  # derived here: its own words
            return item.title, item.unit, item.theme
        units = frame.loc[frame["indicator"] == indicator_id, "unit"]
        return item.title, (units.iloc[-1] if len(units) else item.unit), item.theme

    def base_years(self, snap: StoreSnapshot, view: state.ViewState) -> list[int]:
        """Years with data for both of the pair in the view's indicators: the base-year choices."""
        return metrics.common_years(self.data(snap, view), self.pair)

    def events(self, view: state.ViewState) -> list[Event]:
        """The events of the view's categories, in date order."""
        return [e for e in self.timeline.events if e.category in view.categories]

    def sources_of(self, indicator_id: str) -> list[str]:
        """The source ids an indicator's values come from."""
        return sorted({self.catalogue.indicator(i).source for i in self.stored_ids([indicator_id])})

    # --- what the page shows -------------------------------------------------------------------
