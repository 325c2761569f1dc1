"""Figures on tiny SYNTHETIC frames: series, events as lines and bands, labels and hover."""

from __future__ import annotations

from datetime import date

import pandas as pd

from config.events import Event
from dashboard import figures

SERIES = pd.DataFrame(
    {
        "country": ["CHN", "CHN", "RUS", "RUS"],
        "partner": ["", "", "", ""],
        "year": [2013, 2015, 2013, 2015],
        "value": [1.0, 2.0, 0.5, 0.6],
        "flag": ["", "estimate", "", ""],
    }
)
NAMES = {"CHN": "China", "RUS": "Russia"}


def event(start, end=None, label="Crimea", category="Russia–West"):
    return Event(
        start, end or start, f"Title {label}", label, category, "summary", "https://example.org"
    )


def test_series_and_flags():
    fig = figures.gap_figure(SERIES, "GDP", "US$", "absolute", "log", [], NAMES, 2014, (2010, 2020))
    lines = [t for t in fig.data if t.name in ("China", "Russia")]
    assert [t.name for t in lines] == ["China", "Russia"]
    assert list(lines[0].y) == [1.0, 2.0]
    assert list(lines[0].marker.symbol) == ["circle", "circle-open"]
    assert "SIPRI estimate" in list(lines[0].customdata)
    assert fig.layout.yaxis.type == "log"


def test_events_lines_bands_labels_and_hover():
    events = [event(date(2014, 3, 18)), event(date(2012, 11, 15), date(2017, 10, 25), "Xi", "China"),
              event(date(1950, 1, 1), label="Outside")]  # fmt: skip
    fig = figures.gap_figure(
        SERIES, "GDP", "US$", "absolute", "linear", events, NAMES, 2014, (2010, 2020)
    )
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["Xi", "Crimea"] or sorted(labels) == ["Crimea", "Xi"]
    kinds = sorted(s.type for s in fig.layout.shapes)
    assert kinds == ["line", "rect"]
    marker = next(t for t in fig.data if t.name == "Events")
    assert any("Title Crimea" in text and "2014-03-18" in text for text in marker.hovertext)
    crimea = next(s for s in fig.layout.shapes if s.type == "line")
    assert abs(crimea.x0 - (2014 + 76 / 365)) < 1e-9


def test_event_text_is_escaped():
    fig = figures.gap_figure(SERIES, "GDP", "US$", "absolute", "linear",
                             [event(date(2014, 1, 1), label="<b>x</b>")], NAMES, 2014, (2010, 2020))  # fmt: skip
    marker = next(t for t in fig.data if t.name == "Events")
    assert "&lt;b&gt;x&lt;/b&gt;" in marker.hovertext[0]
