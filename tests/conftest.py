"""Shared fixtures: settings pointing at a tmp_path SQLite store and a local HTTP server.

The store, jobs, scheduler and lock tests run twice, on SQLite and on PostgreSQL: PG_TEST_URL names
a server (`.ci/run` starts a throwaway one) and each test gets a database of its own. Without
PG_TEST_URL the PostgreSQL half is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer
from xdist.scheduler import LoadScopeScheduling

from config.catalogue import Catalogue, load_catalogue
from config.settings import Settings, load_settings
from fetchers.store.store import Store
from tests.support.wbfake import WorldBankFake


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Settings for a test: a SQLite file in tmp_path, fast retries, no .env."""
    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "HTTP_RETRIES": "1",
        "HTTP_BACKOFF": "0",
        "HTTP_TIMEOUT": "2",
        "TRADE_MIN_INTERVAL": "0.01",
        "RAW_DIR": str(tmp_path / "raw"),
        **overrides,
    }
    return load_settings(environ=environ, env_file=tmp_path / "no.env")


class BrowserTestsOnOneWorker(LoadScopeScheduling):
    """`-n N` (.ci/run): one worker runs every browser test, with one chromium and first, as they
    take longest; the other tests go one at a time to whichever worker is free."""

    def _split_scope(self, nodeid: str) -> str:
        return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> LoadScopeScheduling | None:
    # xdist's own `--dist loadgroup` cannot group here: pytest 9.2 ignores the node id it edits.
    return BrowserTestsOnOneWorker(config, log) if config.getvalue("dist") == "load" else None


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def wb(httpserver: HTTPServer) -> WorldBankFake:
    """The World Bank emulator mounted at /v2 on the local server."""
    fake = WorldBankFake()
    httpserver.expect_request(re.compile(r"^/v2/.*")).respond_with_handler(fake)
    return fake


# Test modules whose tests run on both databases (via the `database_url` fixture).
BOTH_DATABASES = frozenset(
    {
        "test_store",
        "test_jobs",
        "test_scheduler",
        "test_locks",
        "test_migrations",
        "test_health",
        "test_vintage",
        "test_notify",
        "test_feeds",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "database_url" in metafunc.fixturenames and module in BOTH_DATABASES:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[sa.Engine]:
    """An AUTOCOMMIT engine on the PG_TEST_URL server, for creating test databases."""
    url = os.environ.get("PG_TEST_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("PG_TEST_URL is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("PG_TEST_URL not set: no PostgreSQL server for this test")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL: a SQLite file in tmp_path or a new PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"am_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield server.url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer, database_url: str) -> Settings:
    return make_settings(
        tmp_path, DATABASE_URL=database_url, WORLDBANK_API_URL=httpserver.url_for("/v2")
    )


def open_store(settings: Settings) -> Store:
    """The store as the application opens it, with the settings' lease and removal limits."""
    return Store.open(
        settings.database_url,
        lease_seconds=settings.scheduler_lease_seconds,
        max_removed_share=settings.max_removed_share,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    opened = open_store(settings)
    yield opened
    opened.close()
