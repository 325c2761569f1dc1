"""The analysis of a view: one Analysis per store snapshot and comparators (pure, no Dash)."""

from __future__ import annotations

from config.claims import load_claims
from config.events import Event
from dashboard.model.analysis import Analysis, Options, analyse
from dashboard.model.analysis.windows import DEFAULT_WINDOW_EVENTS
from dashboard.model.model import Model
from dashboard.model.state import ViewState
from fetchers.store.snapshot import StoreSnapshot


def analysis_for(model: Model, snap: StoreSnapshot, view: ViewState) -> Analysis:
    """The analysis of the focus pair, the view's comparators and its event windows (events, N,
    basis) in one snapshot (built once)."""
    titles = model.window_labels()
    windows = tuple(titles[w] for w in view.windows if w in titles) or DEFAULT_WINDOW_EVENTS
    key = (tuple(view.comparators), windows, view.window_years, view.window_basis)
    return snap.derive(("analysis", *key), lambda: _analyse(model, snap, *key))


def window_events(model: Model, analysis: Analysis) -> list[Event]:
    """The events whose windows the analysis measured, whatever the view's categories."""
    windows = set(analysis.windows["event"]) if not analysis.windows.empty else set()
    return [e for e in model.timeline.events if e.title in windows]


def _analyse(
    model: Model,
    snap: StoreSnapshot,
    comparators: tuple[str, ...],
    windows: tuple[str, ...],
    years: int,
    basis: str,
) -> Analysis:
    """The analysis at one snapshot."""
    # Load inputs.
    world = model.catalogue.aggregate.iso3
    frame = snap.rows(countries=[*model.pair, *comparators, world])
    # Process data.
    options = Options(
        claims=load_claims(), names=model.names, world=world, window_events=windows,
        window_years=years, window_basis=basis,
    )  # fmt: skip
    return analyse(
        frame, snap.history, snap.runs, model.timeline.events, model.pair, comparators, options
    )
