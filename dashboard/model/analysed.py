"""The analysis of a view: one Analysis per store snapshot and comparators (pure, no Dash)."""

from __future__ import annotations

from config.claims import load_claims
from config.events import Event
from dashboard.model.analysis import Analysis, Options, analyse
from dashboard.model.model import Model
from dashboard.model.state import ViewState
from fetchers.store.snapshot import StoreSnapshot


def analysis_for(model: Model, snap: StoreSnapshot, view: ViewState) -> Analysis:
    """The analysis of the focus pair and the view's comparators in one snapshot (built once)."""
    comparators = tuple(view.comparators)
    return snap.derive(("analysis", comparators), lambda: _analyse(model, snap, comparators))


def window_events(model: Model, analysis: Analysis) -> list[Event]:
    """The events whose windows the analysis measured, whatever the view's categories."""
    windows = set(analysis.windows["event"]) if not analysis.windows.empty else set()
    return [e for e in model.timeline.events if e.title in windows]


def _analyse(model: Model, snap: StoreSnapshot, comparators: tuple[str, ...]) -> Analysis:
    """The analysis at one snapshot."""
    # Load inputs.
    world = Options().world
    frame = snap.rows(countries=[*model.pair, *comparators, world])
    # Process data.
    options = Options(claims=load_claims(), names=model.names, world=world)
    return analyse(
        frame, snap.history, snap.runs, model.timeline.events, model.pair, comparators, options
    )
