"""The view model and its components over a real tmp_path store with SYNTHETIC data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from config.events import load_events
from dashboard.model import state
from dashboard.model.model import Model
from dashboard.model.state import ViewState
from dashboard.page import panels, rows
from fetchers.store.schema import observations
from tests.support.components import text_of
from tests.support.releases import FIRST_VALUES, GDP, two_releases
from tests.support.seed import seed, worldbank_result


@pytest.fixture
def model(store, settings, catalogue) -> Model:
    return Model(store, settings, catalogue, load_events())


def page_parts(model: Model, view: ViewState) -> dict:
    """The three callbacks' components for a view: render, table (first block), sources."""
    snap = model.snapshots.current()
    table = panels.table_frame(model.table(snap, view))
    return {
        **panels.render(model.render(snap, view), model.names, model.pair),
        "rows": rows.block(table, {"startRow": 0, "endRow": 100})["rowData"],
        "sources": panels.sources_panel(model.source_rows(snap, view)),
        "base_options": panels.base_options(model.base_years(snap, view), view.base_year),
    }


def header_parts(model: Model) -> tuple[int, object, list]:
    status = model.status(model.snapshots.current())
    return status.version, panels.status_line(status, model.catalogue), panels.banner(status)


def test_empty_store_says_what_to_do(model):
    out = page_parts(model, model.default)
    assert "No data stored yet" in text_of(out["charts"])
    version, freshness, banner = header_parts(model)
    assert version == 0
    assert "No data stored yet" in text_of(freshness)
    assert "python -m fetchers import FILE" in text_of(banner)


def test_seeded_render_has_kpis_charts_table_and_sources(model, store, catalogue):
    seed(store, catalogue)
    out = page_parts(model, model.default)
    kpis = text_of(out["kpis"])
    assert "China ÷ Russia" in kpis and "from 3.00× in 2014 to 3.00× (0%)" in kpis
    assert text_of(out["story"]).startswith(
        "China's GDP is 3.0× Russia's at market exchange rates (2024), as in 2014"
    )
    assert [o["value"] for o in out["base_options"]] == list(range(1990, 2025))
    assert all(r["value_text"] and "e+" not in r["value_text"] for r in out["rows"])
    assert len(model.render(model.snapshots.current(), model.default).charts) == len(
        model.default.indicators
    )
    assert len(out["rows"]) == 50 and {"yoy_pct", "since_base_pct"} <= set(out["rows"][0])
    assert "Synthetic note for NY.GDP.MKTP.CD." in text_of(out["sources"])
    assert "2099-01-15" in text_of(out["sources"])


def test_charts_keep_the_order_the_reader_picked(model, store, catalogue):
    seed(store, catalogue)
    picked = ("MS.MIL.XPND.CD", "NY.GDP.MKTP.CD", "CMT.PARTNER_SHARE")
    charts = model.charts(model.snapshots.current(), replace(model.default, indicators=picked))
    assert tuple(c.indicator for c in charts) == picked


def test_failed_run_is_one_calm_header_line_with_details(model, store, catalogue):
    seed(store, catalogue)
    store.fail_run(
        store.start_run("worldbank"),
        "worldbank: cannot reach api.worldbank.org — no network? (http://10.0.0.5:8080/v2)",
    )
    _, freshness, banner = header_parts(model)
    assert banner == []  # no stack of alerts: the header says it
    line = text_of(freshness)
    assert "cannot reach api.worldbank.org — no network?" in line
    assert "10.0.0.5" not in line and "http://" not in line
    assert "details" in line and "World Bank WDI: release" in line


def test_an_empty_chart_says_its_true_cause(model, store, catalogue):
    seed(store, catalogue)
    view = replace(
        model.default, indicators=("NY.GDP.MKTP.CD",), year_from=1970, year_to=1980, mode="absolute"
    )
    (chart,) = model.charts(model.snapshots.current(), view)
    assert chart.figure is None
    assert chart.reason == (
        "No observation in the chosen years 1970–1980; the data cover 1990–2024."
    )
    store.fail_run(store.start_run("trade"), "trade: cannot reach comtradeapi.un.org — no network?")
    snap = model.snapshots.current()
    empty = model.data(snap, view).iloc[0:0]
    reason = model.why_empty(snap, "CMT.TOTAL.X", empty, view)
    assert reason.startswith("UN Comtrade is down since")
    assert "cannot reach comtradeapi.un.org" in reason


def test_drawn_series_is_what_the_chart_shows(model, store, catalogue):
    seed(store, catalogue)
    view = replace(model.default, indicators=("NY.GDP.MKTP.CD",), mode="ratio", year_from=2000,
                   year_to=2010)  # fmt: skip
    drawn = model.drawn(model.snapshots.current(), view, "NY.GDP.MKTP.CD")
    assert list(drawn["year"]) == list(range(2000, 2011))
    assert set(drawn["series"]) == {"China ÷ Russia"} and set(drawn["mode"]) == {"ratio"}
    assert drawn["value"].round(6).eq(3.0).all()
    assert set(drawn["unit"]) == {"times (China ÷ Russia)"}
    assert set(drawn["source_release"]) == {"2099-01-15"}
    assert drawn["source"].str.contains("World Bank").all()


def test_indicator_without_data_for_a_country_says_so(model, store, catalogue):
    seed(store, catalogue)
    with store.engine.begin() as conn:  # Russia's values of one indicator were never published
        conn.execute(
            observations.delete().where(
                observations.c.indicator == "SIPRI.MILEX.CURRENT_USD",
                observations.c.country == "RUS",
            )
        )
    view = replace(
        model.default,
        indicators=("SIPRI.MILEX.CURRENT_USD",),
        year_from=2010,
        year_to=2011,
        mode="absolute",
    )
    chart = model.charts(model.snapshots.current(), view)[0]
    assert chart.missing == ("Russia",)
    assert "No data for Russia" in text_of(panels.chart_block(chart))


