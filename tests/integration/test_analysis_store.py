"""The analysis over a real SQLite store: a revised World Bank release shows in the diff and claims."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import sqlalchemy as sa

from config.catalogue import Catalogue
from config.claims import Claim
from config.events import load_events
from dashboard.model import analysis, state
from dashboard.model.model import Model
from dashboard.page import analysis_section as view_module
from dashboard.page import lazy
from dashboard.server.app import create_app
from fetchers.store import schema
from fetchers.store.store import Store
from tests.support.seed import seed, worldbank_result

GDP = "NY.GDP.MKTP.CD"


def runs_table(store: Store) -> pd.DataFrame:
    """The runs table, as the analysis takes it."""
    with store.engine.connect() as conn:
        return pd.read_sql(sa.select(schema.runs), conn)


def test_a_revised_release_shows_in_the_diff_the_claims_and_the_tables(
    store: Store, catalogue: Catalogue
):
    seed(store, catalogue)
    before = store.observations()
    revised = worldbank_result(catalogue, scale=1.1)
    frame = revised.frame
    # The seed's China÷Russia GDP ratio is 3.0 in every year (flat: the gap did not widen). In the
    # new release every value is 10% higher and Russia's 2024 GDP a tenth of before: 3.0 → 33.0.
    russia = (frame["indicator"] == GDP) & (frame["country"] == "RUS") & (frame["year"] == 2024)
    frame.loc[russia, "value"] = frame.loc[russia, "value"] / 11
    store.write_run(
        store.start_run("worldbank"),
        dataclasses.replace(revised, frame=frame, release="2099-09-09"),
    )
    after = store.observations()

    claim = Claim("g", "The gap widened.", "gap_widened", (GDP,), 2014, "widened")
    result = analysis.analyse(
        after,
        store.history(),
        runs_table(store),
        [],
        ("CHN", "RUS"),
        ("USA",),
        analysis.Options(claims=(claim,)),
    )

    diff = result.release_diff
    assert set(diff["source"]) == {"worldbank"}
    assert set(diff["release"]) == {"2099-09-09"}
    assert set(diff["previous_release"]) == {worldbank_result(catalogue).release}
    old = before.set_index(["indicator", "country", "year"])["value"]
    row = diff.set_index(["indicator", "country", "year"]).loc[(GDP, "CHN", 2020)]
    assert row["change"] == "revised"
    assert row["old_value"] == pytest.approx(old[(GDP, "CHN", 2020)])
    assert row["new_value"] == pytest.approx(old[(GDP, "CHN", 2020)] * 1.1)
    assert row["difference_pct"] == pytest.approx(10.0)

    verdict = result.claims.iloc[0]
    assert verdict["status"] == "holds"
    # The rule: the 2011–13 mean (3.0) against the 2022–24 mean ((3 + 3 + 33) ÷ 3 = 13.0).
    assert verdict["summary"].startswith(
        "GDP (current US$): ratio 3.00× (2011–2013 mean) → 13.0× (2022–2024 mean), +333%: widened"
    )
    assert verdict["last_changed_release"] == "worldbank 2099-09-09"

    tables = analysis.analysis_tables(result)
    assert len(tables["Release diff"]) == len(diff) > 0
    assert not tables["Need"].empty  # the seed's synthetic Comtrade flows


def test_the_page_bridge_reads_the_store_once_per_data_version(
    store: Store, catalogue: Catalogue, settings
):
    seed(store, catalogue)
    model = Model(store, settings, catalogue, load_events())
    view = dataclasses.replace(model.default, comparators=("USA", "IND"))
    snap = model.snapshots.current()
    first = view_module.analysis_for(model, snap, view)
    assert view_module.analysis_for(model, snap, view) is first  # built once per snapshot
    assert {"USA", "IND"} <= set(first.world_share["country"])  # the wider comparison
    cards = view_module.section(model, snap, view)
    assert [c.id for c in cards] == [
        "analysis-need",
        "analysis-claims",
        "analysis-windows",
        "analysis-basis",
        "analysis-release-diff",
        "analysis-cross-source",
        "analysis-world",
    ]
    assert view_module.section(model, snap, view) is cards
    revised = worldbank_result(catalogue, scale=1.1)
    store.write_run(
        store.start_run("worldbank"), dataclasses.replace(revised, release="2099-09-09")
    )
    again = view_module.analysis_for(model, model.snapshots.current(), view)
    assert again is not first
    assert set(again.release_diff.query("source == 'worldbank'")["change"]) == {"revised"}


def test_sections_below_the_fold_are_asked_for_by_their_key_alone(settings):
    app = create_app(settings)
    marked = {getattr(c, "data-lazy", None) for c in app.layout._traverse()}
    for output, section in (
        ("analysis.children", "analysis"),
        ("table-section.children", "table"),
        ("sources.children", "sources"),
    ):
        wiring = app.callback_map[output]
        # Only the section's key: a new mode or scale, or the page load itself, asks nothing.
        assert [i["id"] for i in wiring["inputs"]] == [f"{section}-key"], output
        key = app.callback_map[f"{section}-key.data"]
        assert [i["id"] for i in key["inputs"]] == ["view", "drawn-version", "seen"]
        assert section in marked, f"no place on the page is marked data-lazy={section}"
        assert all(f'"{f}"' in lazy.key_js(section) for f in lazy.SECTIONS[section])


def test_the_clients_key_is_checked_like_a_link(store: Store, catalogue: Catalogue, settings):
    seed(store, catalogue)
    model = Model(store, settings, catalogue, load_events())
    view = model.from_saved({"comparators": ["<script>", "USA"], "categories": ["economy"]})
    assert (view.comparators, view.categories) == (("USA",), ("economy",))
    assert view.mode == model.default.mode  # the rest of the view from the default
    assert "USA" in set(
        view_module.analysis_for(model, model.snapshots.current(), view).world_share["country"]
    )


def test_the_reader_chooses_the_event_windows_in_the_link(
    store: Store, catalogue: Catalogue, settings
):
    seed(store, catalogue)
    model = Model(store, settings, catalogue, load_events())
    view, notes = model.from_url("?win=Crimea,Nowhere&wn=2&wb=nominal")
    assert (view.windows, view.window_years, view.window_basis) == (("Crimea",), 2, "nominal")
    assert notes == ["Unknown event 'Nowhere' for the event windows ignored."]
    windows = view_module.analysis_for(model, model.snapshots.current(), view).windows
    assert set(windows["event"]) == {"Russia annexes Crimea"}
    assert set(windows["before_years"]) == {"2012–2014"}  # N = 2 years before 2014
    default = view_module.analysis_for(model, model.snapshots.current(), model.default).windows
    assert len(set(default["event"])) == 3  # without the link: Crimea, the NSS and the MSC report
    assert "win=Crimea" in state.serialise(view, model.default) and "wn=2" in state.serialise(
        view, model.default
    )
    _, bad = model.from_url("?wn=999999999999&wb=pie")
    assert len(bad) == 2  # both named, neither a traceback
