"""Page components from plain data: KPI cards, the header line, empty charts, chart widths."""

from __future__ import annotations

import math

from config.catalogue import load_catalogue
from dashboard.model.metrics import Kpi
from dashboard.model.numbers import Unit, unit_for
from dashboard.model.records import Chart, KpiRow, Status
from dashboard.page import layout, panels
from fetchers.store.status import SourceStatus
from tests.support.components import text_of

NAMES = {"CHN": "China", "RUS": "Russia"}
PAIR = ("CHN", "RUS")


def unit(indicator: str) -> Unit:
    """How a catalogued series reads."""
    return unit_for(load_catalogue().indicator(indicator))


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def kpi(a, b, a_flag="", b_flag="", base=(10.0, 2.0)):
    ratio = a / b if a > 0 and b > 0 else math.nan
    return Kpi("I", 2024, a, b, ratio, 2014, base[0] / base[1], ratio - 5, (ratio / 5 - 1) * 100,
               math.nan, math.nan, a_flag, b_flag, *base)  # fmt: skip


def test_a_negative_value_shows_no_ratio_and_flags_differ():
    card = panels.kpi_card(
        KpiRow("F", "FDI", unit("BX.KLT.DINV.CD.WD"), kpi(18e9, -4.5e9), "s"), NAMES, PAIR
    )
    text = text_of(card)
    assert "no ratio" in text and "×" not in text
    badges = panels.kpi_card(
        KpiRow(
            "M",
            "Milex",
            unit("SIPRI.MILEX.CURRENT_USD"),
            kpi(3e5, 1e5, "estimate", "uncertain"),
            "s",
        ),
        NAMES,
        PAIR,
    )
    colours = {b.children: b.color for b in walk(badges) if b.__class__.__name__ == "Badge"}
    assert colours["estimate"] != colours["highly uncertain"]
    assert "US$ 300 bn" in text_of(badges)


def test_shares_compare_values_and_points_not_a_ratio():
    row = KpiRow(
        "S", "Share", unit("SIPRI.MILEX.SHARE_GDP"), kpi(0.017, 0.071, base=(0.019, 0.035)), "s"
    )
    text = text_of(panels.kpi_card(row, NAMES, PAIR))
    assert "1.7% vs 7.1%" in text
    assert "+3.6 pp" in text and "/yr" not in text and "×" not in text


def test_header_is_one_line_with_details_and_no_internal_text():
    failed = SourceStatus("trade", "failed", "2026-11-29T09:15:00Z", "cannot reach comtradeapi.un.org — no network?",
                          "", "", None, False, "2026-11-29T09:45:00Z")  # fmt: skip
    status = Status(3, [failed], False, "UN Comtrade: no data yet; live refresh: cannot reach …")
    header = panels.status_line(status, load_catalogue())
    text = text_of(header)
    assert text.startswith("UN Comtrade: no data yet")
    assert "UN Comtrade: no data yet; last try 2026-11-29 09:15 UTC failed: cannot reach" in text
    assert "status-failing" in header.className
    assert panels.banner(status) == []


def test_an_empty_chart_says_its_reason_not_widen_the_years():
    chart = Chart("X", "Trade share", "%", "trade", None, (), "UN Comtrade is down since …")
    text = text_of(panels.chart_block(chart))
    assert "UN Comtrade is down since" in text and "Widen" not in text


def test_chart_width_follows_the_columns():
    assert layout.chart_width(None, 3, 1000) == 1000
    assert layout.chart_width(1360, 3, 1000) == 640  # two to a row
    assert layout.chart_width(1360, 1, 1000) == 1360
    assert layout.chart_width(350, 3, 1000) == 320  # a phone: one to a row, rounded down


def test_a_chart_is_a_named_figure_with_its_sentence_and_a_link_to_the_data():
    chart = Chart("NY.GDP.MKTP.CD", "GDP", "current US$", "economy", {"data": [], "layout": {}},
                  (), "")  # fmt: skip
    block = panels.chart_block(chart, "China's GDP is 7.6× Russia's.")
    figure = block.children[0]
    assert figure.to_plotly_json()["props"]["aria-label"] == "Chart: GDP"
    caption = figure.children[1]
    assert caption.children[0] == "China's GDP is 7.6× Russia's. "
    assert caption.children[1].href == "#data"
    buttons = block.children[1].children
    assert buttons[0].to_plotly_json()["props"]["aria-label"] == "GDP: download data as CSV"
