"""The bridge from the page to the analysis: one Analysis per store data version and comparators."""

from __future__ import annotations

from functools import lru_cache

from dash import Dash, Input, Output

from config.claims import load_claims
from config.events import Event
from dashboard.analysis import Analysis, Options, analyse
from dashboard.analysis.panels import panels
from dashboard.model import Model
from dashboard.state import ViewState

CACHE_SIZE = 8  # analyses kept: one per data version and comparator choice in use


def analysis_for(model: Model, view: ViewState) -> Analysis:
    """The analysis of the focus pair and the view's comparators at the store's current data."""
    return _analysis(model, model.store.data_version(), tuple(view.comparators))


def window_events(model: Model, analysis: Analysis) -> list[Event]:
    """The events whose windows the analysis measured, whatever the view's categories."""
    windows = set(analysis.windows["event"]) if not analysis.windows.empty else set()
    return [e for e in model.timeline.events if e.title in windows]


def register(app: Dash, model: Model) -> None:
    """The analysis section's callback: its key in (set in the browser: dashboard.lazy)."""

    @app.callback(
        Output("analysis", "children"),
        Input("analysis-key", "data"),
        prevent_initial_call=True,
    )
    def show(key):
        return section(model, model.from_saved(key))  # checked like a link: the key is the client's


def section(model: Model, view: ViewState) -> list:
    """The analysis panels for a view, built once per data version, comparators and events."""
    version = model.store.data_version()
    return _section(model, version, tuple(view.comparators), tuple(view.categories))


@lru_cache(maxsize=CACHE_SIZE)
def _analysis(model: Model, version: int, comparators: tuple[str, ...]) -> Analysis:
    """The analysis at one data version (`version` is the cache key: the same for every viewer)."""
    # Load inputs.
    store = model.store
    world = Options().world
    countries = [*model.pair, *comparators, world]
    frame = store.observations(countries=countries, with_run=True)
    # Process data.
    options = Options(claims=load_claims(), names=model.names, world=world)
    return analyse(
        frame,
        store.history(),
        store.runs(),
        model.timeline.events,
        model.pair,
        comparators,
        options,
    )


@lru_cache(maxsize=CACHE_SIZE)
def _section(
    model: Model, version: int, comparators: tuple[str, ...], categories: tuple[str, ...]
) -> list:
    """The panels at one data version (components are plain data: safe to hand out again)."""
    result = _analysis(model, version, comparators)
    shown = [e for e in model.timeline.events if e.category in categories]
    return panels(result, shown, model.names, window_events(model, result))
