"""The freshness policy and its words: snapshot, live, failed, running, interrupted, partial."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from config.settings import load_settings
from fetchers.store.status import (
    data_origin,
    header_line,
    is_overdue,
    overdue,
    plain_reason,
    release_date,
    source_statuses,
)

NOW = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
TODAY = NOW.date()
SECRET = "Traceback (most recent call last): <html>SELECT * FROM runs</html>"


def run(source: str, status: str = "ok", kind: str = "fetch", **fields: object) -> dict:
    """One row of `Store.last_runs()`: the latest run, and its source's last good run."""
    good = status in ("ok", "partial", "unchanged")
    row = {
        "source": source,
        "kind": kind,
        "status": status,
        "started_at": "2026-11-29T13:34:00Z",
        "finished_at": None if status == "running" else "2026-11-29T13:35:00Z",
        "error": "",
        "detail": SECRET,
        "last_ok_at": "2026-11-29T13:35:00Z" if good else None,
        "last_ok_release": "2026-07-01" if good else None,
        "last_ok_kind": kind if good else None,
    }
    return {**row, **fields}


def statuses(*rows: dict) -> list:
    settings = load_settings(environ={}, env_file=Path("/nonexistent/.env"))
    return source_statuses(pd.DataFrame(rows), settings, now=NOW)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


SNAPSHOT_WB = {
    "last_ok_at": "2026-11-29T13:00:00Z",
    "last_ok_release": "2026-07-01",
    "last_ok_kind": "snapshot",
}
SNAPSHOT_SIPRI = {**SNAPSHOT_WB, "last_ok_release": "2025 edition (data to 2024)"}


def test_snapshot_only_is_one_calm_sentence(catalogue):
    shown = statuses(
        run("sipri", kind="snapshot", **SNAPSHOT_SIPRI),
        run("worldbank", kind="snapshot", **SNAPSHOT_WB),
    )
    assert header_line(shown, catalogue, TODAY) == (
        "Showing the bundled snapshot (SIPRI Milex 2025 edition (data to 2024), "
        "World Bank WDI release 2026-07-01); live refresh: not tried yet"
    )  # fmt: skip
    assert [data_origin(shown, s) for s in ("worldbank", "sipri", "trade")] == [
        "snapshot",
        "snapshot",
        "none",
    ]
    assert all(not s.stale for s in shown)
    assert shown[1].line() == (
        "worldbank: showing the bundled snapshot, release 2026-07-01 (loaded 2026-11-29 13:35 UTC);"
        " never fetched successfully from the source yet"
    )


def test_failed_live_refresh_over_the_snapshot_says_why_and_when(catalogue):
    error = "worldbank: request failed: connection refused (http://127.0.0.1:9/v2/country/CHN)"
    shown = statuses(
        run("sipri", kind="snapshot", **SNAPSHOT_SIPRI),
        run("trade", "failed", error="trade: cannot reach comtradeapi.un.org — no network?",
            finished_at="2026-11-29T13:30:00Z"),
        run("worldbank", "failed", error=error, detail=SECRET, **SNAPSHOT_WB),
    )  # fmt: skip
    line = header_line(shown, catalogue, TODAY)
    assert line == (
        "Showing the bundled snapshot (SIPRI Milex 2025 edition (data to 2024), "
        "World Bank WDI release 2026-07-01); live refresh: World Bank WDI (request failed: "
        "connection refused), UN Comtrade (cannot reach comtradeapi.un.org — no network?), "
        "next try 14:00 UTC"
    )
    worldbank = shown[2].line()
    assert (
        "worldbank: last run failed at 2026-11-29 13:35 UTC (request failed: connection"
        in worldbank
    )
    assert "next attempt around 2026-11-29 14:05 UTC" in worldbank
    assert "never fetched successfully from the source: showing the bundled snapshot" in worldbank
    assert shown[1].line().endswith("never fetched successfully")
    for text in [line, *(s.line() for s in shown)]:
        assert "127.0.0.1:9" not in text and "http" not in text and "SELECT" not in text


