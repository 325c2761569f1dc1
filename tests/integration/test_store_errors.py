"""Opening a store that cannot be used is one clear line: damaged, read-only, no driver, no server."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fetchers.store.errors import StoreError
from fetchers.store.store import Store
from tests.integration.test_store import result

ROOT = Path(__file__).resolve().parents[2]


def on_read_only_folder(folder: Path, code: str, *args: str) -> subprocess.CompletedProcess:
    """Run Python code where `folder` is a read-only file system (a private mount namespace)."""
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(folder), sys.executable, "-c", code, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not SQLite" * 400)
    with pytest.raises(StoreError) as caught:
        Store.open(f"sqlite:///{path}")
    assert str(caught.value) == (
        "the store file store.sqlite3 is damaged (file is not a database): restore it from a backup "
        "or delete it to start again"
    )


def test_a_store_with_damaged_pages_is_one_line(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    store.write_run(store.start_run("worldbank"), result({y: float(y) for y in range(1900, 2025)}))
    store.close()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file so the pages are on disk
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # scribble over every page but the first two
        data[start + 8 : start + 64] = b"\xff" * 56
    path.write_bytes(bytes(data))
    with pytest.raises(
        StoreError, match=r"^the store file store.sqlite3 is damaged \(.+\): restore"
    ):
        Store.open(f"sqlite:///{path}")


def test_a_read_only_store_is_served_read_only(tmp_path):
    path = tmp_path / "ro" / "store.sqlite3"
    path.parent.mkdir()  # only the default data/ folder is made for a store
    store = Store.open(f"sqlite:///{path}")
    store.write_run(store.start_run("worldbank"), result({2013: 1.0, 2014: 2.0}))
    store.close()
    code = """
import sys
from fetchers.store.errors import StoreError
from fetchers.store.store import Store
store = Store.open(sys.argv[1])
print(store.read_only, len(store.observations()), store.data_version())
try:
    store.start_run("worldbank")
except StoreError as exc:
    print(exc)
"""
    out = on_read_only_folder(path.parent, code, f"sqlite:///{path}")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "True 2 1",
        "the store is open read-only: no run can be recorded",
    ]


def test_a_store_folder_that_does_not_exist_is_one_line(tmp_path):
    code = "import sys\nfrom fetchers.store.store import Store\nStore.open(sys.argv[1])"
    out = on_read_only_folder(tmp_path, code, f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        "fetchers.store.errors.StoreError: the folder of the store file store.sqlite3 does not exist: "
        "create it, or correct DATABASE_URL (only the default data/ folder is created)"
    )


def test_postgresql_without_its_driver_names_the_package():
    code = (
        "import sys\nsys.modules['psycopg'] = None\nfrom fetchers.store.store import Store\n"
        "Store.open('postgresql://u:secret@127.0.0.1:9/am')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    last = out.stderr.strip().splitlines()[-1]
    assert last == (
        "fetchers.store.errors.StoreError: PostgreSQL needs the psycopg driver: "
        "pip install 'psycopg[binary]'"
    )


def test_an_unreachable_server_hides_the_password():
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://am:s3cret-pw@127.0.0.1:9/am")
    text = str(caught.value)
    assert text.startswith("cannot open the store postgresql+psycopg://am:***@127.0.0.1:9/am: ")
    assert "s3cret-pw" not in text and "SELECT" not in text and "\n" not in text


def on_small_disk(
    folder: Path, megabytes: int, code: str, *args: str
) -> subprocess.CompletedProcess:
    """Run Python code where `folder` is a fresh tmpfs of `megabytes` (a private mount namespace)."""
    script = f'mount -t tmpfs -o size={megabytes}m tmpfs "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(folder), sys.executable, "-c", code, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


# A run fails on a disk with `left` bytes free: what it says, and what the store then shows.
FAIL_ON_A_FULL_DISK = """
import os, sys
from pathlib import Path
from fetchers.store.errors import StoreError
from fetchers.store.store import Store
from tests.support.wait import until
folder, left = Path(sys.argv[1]), int(sys.argv[2])
store = Store.open(f"sqlite:///{folder / 'store.sqlite3'}", lease_seconds=1)
run = store.start_run("worldbank")
disk = os.statvfs(folder)
(folder / "filler").write_bytes(b"x" * (disk.f_bavail * disk.f_frsize - left))
try:
    store.fail_run(run, "the source did not answer", ["https://x.test/a"], detail="y" * 400_000)
except StoreError as exc:
    print(exc)
(folder / "filler").unlink()  # room for the reader's files (the WAL index is on the disk too)
def done():
    run = store.last_runs().iloc[0]
    return None if run["status"] == "running" else run.to_dict()
run = until(done, timeout=10)
print(run["status"], run["error"], bool(run["finished_at"]))
print(len(run["detail"]), store.mark_interrupted(), store.start_run("worldbank") == run["id"] + 1)
"""


def test_with_60_kb_left_a_failure_is_recorded_without_its_detail(tmp_path):
    out = on_small_disk(tmp_path, 4, FAIL_ON_A_FULL_DISK, str(tmp_path), "60000")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["failed the source did not answer True", "0 0 True"]
    assert (
        "recording run 1's failure in full failed: OperationalError: database or disk is full"
        in out.stderr
    )


def test_with_no_disk_left_a_failed_run_reads_interrupted_once_its_lease_runs_out(tmp_path):
    out = on_small_disk(tmp_path, 4, FAIL_ON_A_FULL_DISK, str(tmp_path), "0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "recording the failure of run 1 failed: OperationalError: database or disk is full",
        "interrupted interrupted: the process running it stopped False",  # as read
        "0 1 True",  # then marked so, and the source is free
    ]
