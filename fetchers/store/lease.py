"""Leases in the database: one holder per name (a source's run, the scheduler), with an expiry."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from config.clock import TIME_FORMAT, parse_time

metadata = sa.MetaData()

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("acquired_at", sa.String(32), nullable=False),
    sa.Column("expires_at", sa.String(32), nullable=False),
)


@dataclass(frozen=True)
class Holder:
    """Who holds (or wants) a lease: a unique owner token, its host and process id."""

    owner: str
    host: str
    pid: int
    expires_at: str = ""
    expired: bool = False  # past its expiry by the database's clock

    def describe(self) -> str:
        """'host pid 123' for people."""
        return f"{self.host} pid {self.pid}"


def me() -> Holder:
    """A fresh owner token for this process."""
    return Holder(uuid.uuid4().hex, socket.gethostname(), os.getpid())


class db_time(FunctionElement):  # an SQL function, named as one
    """The database's clock in the store's time format, `seconds` ahead: every host's lease times
    come from this one clock, so two hosts with skewed clocks cannot both hold a lease."""

    type = sa.String()
    inherit_cache = True
    name = "db_time"

    def __init__(self, seconds: int = 0) -> None:
        self.seconds = int(seconds)
        super().__init__(sa.literal_column(str(self.seconds)))  # in the statement's cache key


@compiles(db_time, "sqlite")
def _db_time_sqlite(element: db_time, _compiler: SQLCompiler, **_kw) -> str:
    return f"strftime('{TIME_FORMAT}', 'now', '{element.seconds:+d} seconds')"


@compiles(db_time, "postgresql")
def _db_time_postgresql(element: db_time, _compiler: SQLCompiler, **_kw) -> str:
    # clock_timestamp(), not now(): now() is the transaction's start, SQLite's 'now' the statement's.
    moment = f"(clock_timestamp() + interval '{element.seconds} seconds') at time zone 'utc'"
    return f"""to_char({moment}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def db_now(conn: sa.Connection) -> datetime:
    """The database's current time (what lease and heartbeat expiries are compared with)."""
    return parse_time(conn.execute(sa.select(db_time())).scalar_one())


def alive(holder: Holder) -> bool:
    """Whether a holder can still be running: not expired, and its process alive if on this host."""
    if holder.expired:
        return False
    if holder.host != socket.gethostname():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a live process of another user
        return True
    return True


def acquire(engine: sa.Engine, name: str, holder: Holder, seconds: int) -> Holder | None:
    """Take or renew lease `name` for `holder`: None when held, else who holds it instead.

    Safe under concurrency on SQLite and PostgreSQL: the insert is guarded by the primary key and
    a takeover is a conditional update that only one writer can win. Each step is its own
    transaction, so a lost race never leaves a failed transaction behind. Times are the
    database's (`db_time`), never this host's.
    """
    values = {
        "owner": holder.owner,
        "host": holder.host,
        "pid": holder.pid,
        "acquired_at": db_time(),
        "expires_at": db_time(seconds),
    }
    with engine.connect() as conn:
        current = current_holder(conn, name)
    if current is None:
        try:
            with engine.begin() as conn:
                conn.execute(leases.insert().values(name=name, **values))
            return None
        except sa.exc.IntegrityError:
            with engine.connect() as conn:
                current = current_holder(conn, name)
            if current is None:  # taken and released in between: let the caller try later
                return Holder("", "another process", 0)
    if current.owner != holder.owner and alive(current):
        return current
    if current.owner == holder.owner:
        values.pop("acquired_at")
    with engine.begin() as conn:
        # Match the expiry read above too: a holder that renewed in between keeps its lease.
        taken = conn.execute(
            leases.update()
            .where(
                leases.c.name == name,
                leases.c.owner == current.owner,
                leases.c.expires_at == current.expires_at,
            )
            .values(**values)
        ).rowcount
        return None if taken == 1 else (current_holder(conn, name) or current)


def release(conn: sa.Connection, name: str, owner: str) -> None:
    """Give up lease `name` if `owner` holds it."""
    conn.execute(sa.delete(leases).where(leases.c.name == name, leases.c.owner == owner))


def current_holder(conn: sa.Connection, name: str) -> Holder | None:
    """Who holds lease `name` now (possibly expired: the database's clock says), if anyone."""
    expired = (leases.c.expires_at < db_time()).label("expired")
    row = conn.execute(
        sa.select(leases.c.owner, leases.c.host, leases.c.pid, leases.c.expires_at, expired).where(
            leases.c.name == name
        )
    ).first()
    return (
        Holder(row.owner, row.host, int(row.pid), row.expires_at, bool(row.expired))
        if row
        else None
    )
