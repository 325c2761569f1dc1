"""The store on a real SQLite file: transactions, idempotent reruns, revision history."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from fetchers.store import snapshot
from fetchers.store.errors import RunFenced, RunLocked, SuspiciousRelease
from fetchers.store.removals import removals
from fetchers.store.status import source_statuses
from fetchers.store.store import Store
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame
from tests.support.wait import until


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


def sipri_result(value: float) -> SourceResult:
    """A tiny SYNTHETIC result of a second source."""
    record = {"source": "sipri", "indicator": "SIPRI.MILEX.CONSTANT_USD", "country": "RUS",
              "partner": "", "year": 2020, "value": value, "unit": "US$ m", "flag": ""}  # fmt: skip
    meta = (IndicatorMeta("SIPRI.MILEX.CONSTANT_USD", "Milex (synthetic)", "", "SIPRI"),)
    return SourceResult(
        "sipri", make_frame([record]), meta, ("http://127.0.0.1/s",), "cd" * 32, "r1"
    )


def test_data_version_moves_with_every_finish_and_only_then(store: Store):
    seen = [store.data_version()]
    run = store.start_run("worldbank")
    assert store.data_version() == seen[-1]  # a run that starts changes nothing a reader sees
    store.write_run(run, result({2013: 1.0}))
    seen.append(store.data_version())
    store.finish_unchanged(store.start_run("worldbank"), replace(result({}), unchanged=True))
    seen.append(store.data_version())
    store.fail_run(store.start_run("worldbank"), "worldbank: HTTP 503")
    seen.append(store.data_version())
    assert seen == sorted(set(seen)) and len(seen) == 4  # strictly increasing


def test_runs_finishing_out_of_start_order_each_move_the_version(store: Store):
    # The bug of version 0.2: the version was the highest finished run id, so a slow run that
    # started first and finished last never moved it, and readers kept the data from before.
    slow = store.start_run("sipri")
    fast = store.start_run("worldbank")
    store.write_run(fast, result({2013: 1.0}))
    before = snapshot.read(store)
    assert set(before.observations["source"]) == {"worldbank"}
    store.write_run(slow, sipri_result(5.0))
    after = snapshot.read(store)
    assert after.version > before.version
    assert set(after.observations["source"]) == {"worldbank", "sipri"}
    assert snapshot.Snapshots(store).current().version == after.version


def test_a_snapshot_overtaken_by_a_commit_is_one_version(store: Store, settings):
    # A refresh commits between the snapshot's reads of two tables: the snapshot still holds
    # one state (read again on SQLite; repeatable read on PostgreSQL), never a mix.
    run = store.start_run("worldbank")
    store.write_run(run, result({2013: 1.0}))
    writer = Store.open(settings.database_url)
    late = writer.start_run("sipri")
    fired: list[int] = []

    def commit_once(conn, _cursor, statement, *_args):
        if not fired and "FROM runs" in statement:  # after the observations were read
            fired.append(1)
            threading.Thread(target=writer.write_run, args=(late, sipri_result(7.0))).start()
            until(lambda: writer.runs()["status"].iloc[-1] != "running", every=0.02)

    sa.event.listen(store.engine, "before_cursor_execute", commit_once)
    try:
        snap = snapshot.read(store)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", commit_once)
        writer.close()
    assert fired
    has_late_rows = "sipri" in set(snap.observations["source"])
    has_late_run = snap.runs["status"].iloc[-1] == "ok"
    assert has_late_rows == has_late_run  # observations and runs from the same state
    assert (snap.version == store.data_version()) == has_late_rows


def test_a_run_that_lost_its_lease_writes_nothing(store: Store, settings):
    paused = Store.open(settings.database_url, lease_seconds=1)
    run = paused.start_run("worldbank")
    paused._heartbeat.forget(run)  # the process stops beating (paused, swapped out)
    other = Store.open(settings.database_url, lease_seconds=1)

    def take_over() -> int | None:
        try:
            return other.start_run("worldbank")
        except RunLocked:
            return None

    taken = until(take_over, timeout=15)  # its lease runs out; another takes over
    with pytest.raises(RunFenced):
        paused.write_run(run, result({2013: 666.0}))  # it resumes and tries to commit
    other.write_run(taken, result({2013: 1.0}))
    statuses = dict(zip(store.runs()["id"], store.runs()["status"], strict=True))
    assert statuses == {run: "interrupted", taken: "ok"}
    assert store.observations()["value"].tolist() == [1.0]
    paused.close()
    other.close()


def test_taking_over_a_lease_that_ran_out_marks_the_old_run_interrupted(store: Store, settings):
    paused = Store.open(settings.database_url)
    run = paused.start_run("worldbank")
    paused._heartbeat.forget(run)
    with store.engine.begin() as conn:  # its lease ran out while its heartbeat still looks fresh
        conn.execute(sa.text("UPDATE leases SET expires_at = '2000-01-01T00:00:00Z'"))
    taken = store.start_run("worldbank")
    statuses = dict(zip(store.runs()["id"], store.runs()["status"], strict=True))
    assert statuses == {run: "interrupted", taken: "running"}  # never two running runs
    paused.close()


def test_metadata_carries_provenance(store: Store):
    run = store.start_run("worldbank")
    store.write_run(run, result({2013: 1.0}))
    meta = store.indicator_meta()
    assert meta["name"].item() == "GDP (synthetic)"
    assert meta["release"].item() == "2099-01-01"
    assert meta["sha256"].item() == "ab" * 32
    assert meta["fetched_at"].item().endswith("Z")


def test_runs_is_the_whole_table_with_empty_text_for_missing(store: Store):
    assert store.runs().empty
    first = store.start_run("worldbank")
    store.write_run(first, result({2013: 1.0, 2014: 2.0}))
    second = store.start_run("worldbank")
    store.fail_run(second, "worldbank: HTTP 503 after retries")
    third = store.start_run("sipri")
    table = store.runs()
    assert {"id", "source", "kind", "status", "release", "started_at", "finished_at",
            "rows", "added", "changed", "error"} <= set(table.columns)  # fmt: skip
    assert "bodies" not in table.columns  # the raw bodies' JSON stays in the store
    assert table["id"].tolist() == [first, second, third]
    assert table["status"].tolist() == ["ok", "failed", "running"]
    assert table["release"].tolist() == ["2099-01-01", "", ""]
    assert table["finished_at"].iloc[2] == ""  # still running: "" rather than NaN
    assert table[["rows", "added", "changed"]].iloc[0].tolist() == [2, 2, 0]
    assert table["rows"].dtype == "int64"


def test_observations_with_run_name_the_run_that_last_wrote_each_row(store: Store):
    first = store.start_run("worldbank")
    store.write_run(first, result({2013: 1.0, 2014: 2.0}))
    second = store.start_run("worldbank")
    store.write_run(second, result({2013: 1.0, 2014: 3.0}))
    plain = store.observations()
    with_run = store.observations(with_run=True)
    assert "run_id" not in plain.columns
    assert with_run["run_id"].tolist() == [first, second]
    pd.testing.assert_frame_equal(with_run.drop(columns="run_id"), plain)


def many(first: int, last: int, blank: tuple[int, ...] = (), skip: tuple[int, ...] = ()):
    """A result for the years first..last, with some years blanked and some left out."""
    return result(
        {y: (None if y in blank else float(y)) for y in range(first, last + 1) if y not in skip}
    )


def test_release_blanking_values_is_refused_and_the_data_kept(store: Store):
    store.write_run(store.start_run("worldbank"), many(1985, 2024))
    before = store.observations()
    run = store.start_run("worldbank")
    with pytest.raises(SuspiciousRelease) as caught:
        store.write_run(run, many(1985, 2024, blank=tuple(range(2010, 2020))))
    assert "NY.GDP.MKTP.CD CHN: 10 of 40 values (25%) blanked 2010–2019" in str(caught.value)
    assert "refused" in str(caught.value)
    pd.testing.assert_frame_equal(store.observations(), before)


def test_small_removals_are_kept_and_noted(store: Store):
    store.write_run(store.start_run("worldbank"), many(1985, 2024))
    run = store.start_run("worldbank")
    store.write_run(run, many(1985, 2024, blank=(2024,), skip=(2001,)))
    last = store.last_runs()
    assert last["status"].item() == "ok"
    assert last["notes"].item() == (
        "NY.GDP.MKTP.CD CHN: 2 of 40 values (5%) blanked 2024, missing 2001"
    )
    assert pd.isna(store.observations().set_index("year").loc[2024, "value"])


def test_years_a_release_does_not_cover_are_not_removals(store: Store):
    store.write_run(store.start_run("worldbank"), many(1985, 2024))
    store.write_run(store.start_run("worldbank"), many(2022, 2024))
    assert store.last_runs()["notes"].item() == ""
    assert store.observations()["value"].notna().sum() == 40


def test_removals_skip_refused_indicators():
    old = many(2000, 2009).frame
    new = many(2000, 2009, blank=tuple(range(2000, 2010))).frame
    assert removals(old, new, refused=("NY.GDP.MKTP.CD",)) == []
    (removal,) = removals(old, new)
    assert (removal.stored, removal.blanked, removal.share) == (10, tuple(range(2000, 2010)), 1.0)


def test_status_reads_a_store_with_a_run_in_progress(store: Store, settings):
    # Issue 12.3: a running run next to finished ones made the status code raise TypeError.
    store.write_run(store.start_run("worldbank"), result({2013: 1.0}))
    store.fail_run(store.start_run("sipri"), "sipri: HTTP 503")
    store.start_run("worldbank")
    statuses = {s.source: s for s in source_statuses(store.last_runs(), settings)}
    assert (statuses["worldbank"].last_status, statuses["sipri"].last_status) == (
        "running",
        "failed",
    )
    assert "release 2099-01-01" in statuses["worldbank"].line()
    assert "HTTP 503" in statuses["sipri"].line()


def test_a_bundled_snapshot_is_not_a_success(store: Store):
    store.write_run(store.start_run("worldbank", kind="snapshot"), result({2013: 1.0}))
    assert not store.has_success("worldbank")
    store.write_run(store.start_run("worldbank"), result({2013: 1.0}))
    assert store.has_success("worldbank")


def test_a_live_release_replaces_the_bundled_snapshot_freely(store: Store):
    store.write_run(store.start_run("worldbank", kind="snapshot"), many(1985, 2024))
    store.write_run(store.start_run("worldbank"), many(1985, 2024, blank=tuple(range(1985, 2000))))
    assert store.last_runs()["notes"].item() == ""
    assert store.observations()["value"].notna().sum() == 25


def test_a_release_of_other_indicators_removes_nothing():
    from fetchers.store.removals import removals

    old = make_frame(
        [{"source": "worldbank", "indicator": "A", "country": "CHN", "partner": "", "year": y,
          "value": 1.0, "unit": "u", "flag": ""} for y in range(2000, 2010)]
    )  # fmt: skip
    new = make_frame(
        [{"source": "worldbank", "indicator": "B", "country": "CHN", "partner": "", "year": y,
          "value": 2.0, "unit": "u", "flag": ""} for y in range(2000, 2010)]
    )  # fmt: skip
    assert removals(old, new) == []
    blanked = new.assign(indicator="A", value=None, flag="missing")
    assert [r.indicator for r in removals(old, blanked)] == ["A"]