def test_live_sources_name_release_and_fetch_time(catalogue):
    shown = statuses(
        run("sipri", "unchanged", last_ok_release="2025 edition (data to 2024)"),
        run("worldbank", "partial", error="refused by the source, kept as before: SP.POP.TOTL"),
    )
    assert header_line(shown, catalogue, TODAY) == (
        "SIPRI Milex 2025 edition (data to 2024) fetched 2026-11-29 13:35 UTC · "
        "World Bank WDI release 2026-07-01 fetched 2026-11-29 13:35 UTC · "
        "World Bank WDI: refused by the source, kept as before: SP.POP.TOTL"
    )
    assert data_origin(shown, "worldbank") == "live"
    assert (
        shown[1]
        .line()
        .startswith("worldbank: last run partial at 2026-11-29 13:35 UTC (refused by the source")
    )
    assert "data fetched 2026-11-29 13:35 UTC (0.4 h ago), release 2026-07-01" in shown[1].line()


def test_running_and_interrupted_runs(catalogue):
    shown = statuses(
        run("sipri", "interrupted", error="the process stopped during the run",
            last_ok_at="2026-11-10T10:00:00Z", last_ok_release="2025 edition (data to 2024)",
            last_ok_kind="fetch"),
        run("worldbank", "running", kind="fetch"),
    )  # fmt: skip
    assert shown[1].line() == (
        "worldbank: a run is under way since 2026-11-29 13:34 UTC; never fetched successfully"
    )
    assert "(the process stopped during the run); next attempt around" in shown[0].line()
    assert ", STALE)" in shown[0].line()  # 460 h old, past twice SIPRI's 168 h
    line = header_line(shown, catalogue, TODAY)
    assert "SIPRI Milex 2025 edition (data to 2024) fetched 2026-11-10 10:00 UTC (stale)" in line
    assert "World Bank WDI: no data yet" in line
    assert line.endswith(
        "; live refresh: SIPRI Milex (the process stopped during the run), next try 14:05 UTC"
    )


def test_the_header_names_every_failing_source_with_its_reason_shortened(catalogue):
    long = "the source answered with a page that is not the expected workbook " * 4
    shown = statuses(
        run("sipri", "failed", error=long, finished_at="2026-11-29T13:10:00Z"),
        run("worldbank", "failed", error="HTTP 503 from the source"),
    )  # fmt: skip
    refresh = header_line(shown, catalogue, TODAY).split("; live refresh: ")[1]
    assert refresh == (
        "World Bank WDI (HTTP 503 from the source), "  # the latest first
        "SIPRI Milex (the source answered with a page that is not the expected…), "
        "next try 13:40 UTC"  # the soonest
    )


def test_three_failing_sources_are_all_named_and_their_reasons_left_to_details(catalogue):
    shown = statuses(
        run("sipri", "failed", error="cannot reach www.sipri.org — no network?",
            finished_at="2026-11-29T13:10:00Z"),
        run("trade", "interrupted", error="the process stopped during the run",
            finished_at="2026-11-29T13:20:00Z"),
        run("worldbank", "failed", error="cannot reach api.worldbank.org — no network?"),
    )  # fmt: skip
    refresh = header_line(shown, catalogue, TODAY).split("; live refresh: ")[1]
    assert refresh == (
        "World Bank WDI, UN Comtrade, SIPRI Milex failed (reasons under details), "
        "next try 13:40 UTC"
    )


def test_running_refresh_over_the_snapshot(catalogue):
    shown = statuses(run("worldbank", "running", **SNAPSHOT_WB))
    assert header_line(shown, catalogue, TODAY) == (
        "Showing the bundled snapshot (World Bank WDI release 2026-07-01); live refresh: running"
    )


