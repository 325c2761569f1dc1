"""Shared fixtures: settings pointing at a tmp_path SQLite store and a local HTTP server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from config.catalogue import Catalogue, load_catalogue
from config.settings import Settings, load_settings
from fetchers.store import Store
from tests.support.wbfake import WorldBankFake


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Settings for a test: a SQLite file in tmp_path, fast retries, no .env."""
    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "HTTP_RETRIES": "1",
        "HTTP_BACKOFF": "0",
        "HTTP_TIMEOUT": "2",
        **overrides,
    }
    return load_settings(environ=environ, env_file=tmp_path / "no.env")


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def wb(httpserver: HTTPServer) -> WorldBankFake:
    """The World Bank emulator mounted at /v2 on the local server."""
    fake = WorldBankFake()
    httpserver.expect_request(re.compile(r"^/v2/.*")).respond_with_handler(fake)
    return fake


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    return make_settings(tmp_path, WORLDBANK_API_URL=httpserver.url_for("/v2"))


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store.open(settings.database_url)
