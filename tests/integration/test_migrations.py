"""Alembic upgrades a store made by an older version in place, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fetchers.store import database
from fetchers.store.store import Store


def v01_store(url: str, with_detail: bool) -> None:
    """A store as version 0.1 made it (create_all, no version table), with one run and value.

    `with_detail` adds the run columns of the versions between 0.1 and migrations.
    """
    meta = sa.MetaData()
    extra = [sa.Column(c, sa.Text) for c in ("detail", "validators", "bodies", "notes")]
    runs = sa.Table(
        "runs", meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text), sa.Column("urls", sa.Text),
        sa.Column("sha256", sa.String(64)), sa.Column("release", sa.String(64)),
        sa.Column("rows", sa.Integer), sa.Column("added", sa.Integer),
        sa.Column("changed", sa.Integer),
        *(extra if with_detail else []),
    )  # fmt: skip
    key = [
        sa.Column(name, kind, primary_key=True, nullable=False)
        for name, kind in (
            ("source", sa.String(32)), ("indicator", sa.String(64)), ("country", sa.String(8)),
            ("partner", sa.String(8)), ("year", sa.Integer),
        )
    ]  # fmt: skip
    observations = sa.Table(
        "observations", meta, *key,
        sa.Column("value", sa.Float),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("flag", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    )  # fmt: skip
    engine = sa.create_engine(url)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(runs.insert().values(
            source="worldbank", kind="fetch", started_at="2025-01-01T00:00:00Z",
            finished_at="2025-01-01T00:01:00Z", status="ok", error="", urls="[]",
            sha256="ab" * 32, release="2024-12-16", rows=1, added=1, changed=0,
        ))  # fmt: skip
        conn.execute(observations.insert().values(
            source="worldbank", indicator="NY.GDP.MKTP.CD", country="CHN", partner="",
            year=2023, value=17.8e12, unit="current US$", flag="", run_id=1,
        ))  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("with_detail", [False, True], ids=["v0.1", "pre-migrations"])
def test_an_old_store_is_upgraded_in_place_with_its_data(database_url, with_detail):
    v01_store(database_url, with_detail)
    store = Store.open(database_url)
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("runs")}
    assert {"detail", "validators", "bodies", "notes", "owner", "heartbeat_at"} <= columns
    assert store.observations()["value"].tolist() == [17.8e12]
    assert store.last_runs()["last_ok_release"].item() == "2024-12-16"
    with store.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            == database.HEAD
        )
    store.fail_run(store.start_run("worldbank"), "a new run works on the upgraded store")
    store.close()
    reopened = Store.open(database_url)  # a second open finds nothing to do
    assert reopened.data_version() == 2
    reopened.close()


def test_the_head_a_current_store_is_checked_against_is_alembics_own(tmp_path):
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(database.MIGRATIONS)).get_current_head() == database.HEAD
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    Store.open(url)  # a new store is migrated to the head...
    engine = sa.create_engine(url)
    assert database._revision(engine) == database.HEAD  # ...and then read without Alembic
