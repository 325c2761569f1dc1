"""The bridge from the page to the analysis: one Analysis per store snapshot and comparators."""

from __future__ import annotations

from dash import Dash, Input, Output

from config.claims import load_claims
from config.events import Event
from dashboard.analysis import Analysis, Options, analyse
from dashboard.analysis.panels import panels
from dashboard.model import Model
from dashboard.state import ViewState
from fetchers.snapshot import StoreSnapshot


def analysis_for(model: Model, snap: StoreSnapshot, view: ViewState) -> Analysis:
    """The analysis of the focus pair and the view's comparators in one snapshot (built once)."""
    comparators = tuple(view.comparators)
    return snap.derive(("analysis", comparators), lambda: _analyse(model, snap, comparators))


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
        # The snapshot the charts were drawn from; the view checked like a link (the key is the
        # client's).
        version = key.get("version") if isinstance(key, dict) else None
        return section(model, model.snapshots.at(version), model.from_saved(key))


def section(model: Model, snap: StoreSnapshot, view: ViewState) -> list:
    """The analysis panels for a view (components are plain data: built once per snapshot)."""
    comparators, categories = tuple(view.comparators), tuple(view.categories)

    def build() -> list:
        result = analysis_for(model, snap, view)
        shown = [e for e in model.timeline.events if e.category in categories]
        return panels(result, shown, model.names, window_events(model, result))

    return snap.derive(("analysis-section", comparators, categories), build)


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
