"""Waiting for something to happen in a test: poll a predicate to a deadline, never sleep-then-assert."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(predicate: Callable[[], T], timeout: float = 10.0, every: float = 0.05) -> T:
    """The predicate's first truthy answer, polled every `every` seconds; AssertionError (with
    the last answer) when `timeout` seconds pass without one."""
    deadline = time.monotonic() + timeout
    while True:
        answer = predicate()
        if answer:
            return answer
        if time.monotonic() >= deadline:
            raise AssertionError(f"still {answer!r} after {timeout} s")
        time.sleep(every)
