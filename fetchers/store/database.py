"""Opening the store's database: parse the URL, connect, check the file, migrate the schema."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from config.setting_values import DEFAULT_SQLITE, redact
from fetchers.store.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision: a store at it needs no Alembic run. A new migration changes
# it (tests/integration/test_migrations.py holds it to Alembic's own head).
HEAD = "0005"


def connect(database_url: str) -> tuple[Engine, bool]:
    """An engine on an up-to-date schema, and whether it is read-only (SQLite only).

    Every failure is one StoreError line without the password or SQL; a SQLite file that cannot
    be written is opened read-only.
    """
    return _connect(_normalise(database_url))


def reason(exc: BaseException) -> str:
    """The database's own first line about a failure, without the SQL SQLAlchemy adds."""
    orig = getattr(exc, "orig", None) or exc
    lines = redact(str(orig)).strip().splitlines()  # a driver may quote its connection string
    return f"{type(orig).__name__}: {lines[0]}" if lines else type(orig).__name__


def _normalise(database_url: str) -> sa.URL:
    """Parse the URL; a bare postgresql:// means the psycopg (3) driver."""
    try:
        url = make_url(database_url)
    except sa.exc.ArgumentError as exc:
        raise StoreError("DATABASE_URL is not a database URL") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _connect(url: sa.URL) -> tuple[Engine, bool]:
    """An engine on an up-to-date schema, and whether it is read-only (SQLite only)."""
    shown = url.render_as_string(hide_password=True)
    sqlite = url.get_backend_name() == "sqlite"
    path = (
        Path(url.database).expanduser()
        if sqlite and url.database not in (None, "", ":memory:")
        else None
    )
    read_only = False
    if path is not None:
        _ensure_folder(path)
        folder_writable = os.access(path.parent, os.W_OK)
        read_only = path.exists() and not (os.access(path, os.W_OK) and folder_writable)
        if read_only:
            # WAL needs its -shm file beside the store: where none can be made (a read-only file
            # system), nobody can be writing either, so the file is read as immutable.
            mode = "mode=ro" if folder_writable else "mode=ro&immutable=1"
            url = make_url(f"sqlite:///file:{path}?{mode}&uri=true")
    try:
        engine = sa.create_engine(url)
    except ImportError as exc:
        raise StoreError(
            "PostgreSQL needs the psycopg driver: pip install 'psycopg[binary]'"
            if url.get_backend_name() == "postgresql"
            else f"the database driver for {url.drivername} is not installed"
        ) from exc
    if sqlite:
        sa.event.listen(engine, "connect", _sqlite_pragmas_ro if read_only else _sqlite_pragmas)
    name = path.name if path is not None else shown
    try:
        if sqlite:
            _check_sqlite(engine, name)
        if read_only:
            _check_current(engine, name)
        else:
            _migrate(engine)
    except sa.exc.DatabaseError as exc:
        if sqlite and ("not a database" in str(exc.orig) or "malformed" in str(exc.orig)):
            raise StoreError(_damaged(name, str(exc.orig).splitlines()[0])) from exc
        raise StoreError(f"cannot open the store {name}: {reason(exc)}") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store {name}: {reason(exc)}") from exc
    return engine, read_only


def _ensure_folder(path: Path) -> None:
    """Create the default store's data/ folder; any other folder must exist already (a typo in
    DATABASE_URL must not scatter new folders over the disk)."""
    if path.parent.is_dir():
        return
    if path.parent.resolve() != DEFAULT_SQLITE.parent.resolve():
        raise StoreError(
            f"the folder of the store file {path.name} does not exist: create it, or correct "
            "DATABASE_URL (only the default data/ folder is created)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder of the store file {path.name}: {exc.strerror}"
        ) from exc


def _damaged(name: str, detail: str) -> str:
    return f"the store file {name} is damaged ({detail}): restore it from a backup or delete it to start again"


def _check_sqlite(engine: Engine, name: str) -> None:
    """PRAGMA quick_check: a damaged file is one clear line, not a traceback later."""
    with engine.connect() as conn:
        problems = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
    if problems != ["ok"]:
        lines = [x for p in problems for x in str(p).splitlines() if not x.startswith("***")]
        more = f" and {len(lines) - 1} more problems" if len(lines) > 1 else ""
        raise StoreError(_damaged(name, (lines[0] if lines else "no answer") + more))


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic says two lines at INFO on every start; our own log line says what changed."""
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_log.setLevel(level)


def _alembic(conn: sa.Connection) -> Config:
    """An Alembic config that migrates over `conn`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def _migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision, one process at a time.

    A store made before migrations existed (tables, no version table) is stamped with the first
    revision, then upgraded. A store at HEAD is left alone without loading Alembic (a third of
    a second at every start of the page and the command line).
    """
    if _revision(engine) == HEAD:
        return
    with _quiet_alembic():  # importing Alembic logs its plugins at INFO
        from alembic import command
        from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock: other openers wait here
        else:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7205761234)"))
        tables = set(sa.inspect(conn).get_table_names())
        with _quiet_alembic():
            before = MigrationContext.configure(conn).get_current_revision()
            config = _alembic(conn)
            if "runs" in tables and "alembic_version" not in tables:
                command.stamp(config, "0001")
            command.upgrade(config, "head")
            after = MigrationContext.configure(conn).get_current_revision()
        conn.commit()
    if after != before:
        log.info("store schema upgraded from %s to %s", before or "nothing", after)


def _revision(engine: Engine) -> str | None:
    """The store's schema revision, read without Alembic (None: no version table yet)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    return rows[0][0] if len(rows) == 1 else None


def _check_current(engine: Engine, name: str) -> None:
    """A read-only store must already have this version's schema."""
    current = _revision(engine)
    if current != HEAD:
        raise StoreError(
            f"the store {name} is read-only and was made by another version "
            f"(schema {current or 'unversioned'}, this version needs {HEAD})"
        )


def _sqlite_pragmas_ro(dbapi_connection, _record) -> None:
    """A read-only store: no journal changes, no writes."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the dashboard read while a refresh writes; wait rather than fail on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
