"""Figures on tiny SYNTHETIC frames: series, readable axes, events, labels that never collide."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from config.events import Event, load_events
from dashboard import figures

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


def event(start, end=None, label="Crimea", category="Russia–West", kind="political"):
    return Event(start, end or start, f"Title {label}", label, category, "summary",
                 "https://example.org", kind=kind)  # fmt: skip


def figure(series=SERIES, unit="current US$", mode="absolute", scale="linear", events=(),
           years=(2010, 2020), width=1000):  # fmt: skip
    return figures.gap_figure(
        series, "GDP", unit, mode, scale, list(events), NAMES, 2014, years, width
    )


def test_series_flags_and_their_legend():
    fig = figure(scale="log")
    lines = [t for t in fig.data if t.name in ("China", "Russia")]
    assert [t.name for t in lines] == ["China", "Russia"]
    assert list(lines[0].y) == [1.0e12, 2.0e12]
    assert list(lines[0].marker.symbol) == ["circle", "circle-open"]
    assert list(lines[1].marker.symbol) == ["circle", "diamond-open"]
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
    ratio = figure(mode="ratio", series=SERIES.assign(value=[2.0, 3.3, 2.0, 3.3]))
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


def test_events_lines_bands_labels_and_hover():
    events = [event(date(2014, 3, 18)), event(date(2012, 11, 15), date(2017, 10, 25), "Xi", "China"),
              event(date(1950, 1, 1), label="Outside")]  # fmt: skip
    fig = figure(events=events)
    labels = sorted(a.text for a in fig.layout.annotations)
    assert labels == ["Crimea", "Xi"]
    band, line = fig.layout.shapes  # one path per colour and kind, drawn below the data
    assert band.path == "M2012.872,0H2017.814V1H2012.872Z" and band.fillcolor == "#e08a00"
    assert line.path == "M2014.208,0V1" and line.line.dash == "dot"  # 2014 + 76/365, to 0.001
    assert {band.layer, line.layer, band.yref, line.yref} == {"below", "paper"}
    marker = next(t for t in fig.data if t.name == "Events")
    hovers = [f"{t} {w}" for t, w in zip(marker.text, marker.customdata, strict=True)]
    assert hovers == ["Title Crimea 2014-03-18 · Russia–West",
                      "Title Xi 2012-11-15 – 2017-10-25 · China"]  # fmt: skip
    assert "%{text}" in marker.hovertemplate and "%{customdata}" in marker.hovertemplate


def test_many_events_share_one_path_per_colour_and_a_compact_marker():
    days = [event(date(2000 + n, 6, 1), label=f"E{n}") for n in range(10)]
    plain = SERIES.assign(flag="")  # no flags: one hover line, flat per-point words
    fig = figures.gap_spec(plain, "GDP", "current US$", "absolute", "linear", days, NAMES, 2014,
                           (1999, 2011))  # fmt: skip
    (line,) = fig["layout"]["shapes"]
    assert line["path"].count("M") == 10
    marker = next(t for t in fig["data"] if t["name"] == "Events")
    assert marker["marker"]["color"] == "#1f4e9c"  # one colour, said once
    labels = [a for a in fig["layout"]["annotations"] if a["text"].startswith("E")]
    assert labels and all("yref" not in a and "showarrow" not in a for a in labels)
    assert fig["layout"]["template"]["layout"]["annotationdefaults"]["yref"] == "paper"
    china = fig["data"][0]
    assert china["customdata"] == ["US$ 1 tn", "US$ 2 tn"]
    assert "customdata[1]" not in china["hovertemplate"]


def test_drawn_values_are_rounded_to_six_significant_digits():
    series = SERIES.assign(value=[1 / 3, 2 / 3, 0.1, float("nan")])
    fig = figures.gap_spec(series, "GDP", "current US$", "ratio", "linear", [], NAMES, 2014,
                           (2010, 2020))  # fmt: skip
    assert fig["data"][0]["y"] == [0.333333, 0.666667]
    assert fig["data"][1]["y"] == [0.1, None]


def test_exchange_rate_moves_only_on_charts_at_market_rates_with_a_note():
    fx = event(date(2014, 12, 16), label="Rouble crash", category="economy", kind="exchange-rate")
    usd = figure(events=[fx])
    texts = [a.text for a in usd.layout.annotations]
    assert "Rouble crash" in texts
    assert any("exchange-rate moves" in t for t in texts)
    constant = figure(events=[fx], unit="US$ m, constant 2023 prices")
    assert [a.text for a in constant.layout.annotations] == []


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


@pytest.mark.parametrize("width", [1000, 360])
def test_the_shipped_register_labels_never_overlap(width):
    register = load_events()
    fig = figure(series=LONG, events=register.events, years=(1990, 2026), width=width)
    for squeeze in (1.0, 0.92):  # also when the y axis' labels take more room than planned
        boxes = label_boxes(fig, width, squeeze)
        for n, (text, row, left, right) in enumerate(boxes):
            for other, other_row, o_left, o_right in boxes[n + 1 :]:
                if row == other_row:
                    assert right <= o_left or o_right <= left, (text, other, width)
    assert len(boxes) >= (15 if width == 1000 else 5)
    if width == 360:
        wide = label_boxes(figure(series=LONG, events=register.events, years=(1990, 2026)), 1000)
        assert len(boxes) < len(wide)  # fewer labels on a narrow chart; the rest hover
    marker = next(t for t in fig.data if t.name == "Events")
    assert len(marker.x) == len(register.events)  # every event still has its hover marker
