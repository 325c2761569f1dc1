"""Report slots shared by the server processes of one store: file locks, never a wait."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def slot_dir(store_url: str) -> Path:
    """Where the slot files live: one folder per user and store in the system's temporary folder
    (the processes serving one store on this host share their slots)."""
    key = hashlib.sha256(store_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"asymmetry-monitor-report-slots-{os.getuid()}-{key}"


@contextmanager
def report_slot(count: int, folder: Path) -> Iterator[bool]:
    """Hold one of `count` slots for the block and yield True, or yield False at once if all are
    taken (by this or any other process) or the slots cannot be used. A dead process's lock goes
    with it."""
    try:
        _own_folder(folder)
    except OSError as exc:
        log.warning("report slots unusable in %s: %s", folder, exc)
        yield False
        return
    for n in range(count):
        try:
            fd = os.open(folder / f"slot-{n}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            log.warning("report slot %d unusable: %s", n, exc)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by another build
            os.close(fd)
            continue
        try:
            yield True
        finally:
            os.close(fd)  # closing releases the lock
        return
    yield False


def _own_folder(folder: Path) -> None:
    """Make `folder` (0700) or accept it only if it is ours, a real folder and private."""
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{folder} is not a private folder of this user")
