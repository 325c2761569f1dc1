"""The analysis section of the page: its callback and its panels, built once per snapshot."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard.model.analysed import analysis_for, window_events
from dashboard.model.model import Model
from dashboard.model.state import ViewState
from dashboard.page.analysis_panels import panels
from dashboard.page.lazy import depends
from fetchers.store.snapshot import StoreSnapshot


def register(app: Dash, model: Model) -> None:
    """The analysis section's callback: its key in (set in the browser: dashboard.page.lazy)."""

    @app.callback(
        Output("analysis", "children"),
        Input("analysis-key", "data"),
        prevent_initial_call=True,
    )
    def show(key):
        # The snapshot the charts were drawn from; the view checked like a link (the key is the
        # client's).
        snap, view = model.for_section(key)  # the client's key, checked like a link
        return section(model, snap, view)


def section(model: Model, snap: StoreSnapshot, view: ViewState) -> list:
    """The analysis panels for a view (components are plain data: built once per snapshot)."""

    def build() -> list:
        result = analysis_for(model, snap, view)
        shown = [e for e in model.timeline.events if e.category in view.categories]
        return panels(result, shown, model.names, window_events(model, result))

    return snap.derive(("analysis-section", *depends("analysis", view)), build)
