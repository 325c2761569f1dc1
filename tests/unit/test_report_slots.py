"""Report builds take one of REPORT_WORKERS slots; a build beyond them is refused as busy at once."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from dashboard.exports import exporter as snapshot_module
from dashboard.exports.exporter import ExportBusy, Exporter
from dashboard.exports.slots import report_slot
from tests.conftest import make_settings


def test_a_third_report_is_busy_at_once(tmp_path, monkeypatch):
    shot = Exporter(model=None, settings=make_settings(tmp_path, REPORT_WORKERS="2"))
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow_build(_snap, _view, fmt, *_args):
        if fmt in snapshot_module.REPORTS:
            started.release()
            release.wait(10)
        return f"r.{fmt}", fmt.encode()

    monkeypatch.setattr(shot, "_build", slow_build)
    snap = object()  # the store snapshot is passed through untouched
    workers = [
        threading.Thread(target=shot.build, args=(None, "zip"), kwargs={"snap": snap})
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)
    # No request waits for a slot holding a server worker: refused at once, not after a wait.
    with pytest.raises(ExportBusy, match="try again"):
        shot.build(None, "pdf", snap=snap)
    with pytest.raises(ExportBusy):  # naming a chart does not skip the queue for a whole ZIP
        shot.build(None, "zip", "NY.GDP.MKTP.CD", snap=snap)
    assert shot.build(None, "csv", snap=snap) == (
        "r.csv",
        b"csv",
    )  # data exports need no report slot
    release.set()
    for worker in workers:
        worker.join(5)
    release.set()
    assert shot.build(None, "zip", snap=snap) == ("r.zip", b"zip")  # slots come back


def test_slots_are_shared_by_every_process_on_the_host(tmp_path):
    """A report another server process is building takes a slot here too; its death frees it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_SLOT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with report_slot(1, tmp_path) as held:
            assert held is False
        with report_slot(2, tmp_path) as held:
            assert held is True  # the second slot is free
    finally:
        holder.kill()
        holder.wait(10)
    with report_slot(1, tmp_path) as held:
        assert held is True  # a killed process's slot comes back


HOLD_A_SLOT = """
import sys, time
from pathlib import Path
from dashboard.exports.slots import report_slot
with report_slot(1, Path(sys.argv[1])) as held:
    print("held" if held else "busy", flush=True)
    time.sleep(60)
"""


def test_a_folder_someone_else_could_write_is_not_used(tmp_path):
    shared = tmp_path / "slots"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with report_slot(2, shared) as held:
        assert held is False  # answered busy, never a 500 or a lock in a folder others control
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    with report_slot(2, link) as held:
        assert held is False
