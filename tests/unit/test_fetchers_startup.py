"""`python -m fetchers` imports what a command uses: `--help` and `status` load no source, no HTTP
client and no scheduler library (lazy imports in fetchers/__main__, jobs, scheduler, sources)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fetchers.sources import sipri, trade, worldbank
from fetchers.sources.registry import NAMES, SOURCES, fetcher

ROOT = Path(__file__).resolve().parents[2]
SOURCE_MODULES = (
    "fetchers.sources.sipri",
    "fetchers.sources.worldbank",
    "fetchers.sources.trade",
    "fetchers.sources.offline",
)
NETWORK = ("fetchers.sources.http", "requests", "urllib3")
SCHEDULER = ("apscheduler",)
WORKBOOK = ("openpyxl",)
STORE = ("pandas", "numpy", "sqlalchemy", "alembic")

# Runs `python -m fetchers ARGS` in this interpreter, then reports the exit code and the modules
# it imported as one JSON line (the CLI's own output goes before it).
CLI_PROBE = """
import json, runpy, sys
sys.argv = ["fetchers", *sys.argv[1:]]
try:
    runpy.run_module("fetchers", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
IMPORT_PROBE = (
    "import json, sys, {0}; print(json.dumps({{'code': 0, 'modules': sorted(sys.modules)}}))"
)


def probe(tmp_path: Path, code: str, *args: str) -> tuple[int, set[str], str]:
    """Run `code` in a fresh interpreter on a store in tmp_path: the command's exit code, every
    module it imported, and what it printed before the probe's line."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.sqlite3'}",
        "RAW_DIR": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    *shown, last = done.stdout.strip().splitlines()
    report = json.loads(last)
    return report["code"], set(report["modules"]), "\n".join(shown)


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of `names` (packages or modules) were imported."""
    return sorted(n for n in names if n in modules)


def test_help_imports_neither_the_store_nor_a_source(tmp_path):
    code, modules, shown = probe(tmp_path, CLI_PROBE, "--help")
    assert code == 0
    assert "status" in shown and "snapshot" in shown
    assert loaded(modules, STORE + SOURCE_MODULES + NETWORK + SCHEDULER + WORKBOOK) == []


def test_run_help_lists_the_sources_without_importing_them(tmp_path):
    code, modules, shown = probe(tmp_path, CLI_PROBE, "run", "--help")
    assert code == 0
    assert "{sipri,trade,worldbank}" in shown
    assert loaded(modules, SOURCE_MODULES + NETWORK + WORKBOOK) == []


def test_status_opens_the_store_but_no_source_http_client_or_scheduler(tmp_path):
    # The first status on an empty store also loads the bundled snapshot: still no source module.
    code, modules, shown = probe(tmp_path, CLI_PROBE, "status")
    assert code == 0
    assert "scheduler: none active" in shown
    assert loaded(modules, ("sqlalchemy", "fetchers.store.store", "fetchers.store.status")) == [
        "fetchers.store.status",
        "fetchers.store.store",
        "sqlalchemy",
    ]
    assert loaded(modules, SOURCE_MODULES + NETWORK + SCHEDULER + WORKBOOK) == []


@pytest.mark.parametrize(
    "module", ["fetchers.jobs.refresh", "fetchers.jobs.scheduler", "fetchers.sources.registry"]
)
def test_importing_the_jobs_loads_no_heavy_library(tmp_path, module):
    _, modules, _ = probe(tmp_path, IMPORT_PROBE.format(module))
    assert module in modules
    assert loaded(modules, STORE + SOURCE_MODULES + NETWORK + SCHEDULER + WORKBOOK) == []


def test_the_registry_still_maps_each_name_to_its_fetch_function():
    assert list(SOURCES) == list(NAMES) == ["worldbank", "sipri", "trade"]
    assert len(SOURCES) == 3 and "sipri" in SOURCES and "nope" not in SOURCES
    assert SOURCES["worldbank"] is worldbank.fetch
    assert SOURCES["sipri"] is sipri.fetch
    assert SOURCES["trade"] is trade.fetch
    assert dict(SOURCES) == {n: fetcher(n) for n in NAMES}
    assert SOURCES.get("nope") is None
    with pytest.raises(KeyError):
        fetcher("nope")


def test_a_store_at_the_newest_schema_opens_without_alembic_and_a_new_one_quietly(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'quiet.sqlite3'}", "RAW_DIR": ""}
    first = subprocess.run([sys.executable, "-m", "fetchers", "status"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "alembic" not in first.stderr.lower()  # migrated, without Alembic's INFO lines
    second = subprocess.run(
        [sys.executable, "-c", CLI_PROBE, "status"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "alembic" not in json.loads(second.stdout.strip().splitlines()[-1])["modules"]
