"""Atomic writes: the old file survives a failed write."""

from __future__ import annotations

import os

import pytest

from config.files import write_atomic


def test_write_replaces_the_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"good data")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, b"truncated")
    assert target.read_bytes() == b"good data"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_the_written_file_has_ordinary_permissions(tmp_path):
    target = tmp_path / "export.csv"
    write_atomic(target, b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
