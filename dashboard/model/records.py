"""What the view model hands out: charts, parts of a view's data, key figures, status."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from config.events import Event
from dashboard.model import metrics, numbers
from fetchers.store.status import SourceStatus


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
class Part:
    """One indicator's rows in a view's data, with its words and the pair's values by year."""

    title: str
    unit: str
    theme: str
    rows: pd.DataFrame
    present: frozenset[str]  # countries with a value
    values: tuple[metrics.ByYear, metrics.ByYear]  # the pair's values by year, for the KPIs


@dataclass(frozen=True)
class KpiRow:
    """One indicator's headline comparison with its title and how its values read."""

    indicator: str
    title: str
    unit: numbers.Unit
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
