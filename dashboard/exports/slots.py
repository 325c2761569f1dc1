"""Report slots shared by every server process on this host: file locks, never a wait."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def slot_dir(store_url: str) -> Path:
    """Where the slot files live: one folder per user and store in the system's temporary folder
    (the processes serving one store share their slots)."""
    key = hashlib.sha256(store_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"asymmetry-monitor-report-slots-{os.getuid()}-{key}"


@contextmanager
def report_slot(count: int, folder: Path) -> Iterator[bool]:
    """Hold one of `count` slots for the block and yield True, or yield False at once if all are
    taken (by this or any other process on the host). A dead process's lock goes with it."""
    folder.mkdir(mode=0o700, exist_ok=True)
    for n in range(count):
        handle = open(folder / f"slot-{n}.lock", "a+b")  # noqa: SIM115 - held for the block
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    yield False
