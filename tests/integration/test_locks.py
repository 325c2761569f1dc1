"""One writer per source and one scheduler per store, across processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from fetchers.store import lease, snapshot
from fetchers.store.errors import RunLocked
from fetchers.store.lease import Holder, acquire
from fetchers.store.store import Store
from tests.integration.test_store import result
from tests.support.wait import until

ROOT = Path(__file__).resolve().parents[2]

# A child process: open the store, refresh one source from a synthetic result, say how it went.
WRITER = """
import sys
from fetchers.store.errors import RunLocked
from fetchers.store.store import Store
from tests.integration.test_store import result
store = Store.open(sys.argv[1])
try:
    run = store.start_run("worldbank")
except RunLocked as exc:
    print("locked:", exc)
else:
    store.write_run(run, result({y: float(y) for y in range(1960, 2025)}))
    print("wrote", run)
"""

# A child process that starts a run and then hangs, as a slow fetch does.
SLOW = """
import sys, time
from fetchers.store.store import Store
store = Store.open(sys.argv[1], lease_seconds=3)
print(store.start_run("worldbank"), flush=True)
time.sleep(60)
"""


def child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_run_of_a_source_is_refused_until_the_first_ends(store: Store):
    first = store.start_run("worldbank")
    with pytest.raises(
        RunLocked, match=rf"worldbank is already being refreshed by .* pid {os.getpid()}"
    ):
        store.start_run("worldbank")
    store.fail_run(store.start_run("sipri"), "another source runs meanwhile")
    store.write_run(first, result({2013: 1.0}))
    store.fail_run(store.start_run("worldbank"), "free again after the write")


def test_runs_of_two_stores_exclude_each_other(store: Store, settings):
    other = Store.open(settings.database_url)
    try:
        run = store.start_run("worldbank")
        with pytest.raises(RunLocked):
            other.start_run("worldbank")
        store.fail_run(run, "x")
        other.fail_run(other.start_run("worldbank"), "y")
    finally:
        other.close()


def test_concurrent_runs_on_an_empty_store_never_collide(database_url):
    children = [child(WRITER, database_url) for _ in range(3)]
    outcomes = [c.communicate(timeout=120) for c in children]
    for (out, err), c in zip(outcomes, children, strict=True):
        assert c.returncode == 0, err
        assert out.startswith(("wrote", "locked: worldbank is already being refreshed by")), out
    assert any(out.startswith("wrote") for out, _ in outcomes)
    store = Store.open(database_url)
    assert len(store.observations()) == 65
    assert set(store.last_runs()["status"]) == {"ok"}
    store.close()


def test_a_killed_run_shows_interrupted_and_frees_its_source(database_url):
    slow = child(SLOW, database_url)
    run_id = int(slow.stdout.readline())
    env = {**os.environ, "DATABASE_URL": database_url}
    during = subprocess.run(
        [sys.executable, "-m", "fetchers", "status"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert during.returncode == 0, during.stderr
    assert "worldbank" in during.stdout and "interrupted" not in during.stdout
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=10)
    after = subprocess.run(
        [sys.executable, "-m", "fetchers", "status"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert after.returncode == 0, after.stderr
    assert "interrupted: the process running it stopped" in after.stdout
    assert os.uname().nodename not in after.stdout  # host and pid go to the run's detail only
    store = Store.open(database_url)
    runs = store.last_runs()
    assert (runs["id"].item(), runs["status"].item()) == (run_id, "interrupted")
    store.fail_run(store.start_run("worldbank"), "the source is free again")
    store.close()


def test_a_live_run_beats_and_a_silent_one_expires(store: Store, settings):
    beating = Store.open(settings.database_url, lease_seconds=1)
    try:
        run = beating.start_run("worldbank")
        first = beating.last_runs()["heartbeat_at"].item()
        until(lambda: store.last_runs()["heartbeat_at"].item() > first)  # it beats
        assert store.last_runs()["status"].item() == "running"
    finally:
        beating.close()  # stops beating, as a hung or cut-off process would
    until(lambda: beating.last_runs()["status"].item() == "interrupted")  # seen without writing
    assert beating.mark_interrupted() == 1
    assert pd.isna(store.last_runs()["last_ok_id"].item())
    assert run == store.last_runs()["id"].item()


def test_one_scheduler_lease_per_store(store: Store, settings):
    other = Store.open(settings.database_url)
    try:
        assert store.hold_lease("scheduler", 60)
        assert store.hold_lease("scheduler", 60)  # renewing
        assert not other.hold_lease("scheduler", 60)
        holder = other.lease_holder("scheduler")
        assert (holder.host, holder.pid) == (os.uname().nodename, os.getpid())
        store.release_lease("scheduler")
        assert other.hold_lease("scheduler", 60)
        assert not store.hold_lease("scheduler", 60)
    finally:
        other.close()


def test_a_lease_of_a_dead_process_or_past_its_expiry_is_taken_over(store: Store):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = Holder("dead", os.uname().nodename, int(gone.stdout))
    assert acquire(store.engine, "scheduler", dead, 600) is None
    assert store.lease_holder("scheduler") is None  # its process is gone
    assert store.hold_lease("scheduler", 60)
    store.release_lease("scheduler")
    remote = Holder("remote", "another-host", 1)
    assert acquire(store.engine, "scheduler", remote, 1) is None
    assert not store.hold_lease("scheduler", 60)  # another host's live lease is respected
    until(lambda: store.hold_lease("scheduler", 60))  # until it expires


class HourAhead(datetime):
    """A host whose clock runs an hour ahead."""

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + timedelta(hours=1)


def skew_this_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clock our modules could read on this host (`datetime.now`, `utcnow`) an hour ahead."""
    from config import clock

    for name, module in list(sys.modules.items()):
        if not name.startswith(("fetchers", "config")):
            continue
        if getattr(module, "datetime", None) is datetime:
            monkeypatch.setattr(module, "datetime", HourAhead)
        if getattr(module, "utcnow", None) is clock.utcnow:
            monkeypatch.setattr(module, "utcnow", lambda: clock.format_time(HourAhead.now()))


def test_a_host_whose_clock_runs_ahead_still_honours_live_leases(
    store: Store, settings, monkeypatch
):
    assert acquire(store.engine, "scheduler", Holder("remote", "another-host", 1), 600) is None
    with monkeypatch.context() as m:
        m.setattr(lease.socket, "gethostname", lambda: "another-host")
        other = Store.open(settings.database_url)  # a run on another host, beating
        run = other.start_run("worldbank")
    try:
        skew_this_host(monkeypatch)
        late = Holder("late", "skewed-host", 2)
        assert acquire(store.engine, "scheduler", late, 600).owner == "remote"
        assert not store.hold_lease("scheduler", 60)
        assert store.lease_holder("scheduler").owner == "remote"
        with pytest.raises(RunLocked, match="worldbank is already being refreshed by another-host"):
            store.start_run("worldbank")
        assert store.mark_interrupted() == 0
        assert store.last_runs()[["id", "status"]].values.tolist() == [[run, "running"]]
        shown = snapshot.read(store).last_runs(store.lease_seconds)  # what the page reads
        assert shown[["id", "status"]].values.tolist() == [[run, "running"]]
    finally:
        other.close()
