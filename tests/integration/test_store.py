"""The store on a real SQLite file: transactions, idempotent reruns, revision history."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from fetchers.store import Store
from fetchers.tidy import IndicatorMeta, SourceResult, make_frame


def result(values: dict[int, float | None], flag: str = "") -> SourceResult:
    """A tiny SYNTHETIC source result: one indicator, one country."""
    records = [
        {
            "source": "worldbank",
            "indicator": "NY.GDP.MKTP.CD",
            "country": "CHN",
            "partner": "",
            "year": year,
            "value": value,
            "unit": "current US$",
            "flag": "missing" if value is None else flag,
        }
        for year, value in values.items()
    ]
    meta = (IndicatorMeta("NY.GDP.MKTP.CD", "GDP (synthetic)", "note", "org"),)
    return SourceResult(
        "worldbank", make_frame(records), meta, ("http://127.0.0.1/x",), "ab" * 32, "2099-01-01"
    )


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_write_adds_everything(store: Store):
    run = store.start_run("worldbank")
    summary = store.write_run(run, result({2013: 1.0, 2014: 2.0, 2015: None}))
    assert (summary.rows, summary.added, summary.changed) == (3, 3, 0)
    frame = store.observations()
    assert list(frame["value"].iloc[:2]) == [1.0, 2.0]
    assert pd.isna(frame["value"].iloc[2])
    assert store.last_runs()["status"].item() == "ok"


def test_identical_rerun_changes_nothing(store: Store):
    store.write_run(store.start_run("worldbank"), result({2013: 1.0, 2014: None}))
    before = store.observations()
    summary = store.write_run(store.start_run("worldbank"), result({2013: 1.0, 2014: None}))
    assert (summary.added, summary.changed) == (0, 0)
    assert store.history().empty
    pd.testing.assert_frame_equal(store.observations(), before)


def test_revision_is_recorded_in_history(store: Store):
    store.write_run(store.start_run("worldbank"), result({2013: 1.0, 2014: None}))
    run = store.start_run("worldbank")
    summary = store.write_run(run, result({2013: 1.5, 2014: 7.0}))
    assert summary.changed == 2
    history = store.history(run).sort_values("year")
    assert list(history["old_value"].fillna(-1)) == [1.0, -1]
    assert list(history["new_value"]) == [1.5, 7.0]
    assert list(history["old_flag"]) == ["", "missing"]
    assert store.observations()["value"].tolist() == [1.5, 7.0]


def test_failed_run_leaves_the_database_file_byte_identical(store: Store, settings):
    store.write_run(store.start_run("worldbank"), result({2013: 1.0}))
    before = store.observations()
    run = store.start_run("worldbank")
    store.fail_run(run, "worldbank: HTTP 503 after retries")
    pd.testing.assert_frame_equal(store.observations(), before)
    last = store.last_runs()
    assert last["status"].item() == "failed"
    assert last["error"].item() == "worldbank: HTTP 503 after retries"
    assert last["last_ok_release"].item() == "2099-01-01"


def test_write_is_one_transaction(store: Store):
    store.write_run(store.start_run("worldbank"), result({2013: 1.0}))
    before = store.observations()
    broken = result({2013: 9.0, 2014: 2.0})
    # A duplicated key makes the insert fail half way: nothing of the run may remain.
    broken.frame.loc[len(broken.frame)] = broken.frame.iloc[1]
    run = store.start_run("worldbank")
    try:
        store.write_run(run, broken)
    except Exception as exc:  # noqa: BLE001 - the store raises StoreError; any failure will do
        assert "run" in str(exc)
    else:
        raise AssertionError("a write with a duplicated key must fail")
    pd.testing.assert_frame_equal(store.observations(), before)


def test_data_version_grows_with_finished_runs(store: Store):
    assert store.data_version() == 0
    run = store.start_run("worldbank")
    assert store.data_version() == 0
    store.write_run(run, result({2013: 1.0}))
    assert store.data_version() == run


def test_metadata_carries_provenance(store: Store):
    run = store.start_run("worldbank")
    store.write_run(run, result({2013: 1.0}))
    meta = store.indicator_meta()
    assert meta["name"].item() == "GDP (synthetic)"
    assert meta["release"].item() == "2099-01-01"
    assert meta["sha256"].item() == "ab" * 32
    assert meta["fetched_at"].item().endswith("Z")
