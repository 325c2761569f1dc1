"""`python -m fetchers run` as cron sees it: partial runs exit 3, a backfill reports each year."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.integration.test_cli import cli, env_for
from tests.support.comtradefake import ComtradeFake


def test_partial_run_exits_3_and_names_the_refused(tmp_path, httpserver, wb):
    wb.unknown.add("MS.MIL.XPND.CD")
    env = {**env_for(tmp_path, httpserver.url_for("/v2")), "RAW_DIR": ""}
    run = cli("fetchers", "run", "--source", "worldbank", env=env)
    assert run.returncode == 3, run.stderr
    assert "worldbank: partial," in run.stdout
    assert "refused by the source, kept as before: MS.MIL.XPND.CD" in run.stdout
    status = cli("fetchers", "status", env=env)
    assert "worldbank: last run partial" in status.stdout


def test_backfill_prints_a_line_per_year(tmp_path, httpserver):
    fake = ComtradeFake()
    httpserver.expect_request("/v1/preview/C/A/HS").respond_with_handler(fake)
    env = {
        **env_for(tmp_path, "http://127.0.0.1:9/v2"),
        "TRADE_API_URL": httpserver.url_for("/v1"),
        "TRADE_MIN_INTERVAL": "0",
        "RAW_DIR": "",
    }
    run = cli("fetchers", "run", "--source", "trade", "--full", env=env)
    assert run.returncode == 0, run.stderr
    years = datetime.now(UTC).year - 1 - 1992 + 1
    assert f"trade: 1992 (1 of {years})" in run.stderr
    assert f"trade: {1992 + years - 1} ({years} of {years})" in run.stderr
    assert "trade: ok," in run.stdout
