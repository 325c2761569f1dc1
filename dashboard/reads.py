"""A view's store reads, kept per selection and data version and shared by every viewer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from config.catalogue import Catalogue
from dashboard import metrics, state
from dashboard.cache import Memo
from dashboard.derived import DERIVED
from fetchers.store import Store


@dataclass(frozen=True)
class Part:
    """One indicator's rows in a view's data, with what every view of them reuses."""

    title: str
    unit: str
    theme: str
    rows: pd.DataFrame
    present: frozenset[str]  # countries with a value
    values: tuple[metrics.ByYear, metrics.ByYear]  # the pair's values by year, for the KPIs


class Reads:
    """The store read of a view, each indicator's part of it and its series per mode and base,
    kept per data key (stored indicators, countries, data version): a new year range, the usual
    change, only slices them; a finished refresh changes the version, so nothing stale is kept."""

    def __init__(self, store: Store, catalogue: Catalogue, pair: tuple[str, str]) -> None:
        self.store, self.catalogue, self.pair = store, catalogue, pair
        self._frames: Memo[pd.DataFrame] = Memo(32)
        self._parts: Memo[Part] = Memo(256)
        self._series: Memo[pd.DataFrame] = Memo(256)
        self._years: Memo[list[int]] = Memo(32)

    @staticmethod
    def stored_ids(indicators: tuple[str, ...] | list[str]) -> list[str]:
        """The stored indicators behind a selection: derived ones replaced by their inputs."""
        out: list[str] = []
        for indicator_id in indicators:
            for stored in (
                DERIVED[indicator_id].inputs if indicator_id in DERIVED else (indicator_id,)
            ):
                if stored not in out:
                    out.append(stored)
        return out

    def key(self, view: state.ViewState, version: int | None = None) -> tuple:
        """What a view's store read depends on: stored indicators, countries, data version."""
        countries = (*self.pair, *view.comparators)
        indicators = tuple(sorted(self.stored_ids(view.indicators)))
        share = metrics.TRADE_SHARE in view.indicators
        version = self.store.data_version() if version is None else version
        return indicators, countries, share, version

    def frame(self, view: state.ViewState, version: int | None = None) -> pd.DataFrame:
        """Stored rows for the view's indicators and countries, with derived series."""
        indicators, countries, share, _ = key = self.key(view, version)
        return self._frames.get(key, lambda: self._read(indicators, countries, share))

    def part(self, view: state.ViewState, indicator_id: str, key: tuple) -> Part:
        """One indicator's part of the view's data at data key `key`."""
        return self._parts.get(
            (key, indicator_id), lambda: self.part_of(indicator_id, self.frame(view, key[-1]))
        )

    def parts(
        self, view: state.ViewState, frame: pd.DataFrame | None, key: tuple | None
    ) -> list[Part]:
        """The parts of the view's indicators: of `frame` when given, else the kept ones."""
        if frame is not None:
            return [self.part_of(i, frame) for i in view.indicators]
        return [self.part(view, i, key) for i in view.indicators]

    def part_of(self, indicator_id: str, frame: pd.DataFrame) -> Part:
        """One indicator's part of a frame (not kept)."""
        title, unit, theme = self.describe(indicator_id, frame)
        rows = frame[frame["indicator"] == indicator_id]
        present = frozenset(rows.dropna(subset=["value"])["country"])
        values = metrics.by_year(rows, indicator_id, self.pair)
        return Part(title, unit, theme, rows, present, values)

    def describe(self, indicator_id: str, frame: pd.DataFrame) -> tuple[str, str, str]:
        """Title, unit and theme of a catalogued or derived indicator."""
        if indicator_id in DERIVED:
            item = DERIVED[indicator_id]
            return item.title, item.unit, item.theme
        item = self.catalogue.indicator(indicator_id)
        units = frame.loc[frame["indicator"] == indicator_id, "unit"]
        return item.title, (units.iloc[-1] if len(units) else item.unit), item.theme

    def transformed(
        self, view: state.ViewState, indicator_id: str, part: Part, key: tuple
    ) -> pd.DataFrame:
        """An indicator's rows in the view's mode, all years."""
        base = view.base_year if view.mode == "indexed" else None  # only an index has a base
        return self._series.get(
            (key, indicator_id, view.mode, base),
            lambda: metrics.transform(part.rows, view.mode, self.pair, view.base_year),
        )

    def base_years(self, view: state.ViewState, version: int | None = None) -> list[int]:
        """Years with data for both of the pair in the view's indicators: the base-year choices."""
        key = self.key(view, version)
        return self._years.get(
            key, lambda: metrics.common_years(self.frame(view, key[-1]), self.pair)
        )

    def _read(self, indicators: tuple, countries: tuple, share: bool) -> pd.DataFrame:
        frame = self.store.observations(indicators=list(indicators), countries=list(countries))
        if share:
            frame = pd.concat([frame, metrics.trade_share(frame, self.pair)], ignore_index=True)
        return frame
