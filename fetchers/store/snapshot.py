"""One immutable snapshot of the whole store per data version, read in one consistent pass."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import sqlalchemy as sa

from config.vocabulary import TRY_AGAIN
from fetchers.store import lease, reading
from fetchers.store.errors import StoreError

if TYPE_CHECKING:
    from fetchers.store.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")
READ_ATTEMPTS = 5  # a read that a commit overtook is read again; five in a row means a busy store
DERIVED_KEPT = 256  # results derived from one snapshot (rendered views, analyses) kept with it
VERSIONS_KEPT = 3  # snapshots kept after a newer one: pages drawn from them still get their rows


@dataclass(frozen=True, eq=False)
class StoreSnapshot:
    """Everything a reader may show, at one data version: observations, runs, metadata, history.

    The frames are shared by every reader: never change them. `derive` keeps what is computed
    from the snapshot (a rendered view, an analysis) with it, so it lives and dies with its version.
    """

    version: int
    observations: pd.DataFrame  # the tidy frame with `run_id`, in key order, text as categories
    runs: pd.DataFrame  # every run, oldest first (reading.runs_frame)
    meta: pd.DataFrame  # what each source says of its indicators, with its run's release
    history: pd.DataFrame  # every revised value
    read_at: datetime
    clock_offset: timedelta = timedelta(0)  # the database's clock minus this host's, at the read
    _derived: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False)
    _by_indicator: dict = field(default_factory=dict, repr=False)

    def derive(self, key: Hashable, build: Callable[[], T]) -> T:
        """What `build` computes from this snapshot, computed once per key (a small LRU)."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = build()  # outside the lock: two threads may build one key; both are equal
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > DERIVED_KEPT:
                self._derived.popitem(last=False)
        return value

    def rows(
        self, indicators: list[str] | None = None, countries: list[str] | None = None
    ) -> pd.DataFrame:
        """Observations of some indicators and countries (all when None), in key order, as a
        plain tidy frame of the reader's own."""
        frame = self.observations
        if indicators is not None:
            parts = [self._indicator(i) for i in indicators]
            frame = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
        if countries is not None:
            frame = frame[frame["country"].isin(countries)]
        return reading.plain(frame.reset_index(drop=True))

    def latest(self) -> str:
        """The moment of this snapshot's data: its newest finished run ('' for an empty store)."""
        done = self.runs.loc[self.runs["finished_at"] != "", "finished_at"]
        return str(done.max()) if not done.empty else ""

    def last_runs(self, lease_seconds: int, now: datetime | None = None) -> pd.DataFrame:
        """Per source: its latest run and its last success, as `Store.last_runs` gives them; a
        run's heartbeat is compared with the database's clock (which wrote it), not this host's."""
        now = now or datetime.now(UTC) + self.clock_offset
        return reading.last_runs(self.runs, lease_seconds, now)

    def _indicator(self, indicator: str) -> pd.DataFrame:
        """One indicator's rows, split out once: a view's read is a few small concatenations."""
        if not self._by_indicator:
            with self._lock:
                if not self._by_indicator:
                    groups = self.observations.groupby("indicator", observed=True, sort=False)
                    groups = dict(tuple(groups))
                    self._by_indicator.update(groups)
        found = self._by_indicator.get(indicator)
        return self.observations.iloc[0:0] if found is None else found


def read(store: Store) -> StoreSnapshot:
    """The store at one version: every table read in one transaction (repeatable read on
    PostgreSQL), and the version checked before and after, so a commit in between is read again."""
    engine = store.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    for _ in range(READ_ATTEMPTS):
        with engine.connect().execution_options(**options) as conn, conn.begin():
            before = reading.version(conn)
            snapshot = StoreSnapshot(
                version=before,
                observations=reading.observations_compact(conn),
                runs=reading.runs_frame(conn),
                meta=reading.indicator_meta_frame(conn),
                history=reading.history_frame(conn),
                read_at=datetime.now(UTC),
                clock_offset=lease.db_now(conn) - datetime.now(UTC),
            )
            if reading.version(conn) == before:
                return snapshot
    raise StoreError(f"the store changed during {READ_ATTEMPTS} reads in a row; {TRY_AGAIN}")


class Snapshots:
    """The current snapshot of a store, read again only when the data version moves.

    If the store stops answering, the last snapshot is served and `unreachable` says so.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.unreachable = False
        self._kept: OrderedDict[int, StoreSnapshot] = OrderedDict()
        self._lock = threading.Lock()

    def current(self) -> StoreSnapshot:
        """The snapshot at the store's data version now (one cheap query when it has not moved)."""
        try:
            version = self.store.data_version()
        except (StoreError, sa.exc.SQLAlchemyError) as exc:
            return self._stale(exc)
        latest = self.latest()
        if latest is not None and latest.version == version:
            self.unreachable = False
            return latest
        with self._lock:  # one reader reads a new version; the others wait for it
            latest = self.latest()
            if latest is None or latest.version < version:
                try:
                    latest = read(self.store)
                except (StoreError, sa.exc.SQLAlchemyError) as exc:
                    return self._stale(exc)
                self._kept[latest.version] = latest
                while len(self._kept) > VERSIONS_KEPT + 1:
                    self._kept.popitem(last=False)
        self.unreachable = False
        return latest

    def at(self, version: object) -> StoreSnapshot:
        """The snapshot of `version` if still kept (a page drawn from it), else the current one."""
        found = self._kept.get(version) if isinstance(version, int) else None
        return found if found is not None else self.current()

    def latest(self) -> StoreSnapshot | None:
        """The newest snapshot read, if any (without asking the store)."""
        with_versions = list(self._kept.values())
        return with_versions[-1] if with_versions else None

    def _stale(self, exc: BaseException) -> StoreSnapshot:
        latest = self.latest()
        if latest is None:
            raise StoreError("the store did not answer and no data has been read yet") from exc
        if not self.unreachable:
            log.warning(
                "the store did not answer; serving data version %s: %s", latest.version, exc
            )
        self.unreachable = True
        return latest
