"""The two command lines as a user runs them: exit codes, summaries and the CSV export."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def cli(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `python -m module args` from the project root with `env` added."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def env_for(tmp_path: Path, api: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "WORLDBANK_API_URL": api,
        "HTTP_RETRIES": "0",
        "HTTP_TIMEOUT": "5",
        "SNAPSHOT": "off",  # these tests start from an empty store
        "RAW_DIR": "",  # keep no raw bodies (they would land in the project's data/raw)
    }


def test_run_status_and_export(tmp_path, httpserver, wb, catalogue):
    env = env_for(tmp_path, httpserver.url_for("/v2"))
    run = cli("fetchers", "run", "--source", "worldbank", env=env)
    assert run.returncode == 0, run.stderr
    assert "worldbank: ok," in run.stdout
    assert "release 2099-01-15" in run.stdout

    status = cli("fetchers", "status", env=env)
    assert status.returncode == 0
    assert "worldbank: last run ok" in status.stdout

    out = tmp_path / "gdp.csv"
    export = cli(
        "dashboard", "export", "--format", "csv", "--out", str(out),
        "--indicator", "NY.GDP.MKTP.CD", "--countries", "CHN,RUS", env=env,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    frame = pd.read_csv(out)
    assert list(frame.columns[:7]) == [
        "source",
        "indicator",
        "country",
        "year",
        "value",
        "unit",
        "flag",
    ]
    assert set(frame["country"]) == {"CHN", "RUS"}
    assert set(frame["source_release"]) == {"2099-01-15"}
    for row in frame.to_dict("records"):
        assert row["value"] == wb.value(row["indicator"], row["country"], row["year"])
    expected = sum(
        wb.value("NY.GDP.MKTP.CD", c, y) is not None for c in ("CHN", "RUS") for y in wb.years
    )
    assert len(frame) == expected


def test_export_to_stdout_matches_file(tmp_path, httpserver, wb):
    env = env_for(tmp_path, httpserver.url_for("/v2"))
    assert cli("fetchers", "run", "--source", "worldbank", env=env).returncode == 0
    out = cli("dashboard", "export", "--out", "-", "--indicator", "SP.POP.TOTL", env=env)
    assert out.returncode == 0
    assert len(pd.read_csv(io.StringIO(out.stdout))) > 0


def test_failed_run_exits_1_with_reason(tmp_path):
    env = env_for(tmp_path, "http://127.0.0.1:9/v2")
    run = cli("fetchers", "run", env=env)
    assert run.returncode == 1
    assert "worldbank: FAILED" in run.stdout
    assert "connection refused" in run.stdout
    status = cli("fetchers", "status", env=env)
    assert "never fetched successfully" in status.stdout


def test_export_rejects_bad_input(tmp_path):
    env = env_for(tmp_path, "http://127.0.0.1:9/v2")
    unknown = cli(
        "dashboard", "export", "--out", str(tmp_path / "x.csv"), "--indicator", "NOPE", env=env
    )
    assert unknown.returncode == 2
    assert "unknown indicator(s) NOPE" in unknown.stderr
    empty = cli("dashboard", "export", "--out", str(tmp_path / "x.csv"), env=env)
    assert empty.returncode == 1
    assert "selection is empty" in empty.stderr


def test_bad_setting_names_itself(tmp_path):
    env = {**env_for(tmp_path, "http://127.0.0.1:9/v2"), "PORT": "eighty"}
    result = cli("fetchers", "status", env=env)
    assert result.returncode == 2
    assert "PORT='eighty': expected a whole number from 1 to 65535" in result.stderr


def test_verify_exits_1_naming_a_value_that_changed(tmp_path, httpserver, wb):
    env = {**env_for(tmp_path, httpserver.url_for("/v2")), "RAW_DIR": str(tmp_path / "raw")}
    assert cli("fetchers", "run", "--source", "worldbank", env=env).returncode == 0
    clean = cli("fetchers", "verify", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip().splitlines()[-1].endswith("all match")
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        conn.execute("UPDATE observations SET value = 0.5 WHERE indicator = 'SP.POP.TOTL' "
                     "AND country = 'RUS' AND year = 2000")  # fmt: skip
    rotten = cli("fetchers", "verify", env=env)
    assert rotten.returncode == 1
    assert "MISMATCH run 1 (worldbank): SP.POP.TOTL RUS 2000 is stored as 0.5" in rotten.stdout
    assert "1 MISMATCHES" in rotten.stdout
