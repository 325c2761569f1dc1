"""The callbacks' work as plain functions over a real tmp_path store with SYNTHETIC data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from config.events import load_events
from dashboard.callbacks import Views
from dashboard.state import ViewState
from tests.support.seed import seed


@pytest.fixture
def views(store, settings, catalogue) -> Views:
    return Views(store, settings, catalogue, load_events())


def text_of(component) -> str:
    """All text inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def test_empty_store_says_what_to_do(views):
    out = views.render(views.default)
    assert "No data stored yet" in text_of(out["charts"])
    version, freshness, banner = views.status()
    assert version == 0
    assert "No data fetched yet" in text_of(freshness)
    assert "python -m fetchers import FILE" in text_of(banner)


def test_seeded_render_has_kpis_charts_table_timeline_sources(views, store, catalogue):
    seed(store, catalogue)
    out = views.render(views.default)
    kpis = text_of(out["kpis"])
    assert "China ÷ Russia" in kpis and "ratio in 2014" in kpis
    charts = out["charts"]
    assert "Economy" in text_of(charts) and "Military" in text_of(charts)
    assert out["rows"] and {"yoy_pct", "since_base_pct"} <= set(out["rows"][0])
    assert "2014-03-18" in text_of(out["timeline"])
    assert "Synthetic note for NY.GDP.MKTP.CD." in text_of(out["sources"])
    assert "2099-01-15" in text_of(out["sources"])


def test_failed_run_shows_in_banner_with_reason(views, store, catalogue):
    seed(store, catalogue)
    store.fail_run(store.start_run("worldbank"), "worldbank: HTTP 503 after retries (http://x)")
    _, freshness, banner = views.status()
    assert "HTTP 503 after retries" in text_of(banner)
    assert "Showing data fetched" in text_of(banner)
    assert "last run failed" in text_of(freshness)


def test_indicator_without_data_for_a_country_says_so(views, store, catalogue):
    seed(store, catalogue)
    view = replace(
        views.default, indicators=("SIPRI.MILEX.CURRENT_USD",), year_from=2010, year_to=2011
    )
    frame = views.data(view)
    rows = frame[frame["indicator"] == "SIPRI.MILEX.CURRENT_USD"]
    chart = views.chart("SIPRI.MILEX.CURRENT_USD", "t", "u", rows[rows.country == "CHN"], view, [])
    assert "No data for Russia" in text_of(chart)


def test_filters_round_trip(views):
    view = ViewState(("MS.MIL.XPND.CD",), ("USA",), 2000, 2010, "ratio", "log", 2005, ("economy",))
    assert views.from_filters(views.filter_values(view)) == view