def test_an_empty_store_says_so(catalogue):
    assert header_line([], catalogue, TODAY) == (
        "No data stored yet; the first live fetch starts with the app."
    )


def test_plain_reason_drops_urls_and_long_text():
    assert plain_reason("sipri: HTTP 404 (https://www.sipri.org/x.xlsx)", "sipri") == "HTTP 404"
    assert plain_reason("bad file file:///home/me/x.json here") == "bad file the source here"
    raw = (
        "worldbank: request failed: connection refused [HTTPConnectionPool(host='127.0.0.1', "
        "port=9): Max retries exceeded with url: /v2/x (Caused by …] (http://127.0.0.1:9/v2/x)"
    )
    assert plain_reason(raw, "worldbank") == "request failed: connection refused"
    assert (
        plain_reason("db at 10.0.0.5:5432 down, retry 14:05")
        == "db at the source down, retry 14:05"
    )
    long = plain_reason("x" * 500)
    assert len(long) == 160 and long.endswith("…")


def test_a_partial_run_names_the_refused_indicators():
    runs = pd.DataFrame(
        [
            {
                "source": "worldbank",
                "status": "partial",
                "kind": "fetch",
                "started_at": "2026-11-29T08:00:00Z",
                "finished_at": "2026-11-29T08:01:00Z",
                "error": "refused by the source, kept as before: NE.TRD.GNFS.ZS",
                "last_ok_at": "2026-11-29T08:01:00Z",
                "last_ok_release": "2026-07-01",
                "last_ok_kind": "fetch",
            }
        ]
    )
    settings = load_settings(environ={}, env_file=Path("/nonexistent/.env"))
    (status,) = source_statuses(runs, settings)
    assert "NE.TRD.GNFS.ZS" in status.line()
    assert "NE.TRD.GNFS.ZS" in header_line([status], load_catalogue(), TODAY)


def test_release_dates_of_each_source():
    assert release_date("2026-07-01") == date(2026, 7, 1)  # World Bank lastupdated
    assert release_date("2026-10-15") == date(2026, 10, 15)  # Comtrade's newest lastUpdated
    assert release_date("2025 edition (data to 2024)") == date(2025, 4, 30)  # SIPRI, each April
    assert release_date("") is None and release_date("2026-13-45") is None


def test_overdue_after_twice_the_cadence():
    assert not overdue(date(2026, 1, 1), 120, date(2026, 8, 29))  # 240 days
    assert overdue(date(2026, 1, 1), 120, date(2026, 8, 30))  # 241 days


def test_header_says_which_release_is_overdue(catalogue):
    shown = statuses(
        run("sipri", last_ok_release="2024 edition (data to 2023)"),  # 2024-04-30: 943 days
        run("trade", last_ok_release="2026-10-01"),  # 59 days: within 2 × 31
        run("worldbank", last_ok_release="2026-03-01"),  # 273 days: past 2 × 120
    )
    assert [is_overdue(s, catalogue, TODAY) for s in shown] == [True, False, True]
    line = header_line(shown, catalogue, TODAY)
    assert "SIPRI Milex release overdue (expected every 365 days)" in line
    assert "World Bank WDI release overdue (expected every 120 days)" in line
    assert "UN Comtrade release overdue" not in line
    assert not is_overdue(statuses(run("trade", last_ok_release="2026-09-01"))[0], catalogue,
                          date(2026, 11, 2))  # fmt: skip
    assert is_overdue(statuses(run("trade", last_ok_release="2026-09-01"))[0], catalogue, TODAY)


def test_an_old_bundled_snapshot_is_not_called_overdue(catalogue):
    old = {**SNAPSHOT_WB, "last_ok_release": "2020-01-01"}
    shown = statuses(run("worldbank", kind="snapshot", **old))
    assert not is_overdue(shown[0], catalogue, TODAY)
    assert "overdue" not in header_line(shown, catalogue, TODAY)
