"""Report builds take one of REPORT_WORKERS slots; a build beyond them is refused as busy."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import snapshot as snapshot_module
from dashboard.snapshot import ExportBusy, Snapshot
from tests.conftest import make_settings


def test_a_third_report_waits_then_is_busy(tmp_path, monkeypatch):
    shot = Snapshot(model=None, settings=make_settings(tmp_path, REPORT_WORKERS="2"))
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow_build(_view, fmt, *_args):
        if fmt in snapshot_module.REPORTS:
            started.release()
            release.wait(10)
        return f"r.{fmt}", fmt.encode()

    monkeypatch.setattr(shot, "_build", slow_build)
    monkeypatch.setattr(snapshot_module, "REPORT_WAIT_SECONDS", 0.2)
    workers = [threading.Thread(target=shot.build, args=(None, "zip")) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)
    began = time.monotonic()
    with pytest.raises(ExportBusy, match="try again"):
        shot.build(None, "pdf")
    with pytest.raises(ExportBusy):  # naming a chart does not skip the queue for a whole ZIP
        shot.build(None, "zip", "NY.GDP.MKTP.CD")
    assert time.monotonic() - began >= 0.2
    assert shot.build(None, "csv") == ("r.csv", b"csv")  # data exports need no report slot
    release.set()
    for worker in workers:
        worker.join(5)
    release.set()
    assert shot.build(None, "zip") == ("r.zip", b"zip")  # slots come back
