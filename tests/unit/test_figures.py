"""Figures on tiny SYNTHETIC frames: series, readable axes, events, labels that never collide."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from config.events import Event, load_events
from dashboard.model import figures, numbers

CATALOGUE = load_catalogue()
# The stored units these tests draw in, and the catalogued series that store them.
STORED = {
    "current US$": "NY.GDP.MKTP.CD",
    "US$ m, constant 2023 prices": "SIPRI.MILEX.CONSTANT_USD",
    "fraction of GDP": "SIPRI.MILEX.SHARE_GDP",
}


def unit_of(stored: str) -> numbers.Unit:
    """How a series stored in `stored` reads, from its catalogue entry."""
    return numbers.unit_for(CATALOGUE.indicator(STORED[stored]), stored)


SERIES = pd.DataFrame(
    {
        "country": ["CHN", "CHN", "RUS", "RUS"],
        "partner": ["", "", "", ""],
        "year": [2013, 2015, 2013, 2015],
        "value": [1.0e12, 2.0e12, 0.5e12, 0.6e12],
        "flag": ["", "estimate", "", "uncertain"],
    }
)
NAMES = {"CHN": "China", "RUS": "Russia"}
LONG = pd.DataFrame(
    [{"country": c, "partner": "", "year": y, "value": v * (y - 1980), "flag": ""}
     for c, v in (("CHN", 5e11), ("RUS", 1e11)) for y in range(1990, 2026)]
)  # fmt: skip


def event(start, end=None, label="Crimea", category="Russia–West", kind="political", tier="key"):
    return Event(start, end or start, f"Title {label}", label, category, "summary",
                 "https://example.org", kind=kind, tier=tier)  # fmt: skip


def figure(series=SERIES, unit="current US$", mode="absolute", scale="linear", events=(),
           years=(2010, 2020), width=1000):  # fmt: skip
    return figures.gap_figure(
        series, "GDP", unit_of(unit), mode, scale, list(events), NAMES, 2014, years, width
    )


def test_series_flags_and_their_legend():
    fig = figure(scale="log")
    lines = [t for t in fig.data if t.name in ("China", "Russia")]
    assert [t.name for t in lines] == ["China", "Russia"]
    assert list(lines[0].y) == [1.0e12, 2.0e12]
    assert list(lines[0].marker.symbol) == ["circle", "circle-open"]
    assert list(lines[1].marker.symbol) == ["square", "diamond-open"]  # a symbol per country
    assert [t.line.dash for t in lines] == ["solid", "dash"]  # and a dash: colour is not alone
    assert [t.line.color for t in lines] == ["#D55E00", "#0072B2"]  # Okabe–Ito
    assert [c[1] for c in lines[0].customdata] == ["", "SIPRI estimate"]
    keys = [t.name for t in fig.data if t.name not in ("China", "Russia")]
    assert keys == ["SIPRI estimate", "highly uncertain (SIPRI)"]
    assert fig.layout.yaxis.type == "log"


def test_axis_ticks_and_titles_say_the_unit_and_basis():
    fig = figure()
    assert list(fig.layout.yaxis.ticktext) == [
        "US$ 0",
        "US$ 500 bn",
        "US$ 1 tn",
        "US$ 1.5 tn",
        "US$ 2 tn",
    ]
    assert fig.layout.title.subtitle.text == "current US$, market exchange rates"
    sipri = figure(
        series=SERIES.assign(value=SERIES["value"] / 1e6), unit="US$ m, constant 2023 prices"
    )
    assert sipri.layout.yaxis.ticktext[-1] == "US$ 2 tn"
    assert sipri.layout.yaxis.title.text == "constant 2023 US$"
    ratios = SERIES.assign(country="CHN÷RUS", value=[2.0, 3.3, 2.0, 3.3])  # as metrics makes it
    ratio = figure(mode="ratio", series=ratios)
    assert ratio.layout.yaxis.title.text == (
        "China ÷ Russia, times (current US$, market exchange rates)"
    )
    assert all(t.endswith("×") for t in ratio.layout.yaxis.ticktext)
    share = figure(
        mode="share", unit="fraction of GDP", series=SERIES.assign(value=[60.0, 70, 40, 30])
    )
    assert share.layout.yaxis.title.text == "% of the pair's combined total (% of GDP)"
    assert all(t.endswith("%") for t in share.layout.yaxis.ticktext)
    pct = figure(unit="fraction of GDP", series=SERIES.assign(value=[0.017, 0.02, 0.035, 0.071]))
    assert list(pct.data[0].y) == pytest.approx([1.7, 2.0])  # fractions drawn as percent
    for each in (fig, sipri, ratio, share, pct):
        text = " ".join(each.layout.yaxis.ticktext) + str(each.data[0].customdata)
        assert "e+" not in text and "k" not in text.replace("bank", "")


def test_key_events_are_labelled_lines_and_context_events_ticks_with_hover():
    events = [event(date(2014, 3, 18)),
              event(date(2012, 11, 15), date(2017, 10, 25), "Xi", "China", tier="context"),
              event(date(2016, 1, 1), label="Minor", tier="context"),
              event(date(1950, 1, 1), label="Outside")]  # fmt: skip
    fig = figure(events=events)
    assert [a.text for a in fig.layout.annotations] == ["Crimea"]  # context events: no label
    line, band, ticks, connector = fig.layout.shapes
    assert line.path == "M2014.208,0V1" and line.line.dash == "dot"  # 2014 + 76/365, to 0.001
    assert line.yref == "paper" and line.layer == "below"  # full height, under the data
    assert ticks.path == "M2016,0V9" and ticks.ysizemode == "pixel" and ticks.yanchor == 0
    assert band.path == "M2012.872,0H2017.814V3H2012.872Z" and band.fillcolor == "#E69F00"
    assert connector.path == "M2014.208,0V8" and connector.yanchor == 1  # up to its label
    markers = [t for t in fig.data if t.name == "Events"]
    hovers = [f"{t} {w}" for m in markers for t, w in zip(m.text, m.customdata, strict=True)]
    assert hovers == ["Title Crimea 2014-03-18 · Russia–West",
                      "Title Xi 2012-11-15 – 2017-10-25 · China",
                      "Title Minor 2016-01-01 · Russia–West"]  # fmt: skip
    assert [list(m.y) for m in markers] == [[1], [0, 0]]  # key at the top, context at the foot
    key = [t.name for t in fig.data if t.showlegend is None and t.name not in ("China", "Russia")
           and t.name not in ("SIPRI estimate", "highly uncertain (SIPRI)", "Events")]  # fmt: skip
    assert key == ["Russia–West events", "China events"]


def test_data_breaks_are_a_layer_of_their_own():
    gap = event(date(2018, 4, 21), label="Blackout", category="data", kind="data", tier="context")
    fig = figure(events=[gap])
    (tick,) = fig.layout.shapes
    assert tick.line.dash == "dot" and tick.line.color == "#555555"
    (marker,) = [t for t in fig.data if t.name == "Events"]
    assert marker.marker.symbol == "x-thin-open"
    assert marker.customdata[0].endswith("a break in the data, not an event")
    assert "data breaks (not events)" in [t.name for t in fig.data]


def test_many_events_share_one_path_per_colour_and_a_compact_marker():
    days = [event(date(2000 + n, 6, 1), label=f"E{n}") for n in range(10)]
    plain = SERIES.assign(flag="")  # no flags: one hover line, flat per-point words
    fig = figures.gap_spec(plain, "GDP", unit_of("current US$"), "absolute", "linear", days, NAMES, 2014,
                           (1999, 2011))  # fmt: skip
    line, connectors = fig["layout"]["shapes"]
    assert line["path"].count("M") == 10 and connectors["path"].count("M") == 10
    marker = next(t for t in fig["data"] if t["name"] == "Events")
    assert marker["marker"]["color"] == "#0072B2"  # one colour, said once
    labels = [a for a in fig["layout"]["annotations"] if a["text"].startswith("E")]
    assert len(labels) == 10 and all("yref" not in a and "showarrow" not in a for a in labels)
    assert fig["layout"]["template"]["layout"]["annotationdefaults"]["yref"] == "paper"
    china = fig["data"][0]
    assert china["customdata"] == ["US$ 1 tn", "US$ 2 tn"]
    assert "customdata[1]" not in china["hovertemplate"]


def test_drawn_values_are_rounded_to_six_significant_digits():
    series = SERIES.assign(value=[1 / 3, 2 / 3, 0.1, float("nan")])
    fig = figures.gap_spec(series, "GDP", unit_of("current US$"), "ratio", "linear", [], NAMES, 2014,
                           (2010, 2020))  # fmt: skip
    assert fig["data"][0]["y"] == [0.333333, 0.666667]
    assert fig["data"][1]["y"] == [0.1, None]


def test_exchange_rate_moves_only_on_charts_at_market_rates_with_a_key():
    fx = event(date(2014, 12, 16), label="Rouble crash", category="economy", kind="exchange-rate",
               tier="context")  # fmt: skip
    usd = figure(events=[fx])
    assert "exchange-rate moves (not the economy)" in [t.name for t in usd.data]
    assert usd.layout.shapes[0].line.color == "#8B5A2B"
    constant = figure(events=[fx], unit="US$ m, constant 2023 prices")
    assert not constant.layout.shapes and "Events" not in [t.name for t in constant.data]


def test_event_text_is_escaped():
    fig = figure(events=[event(date(2014, 1, 1), label="<b>x</b>")])
    marker = next(t for t in fig.data if t.name == "Events")
    assert marker.text[0] == "Title &lt;b&gt;x&lt;/b&gt;"


def label_boxes(fig, width, squeeze=1.0):
    """Each event label's box in pixels (x from the plot's left, row from its y shift)."""
    margin = fig.layout.margin
    x0, x1 = fig.layout.xaxis.range
    plot = (width - margin.l - margin.r) * squeeze
    defaults = fig.layout.template.layout.annotationdefaults  # what each label leaves unsaid
    boxes = []
    for note in fig.layout.annotations:
        if (note.yref or defaults.yref) != "paper" or (note.y or defaults.y) != 1:
            continue
        px = (note.x - x0) / (x1 - x0) * plot
        size = figures.label_width(note.text)
        left = px if (note.xanchor or defaults.xanchor) == "left" else px - size
        boxes.append((note.text, note.yshift, left, left + size))
    return boxes


@pytest.mark.parametrize("width", [1400, 1000, 640, 360])
def test_every_key_event_is_labelled_without_overlap_at_any_width(width):
    register = load_events()
    fig = figure(series=LONG, events=register.events, years=(1990, 2025), width=width)
    for squeeze in (1.0, 0.92):  # also when the y axis' labels take more room than planned
        boxes = label_boxes(fig, width, squeeze)
        for n, (text, row, left, right) in enumerate(boxes):
            for other, other_row, o_left, o_right in boxes[n + 1 :]:
                if row == other_row:
                    assert right <= o_left or o_right <= left, (text, other, width)
    assert sorted(b[0] for b in boxes) == sorted(e.label for e in register.events if e.is_key)
    full_height = [s for s in fig.layout.shapes if s.ysizemode != "pixel"]
    assert sum(s.path.count("M") for s in full_height) <= 8
    markers = [t for t in fig.data if t.name == "Events"]
    assert sum(len(m.x) for m in markers) == len(register.events)  # every event has its hover


def test_a_label_starts_or_ends_at_its_own_year():
    register = load_events()
    fig = figure(series=LONG, events=register.events, years=(1990, 2025), width=390)
    years = {e.label: figures.axis_x(figures.event_x(e.start)) for e in register.events}
    connectors = [s for s in fig.layout.shapes if s.yanchor == 1]
    tops = {float(p.split(",")[0]) for c in connectors for p in c.path.split("M")[1:]}
    for note in fig.layout.annotations:
        assert note.x == years[note.text] and note.x in tops


def test_the_legend_rows_add_height_on_a_phone():
    assert figures.legend_rows(["China", "Russia"], 1000) == 1
    assert figures.legend_rows(["China events", "Russia–West events", "data breaks"], 300) == 3
