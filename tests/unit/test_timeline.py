"""The timeline panel: every event with its source link and access date; filters present."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dash import Dash, html

from config.events import Event, load_events
from dashboard.page import timeline
from tests.support.components import text_of

CATEGORIES = ("Russia–West", "economy")
EVENTS = (
    Event(date(2014, 3, 18), date(2014, 3, 18), "Russia annexes Crimea", "Crimea", "Russia–West",
          "Summary.", "http://eng.kremlin.ru/transcripts/6889", date(2026, 11, 29), "political",
          "Address by President of the Russian Federation"),
    Event(date(2014, 12, 16), date(2014, 12, 16), "The rouble collapses", "Rouble crash",
          "economy", "Rate to 17%.", "https://www.reuters.com/x", date(2026, 11, 1),
          "exchange-rate"),
)  # fmt: skip


def walk(component):
    """Every component in the tree."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None:
            yield from walk(child)


def links(component) -> list[html.A]:
    return [c for c in walk(component) if isinstance(c, html.A)]


def items(panel):
    return panel["timeline-list"].children


def test_filter_and_search_controls():
    panel = timeline.timeline_panel(EVENTS, CATEGORIES)
    checklist = panel["timeline-categories"]
    assert [o["value"] for o in checklist.options] == list(CATEGORIES)
    assert checklist.value == list(CATEGORIES)
    search = panel["timeline-search"]
    assert (search.type, search.placeholder) == ("search", "Search events")


def test_every_event_with_link_access_date_and_data_attributes():
    rows = items(timeline.timeline_panel(EVENTS, CATEGORIES))
    assert len(rows) == 2
    crimea, rouble = rows
    assert [(a.href, a.children) for a in links(crimea)] == [
        ("http://eng.kremlin.ru/transcripts/6889", "Address by President of the Russian Federation")
    ]
    assert "accessed 2026-11-29" in text_of(crimea)
    assert "2014-03-18" in text_of(crimea)
    assert getattr(crimea, "data-category") == "Russia–West"
    assert "crimea" in getattr(crimea, "data-text")
    # Without a source title the link names the host; exchange-rate moves say so.
    assert [a.children for a in links(rouble)] == ["reuters.com"]
    assert "exchange-rate move, not the economy" in text_of(rouble)
    assert "accessed 2026-11-01" in text_of(rouble)


def test_the_shipped_register_renders_with_every_source():
    register = load_events()
    rows = items(timeline.timeline_panel(register.events, register.categories))
    assert len(rows) == len(register.events)
    for event, row in zip(register.events, rows, strict=True):
        assert [a.href for a in links(row)] == [event.source]
        assert f"accessed {event.accessed.isoformat()}" in text_of(row)


def test_the_browser_filters_the_list_with_the_pages_own_script():
    app = Dash(__name__, assets_folder=str(Path(timeline.__file__).with_name("assets")))
    app.layout = timeline.timeline_panel(EVENTS, CATEGORIES)
    timeline.register(app, EVENTS)
    client = app.server.test_client()
    (wiring,) = client.get("/_dash-dependencies").get_json()
    assert wiring["output"] == "timeline-count.children"
    assert [i["id"] for i in wiring["inputs"]] == ["timeline-categories", "timeline-search"]
    assert wiring["clientside_function"] == {"namespace": "timeline", "function_name": "filter"}
    # ...a script the page loads from this origin (the CSP allows 'self'), not an inline one.
    assert "/assets/timeline.js" in client.get("/").get_data(as_text=True)
    script = client.get("/assets/timeline.js")
    assert script.status_code == 200
    assert "timeline: {" in script.get_data(as_text=True)
    assert "#timeline-list [data-category]" in script.get_data(as_text=True)
