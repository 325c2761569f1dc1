"""The timeline panel: every event with its source link and access date; filters present."""

from __future__ import annotations

from datetime import date

from dash import Dash, html

from config.events import Event, load_events
from dashboard.page import timeline

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
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)
    elif children is not None:
        yield from walk(children)


def by_id(panel, ident):
    return next(c for c in walk(panel) if getattr(c, "id", None) == ident)


def items(panel):
    return by_id(panel, "timeline-list").children


def texts(component):
    return " ".join(c for c in walk(component) if isinstance(c, str))


def test_filter_and_search_controls():
    panel = timeline.timeline_panel(EVENTS, CATEGORIES)
    checklist = by_id(panel, "timeline-categories")
    assert [o["value"] for o in checklist.options] == list(CATEGORIES)
    assert checklist.value == list(CATEGORIES)
    search = by_id(panel, "timeline-search")
    assert (search.type, search.placeholder) == ("search", "Search events")


def test_every_event_with_link_access_date_and_data_attributes():
    rows = items(timeline.timeline_panel(EVENTS, CATEGORIES))
    assert len(rows) == 2
    crimea, rouble = rows
    links = [c for c in walk(crimea) if isinstance(c, html.A)]
    assert [(a.href, a.children) for a in links] == [
        ("http://eng.kremlin.ru/transcripts/6889", "Address by President of the Russian Federation")
    ]
    assert "accessed 2026-11-29" in texts(crimea)
    assert "2014-03-18" in texts(crimea)
    assert getattr(crimea, "data-category") == "Russia–West"
    assert "crimea" in getattr(crimea, "data-text")
    # Without a source title the link names the host; exchange-rate moves say so.
    assert [c.children for c in walk(rouble) if isinstance(c, html.A)] == ["reuters.com"]
    assert "exchange-rate move, not the economy" in texts(rouble)
    assert "accessed 2026-11-01" in texts(rouble)


def test_the_shipped_register_renders_with_every_source():
    register = load_events()
    rows = items(timeline.timeline_panel(register.events, register.categories))
    assert len(rows) == len(register.events)
    for event, row in zip(register.events, rows, strict=True):
        assert [a.href for a in walk(row) if isinstance(a, html.A)] == [event.source]
        assert f"accessed {event.accessed.isoformat()}" in texts(row)


def test_register_adds_one_clientside_callback():
    app = Dash(__name__)
    timeline.register(app, EVENTS)
    assert len(app._callback_list) == 1
    assert "timeline-list" in app._inline_scripts[0]