def test_derived_indicator_expands_to_its_inputs_once(model):
    assert model.stored_ids(["CMT.PARTNER_SHARE", "CMT.TOTAL.X", "NY.GDP.MKTP.CD"]) == [
        "CMT.TOTAL.X",
        "CMT.TOTAL.M",
        "NY.GDP.MKTP.CD",
    ]


def test_filters_round_trip(model):
    view = ViewState(("MS.MIL.XPND.CD",), ("USA",), 2000, 2010, "ratio", "log", 2005, ("economy",))
    assert model.from_filters(model.filter_values(view)) == view


def test_key_figures_for_the_report_are_worded_like_the_page(model, store, catalogue):
    seed(store, catalogue)
    view = replace(model.default, indicators=("NY.GDP.MKTP.CD", "MS.MIL.XPND.GD.ZS"))
    table = model.key_figures(model.snapshots.current(), view)
    gdp, share = table.to_dict("records")
    assert gdp["year"] == "2024" and gdp["China"].startswith("US$ ")
    assert gdp["China ÷ Russia"] == "3.00×"
    assert gdp["ratio change"] == "from 3.00× in 2014 to 3.00× (0%)"
    assert share["China"].endswith("% of GDP") and share["China ÷ Russia"] == ""
    assert " pp" in share["each side"] and "/yr" not in share["each side"]
    assert not any("e+" in str(v) for v in table.to_numpy().ravel())
    assert model.story(model.snapshots.current(), view)[0].startswith(
        "China's GDP is 3.0× Russia's at market exchange rates (2024)"
    )


@pytest.mark.parametrize(
    "values",
    [
        [None] * 7,
        [["NY.GDP.MKTP.CD"] * 500, "USA", ["x", 2000], "pie", 3, "abc", {"a": 1}],
        [[], [], [2020, 1990], "ratio", "log", "2014", []],
        "not a list",
    ],
)
def test_filter_values_from_the_browser_are_checked(model, values):
    view = model.from_filters(values if isinstance(values, list) else [])
    assert set(view.indicators) <= set(model.indicator_ids) and view.indicators
    assert view.year_from <= view.year_to
    assert view.mode in ("absolute", "ratio", "indexed", "share")


def test_a_view_reads_one_snapshot_and_a_new_release_a_new_one(model, store, catalogue):
    seed(store, catalogue)
    view = model.default
    narrower = replace(view, year_from=2005, year_to=2015)
    gdp = "NY.GDP.MKTP.CD"
    snap = model.snapshots.current()
    assert model.snapshots.current() is snap  # the version has not moved: nothing read again
    assert model.data(snap, narrower) is model.data(snap, view)  # the years only slice
    kpi = {k.indicator: k.kpi for k in model.kpis(snap, narrower)}[gdp]
    assert kpi.year == 2015  # ...and the KPI still takes the latest common year in range
    assert model.charts(snap, narrower)[0].figure["layout"]["xaxis"]["range"] == [2004.5, 2015.5]

    store.write_run(store.start_run("worldbank"), worldbank_result(catalogue, scale=2.0))
    newer = model.snapshots.current()
    assert newer.version > snap.version
    again = {k.indicator: k.kpi for k in model.kpis(newer, narrower)}[gdp]
    assert again.a_value == 2 * kpi.a_value  # the new release, not the kept one
    assert model.snapshots.at(snap.version) is snap  # a page drawn from it still gets its rows


def test_a_link_with_as_of_shows_the_values_the_store_held_then(model, store):
    two_releases(store)
    link = "?ind=NY.GDP.MKTP.CD&from=2020&to=2025"
    then, notes = model.from_url(link + "&as_of=2026-01-20")
    assert (then.as_of, notes) == ("2026-01-20", [])
    old = model.snapshot_for(then)
    russia = old.rows([GDP], ["RUS"]).set_index("year")["value"]
    assert russia[2024] == FIRST_VALUES[("RUS", 2024)] and 2025 not in russia.index
    now = model.snapshot_for(model.from_url(link)[0])
    assert now.rows([GDP], ["RUS"]).set_index("year")["value"][2024] == 2.1318e12
    kpi = {k.indicator: k.kpi for k in model.kpis(old, then)}[GDP]
    assert kpi.b_value == FIRST_VALUES[("RUS", 2024)]  # the page's figures are the old ones
    assert "as_of=2026-01-20" in state.serialise(then, model.default)


@pytest.mark.parametrize("as_of", ["2099-01-01", "2020-01-01", "yesterday"])
def test_an_as_of_the_store_cannot_show_is_noted_and_the_latest_shown(model, store, as_of):
    two_releases(store)
    view, notes = model.from_url(f"?as_of={as_of}")
    assert view.as_of == "" and len(notes) == 1 and "latest data" in notes[0]


def test_a_vintage_chart_draws_the_latest_data_over_it_to_show_the_revision(model, store):
    two_releases(store)
    view, _ = model.from_url("?ind=NY.GDP.MKTP.CD&from=2023&to=2025&mode=absolute&as_of=2026-01-20")
    (chart,) = model.charts(model.snapshot_for(view), view)
    latest = [t for t in chart.figure["data"] if str(t.get("name", "")).endswith("latest data")]
    russia = next(t for t in latest if t["name"].startswith("Russia"))
    assert dict(zip(russia["x"], russia["y"], strict=True))[2024] == pytest.approx(2.1318e12)
    drawn = next(t for t in chart.figure["data"] if t.get("name") == "Russia")
    assert 2.2e12 in drawn["y"]  # the vintage's own value, beside the revision
