"""The event register as a panel: category filter, search, and each entry with its cited source."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, dcc, html

from config.events import Event

KIND_BADGES = {  # text, background, text colour (readable on that background)
    "economic": ("economic event", "success", "white"),
    "exchange-rate": ("exchange-rate move, not the economy", "warning", "dark"),
}


def timeline_panel(events: Sequence[Event], categories: Sequence[str]) -> html.Div:
    """Category filter, search box and every event with its date, summary and cited source."""
    return html.Div(
        [
            dbc.Checklist(
                id="timeline-categories",
                options=[{"label": c, "value": c} for c in categories],
                value=list(categories),
                inline=True,
                className="mb-2",
            ),
            dcc.Input(
                id="timeline-search",
                type="search",
                placeholder="Search events",
                debounce=False,
                className="form-control mb-2",
            ),
            html.Div(
                f"{len(events)} of {len(events)} events shown",
                id="timeline-count",
                className="small text-muted mb-1",
            ),
            html.Div(
                [_item(e) for e in events],
                id="timeline-list",
                className="list-group list-group-flush",
                style={"maxHeight": "640px", "overflowY": "auto"},
            ),
        ],
        className="timeline-panel",
    )


def register(app: Dash, events: Sequence[Event]) -> None:
    """Wire the filter and the search to the list, in the browser (assets/timeline.js)."""
    del events  # the items carry their own data attributes; nothing to look up server side
    app.clientside_callback(
        ClientsideFunction("timeline", "filter"),
        Output("timeline-count", "children"),
        Input("timeline-categories", "value"),
        Input("timeline-search", "value"),
    )


def _item(event: Event) -> html.Div:
    """One entry: date or period, title, badges, summary and the source with its access date."""
    badges = [dbc.Badge(event.category, color="secondary", className="ms-2 event-category")]
    if event.kind in KIND_BADGES:
        text, colour, ink = KIND_BADGES[event.kind]
        badges.append(dbc.Badge(text, color=colour, text_color=ink, className="ms-1 event-kind"))
    accessed = event.accessed.isoformat() if event.accessed else "not recorded"
    return html.Div(
        [
            html.Div(
                [
                    html.Span(event.when(), className="fw-bold me-2 event-date"),
                    html.Span(event.title, className="event-title"),
                    *badges,
                ]
            ),
            html.Div(event.summary, className="small event-summary"),
            html.Div(
                [
                    html.A(
                        event.source_title or event.source_host,
                        href=event.source,
                        target="_blank",
                        rel="noopener noreferrer",
                        className="event-source",
                    ),
                    html.Span(f" · accessed {accessed}", className="text-muted event-accessed"),
                ],
                className="small",
            ),
        ],
        className="list-group-item event",
        **{"data-category": event.category, "data-kind": event.kind, "data-text": _text(event)},
    )


def _text(event: Event) -> str:
    """What the search box matches against, lower case."""
    parts = (event.when(), event.title, event.label, event.category, event.kind, event.summary,
             event.source_title, event.source_host)  # fmt: skip
    return " ".join(parts).lower()
