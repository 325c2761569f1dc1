"""The bundled starter snapshot: written from a store, loaded into an empty one, superseded live."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from config.setting_values import PROJECT_ROOT
from fetchers.jobs.refresh import refresh
from fetchers.jobs.starter import (
    DATA_FILE,
    META_FILE,
    SNAPSHOT_DIR,
    ensure_loaded,
    load_snapshot,
    read_snapshot,
    write_snapshot,
)
from fetchers.store.status import data_origin, header_line, source_statuses
from fetchers.store.store import Store
from tests.conftest import make_settings
from tests.integration.test_cli import cli
from tests.support.seed import seed


@pytest.fixture
def written(tmp_path, catalogue):
    """A snapshot written from a seeded store (synthetic values), and that store."""
    source = Store.open(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    seed(source, catalogue)
    folder = tmp_path / "snapshot"
    write_snapshot(source, catalogue, folder)
    return folder, source


def test_write_then_load_reproduces_values_and_metadata_exactly(written, store, catalogue):
    folder, source = written
    lines = load_snapshot(store, catalogue, folder)
    assert sorted(line.split(":")[0] for line in lines) == ["sipri", "trade", "worldbank"]
    pd.testing.assert_frame_equal(store.observations(), source.observations())
    meta = ["source", "indicator", "name", "source_note", "source_organization", "unit"]
    pd.testing.assert_frame_equal(store.indicator_meta()[meta], source.indicator_meta()[meta])
    runs = store.last_runs()
    assert set(runs["kind"]) == {"snapshot"} and set(runs["status"]) == {"ok"}
    assert dict(zip(runs["source"], runs["release"], strict=True)) == dict(
        zip(source.last_runs()["source"], source.last_runs()["release"], strict=True)
    )


def test_snapshot_json_states_provenance_per_source(written, catalogue):
    folder, _ = written
    document = json.loads((folder / META_FILE).read_text())
    assert set(document["sources"]) == {"worldbank", "sipri", "trade"}
    for source_id, entry in document["sources"].items():
        spec = catalogue.source(source_id)
        assert (entry["licence"], entry["citation"]) == (spec.licence, spec.citation)
        assert entry["release"] and entry["origin"] and entry["indicators"]
        held = set(entry["indicators"]) | set(entry["lacks"])
        assert held == {i.id for i in catalogue.for_source(source_id)}


def test_loads_only_into_a_store_without_runs(written, store, catalogue):
    folder, _ = written
    store.fail_run(store.start_run("worldbank"), "no network")
    assert load_snapshot(store, catalogue, folder) == []
    assert store.observations().empty
    assert list(store.last_runs()["kind"]) == ["fetch"]


def test_snapshot_off_leaves_the_store_empty(written, tmp_path, catalogue):
    folder, _ = written
    settings = make_settings(tmp_path, SNAPSHOT="off")
    store = Store.open(settings.database_url)
    assert ensure_loaded(store, settings, catalogue, folder) == []
    assert store.last_runs().empty


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / DATA_FILE).write_text((f / DATA_FILE).read_text().replace("1", "2", 1)),
         "does not match the sha256 in snapshot.json"),
        (lambda f: (f / META_FILE).write_text("{"), "snapshot.json is not valid JSON"),
        (lambda f: (f / DATA_FILE).unlink(), "cannot read snapshot/observations.csv"),
    ],
)  # fmt: skip
def test_a_damaged_snapshot_is_one_clear_line_and_changes_nothing(
    written, settings, store, catalogue, damage, message
):
    folder, _ = written
    damage(folder)
    lines = ensure_loaded(store, settings, catalogue, folder)
    assert len(lines) == 1
    assert lines[0].startswith("bundled snapshot not loaded: ")
    assert message in lines[0]
    assert store.last_runs().empty


def test_a_live_fetch_supersedes_the_snapshot(written, settings, store, catalogue, wb):
    folder, _ = written
    ensure_loaded(store, settings, catalogue, folder)
    assert data_origin(source_statuses(store.last_runs(), settings), "worldbank") == "snapshot"
    assert not store.has_success("worldbank")  # so the scheduler tries a live fetch at once
    # The snapshot holds the fake's release: the live run must still fetch and store, not
    # call it unchanged (a snapshot may lack indicators).
    summary = refresh("worldbank", settings, catalogue, store)
    assert summary.ok and summary.rows > 0
    assert store.has_success("worldbank")
    assert store.last_runs().set_index("source").loc["worldbank", "status"] == "ok"
    statuses = source_statuses(store.last_runs(), settings)
    assert data_origin(statuses, "worldbank") == "live"
    assert data_origin(statuses, "sipri") == "snapshot"
    line = header_line(statuses, catalogue)
    assert line.startswith("Showing the bundled snapshot (SIPRI Milex ")
    assert "World Bank WDI release 2099-01-15 fetched " in line
    gdp = store.observations(indicators=["NY.GDP.MKTP.CD"], countries=["CHN"]).dropna()
    assert len(gdp) > 0
    for row in gdp.to_dict("records"):
        assert row["value"] == wb.value("NY.GDP.MKTP.CD", "CHN", row["year"])


def test_the_bundled_snapshot_is_intact_real_and_cited(catalogue):
    results = {r.source: r for r in read_snapshot(catalogue, SNAPSHOT_DIR)}
    assert set(results) == {"worldbank", "sipri"}  # trade is fetched live only
    assert results["worldbank"].release == "2026-07-01"
    assert results["sipri"].release == "2025 edition (data to 2024)"
    assert set(results["sipri"].frame["country"]) <= {"CHN", "RUS", "USA"}
    gdp = results["worldbank"].frame.set_index(["indicator", "country", "year"])["value"]
    ratio_2014 = gdp["NY.GDP.MKTP.CD", "CHN", 2014] / gdp["NY.GDP.MKTP.CD", "RUS", 2014]
    assert ratio_2014 == pytest.approx(5.18372, abs=1e-5)  # World Bank WDI, July 2026
    text = (SNAPSHOT_DIR / META_FILE).read_text()
    assert "file:" not in text and str(PROJECT_ROOT.parent) not in text
    assert not list(SNAPSHOT_DIR.glob("*.xlsx"))  # SIPRI's workbook itself is never shipped


def test_the_bundled_snapshot_holds_what_a_first_start_needs(catalogue):
    """World and Japan for "Share of the world"; PPP, price levels, real growth and WTO totals."""
    results = {r.source: r for r in read_snapshot(catalogue, SNAPSHOT_DIR)}
    wb = results["worldbank"].frame.dropna(subset=["value"])
    value = wb.set_index(["indicator", "country", "year"])["value"]
    for indicator in ("NY.GDP.MKTP.CD", "NY.GDP.PCAP.PP.CD", "SP.POP.TOTL"):
        assert {"WLD", "JPN", "CHN", "RUS"} <= set(wb[wb["indicator"] == indicator]["country"])
    for indicator in ("PA.NUS.PPP", "PA.NUS.FCRF", "NY.GDP.MKTP.KD.ZG"):
        assert {"CHN", "RUS"} <= set(wb[wb["indicator"] == indicator]["country"]), indicator
    # Russia's WTO-based merchandise totals continue after it stopped reporting to Comtrade.
    assert ("TX.VAL.MRCH.CD.WT", "RUS", 2024) in value.index
    assert ("TM.VAL.MRCH.CD.WT", "RUS", 2024) in value.index
    # Real WDI values (July 2026): Russia's price level ratio in 2014, PPP factor ÷ exchange rate.
    level = value["PA.NUS.PPP", "RUS", 2014] / value["PA.NUS.FCRF", "RUS", 2014]
    assert level == pytest.approx(20.998875 / 38.3782071444168)  # 0.547: prices ~55% of US
    origin = json.loads((SNAPSHOT_DIR / META_FILE).read_text())["sources"]["worldbank"]["origin"]
    assert "WDICSV-extract.csv" in {o["name"] for o in origin}


def test_fetchers_status_on_a_fresh_store_names_the_snapshot(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    status = cli("fetchers", "status", env=env)
    assert status.returncode == 0, status.stderr
    first = status.stdout.splitlines()[0]
    assert first == (
        "Showing the bundled snapshot (SIPRI Milex 2025 edition (data to 2024), "
        "World Bank WDI release 2026-07-01); live refresh: not tried yet"
    )
    assert "worldbank: showing the bundled snapshot, release 2026-07-01 (loaded " in status.stdout


def test_fetchers_snapshot_command_writes_from_the_store(tmp_path, written, catalogue):
    _, source = written
    held = len(catalogue.for_source("worldbank"))
    out = tmp_path / "out"
    env = {"DATABASE_URL": str(source.engine.url), "SNAPSHOT": "off"}
    result = cli("fetchers", "snapshot", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "worldbank: " in result.stdout and f"values of {held} indicators" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [DATA_FILE, META_FILE]
    empty = cli("fetchers", "snapshot", "--out", str(tmp_path / "none"),
                env={"DATABASE_URL": f"sqlite:///{tmp_path / 'e.sqlite3'}", "SNAPSHOT": "off"})  # fmt: skip
    assert empty.returncode == 1
    assert "no catalogued values" in empty.stderr
