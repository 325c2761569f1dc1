"""Opening the store from DATABASE_URL: no password echoed, no folder made where none was meant."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings, redact
from fetchers.store import database
from fetchers.store.errors import StoreError

PASSWORD = "S3cretPW"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg//am:{PASSWORD}@db/am",  # the "://" lost: not a URL at all
        f"am:{PASSWORD}@db/am",
        f"postgresql+psycopg:/am:{PASSWORD}@db/am",
    ],
)
def test_a_bad_database_url_is_never_echoed_with_its_password(tmp_path, url):
    with pytest.raises((SettingsError, StoreError)) as info:
        settings = load_settings(environ={"DATABASE_URL": url}, env_file=tmp_path / "none")
        database.connect(settings.database_url)
    assert PASSWORD not in str(info.value)
    assert "DATABASE_URL" in str(info.value) or "store" in str(info.value)


def test_an_unreachable_database_is_one_line_without_the_password():
    with pytest.raises(StoreError) as info:
        database.connect(f"postgresql+psycopg://am:{PASSWORD}@127.0.0.1:9/am?connect_timeout=2")
    message = str(info.value)
    assert PASSWORD not in message and "\n" not in message
    assert message.startswith("cannot open the store postgresql+psycopg://am:***@127.0.0.1:9/am")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://am:p@ss@db/am", "postgresql://***@db/am"),
        ("redis://:pw@cache:6379", "redis://***@cache:6379"),
        (
            "postgresql://db/am?password=pw&sslmode=require",
            "postgresql://db/am?password=***&sslmode=require",
        ),
        ("sqlite:///data/am.sqlite3", "sqlite:///data/am.sqlite3"),
    ],
)
def test_redact_hides_credentials_wherever_they_sit(text, shown):
    assert redact(text) == shown


def test_a_sqlite_folder_that_does_not_exist_is_refused_not_created(tmp_path):
    missing = tmp_path / "no-such-folder" / "store.sqlite3"
    with pytest.raises(StoreError) as info:
        database.connect(f"sqlite:///{missing}")
    assert "does not exist" in str(info.value) and "DATABASE_URL" in str(info.value)
    assert not missing.parent.exists()


def test_an_existing_folder_gets_its_store_file(tmp_path):
    engine, read_only = database.connect(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    engine.dispose()
    assert (tmp_path / "store.sqlite3").exists() and not read_only
