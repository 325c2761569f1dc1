"""The words the app uses for data flags, run statuses and the states people meet, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    """A value's flag as stored ('estimate'), and how it reads and is drawn."""

    code: str  # as stored in observations.flag
    short: str  # a badge or a table cell: 'estimate'
    long: str  # a chart's hover and key: 'SIPRI estimate'
    symbol: str  # the plotly marker that sets it apart without colour


# Worst last: a derived figure takes the worst flag of its inputs. "uncertain" (SIPRI's highly
# uncertain) outranks "estimate", which outranks "mirror" (the partner's report standing in).
FLAGS = (
    Flag("mirror", "mirror data", "mirror data (partner's report)", "square-open"),
    Flag("estimate", "estimate", "SIPRI estimate", "circle-open"),
    Flag("uncertain", "highly uncertain", "highly uncertain (SIPRI)", "diamond-open"),
)
FLAG = {f.code: f for f in FLAGS}
FLAG_ORDER = ("", *(f.code for f in FLAGS))

# Run statuses: running → ok | partial (some indicators refused, the rest stored) | unchanged (the
# source's release is the one stored) | failed | interrupted (its process died).
RUNNING = "running"
WRITING = ("ok", "partial")  # runs that stored a release (and so history)
GOOD = ("ok", "partial", "unchanged")  # runs whose data stand
FAILING = ("failed", "interrupted")  # a last run whose data did not land

# States people meet, said the same way everywhere.
EMPTY_STORE = "No data stored yet; the first live fetch starts with the app."
TRY_AGAIN = "try again shortly"
KEPT = "kept as before"  # what a refused or failed fetch leaves: the previous values


def refused_text(refused: Sequence[str]) -> str:
    """The one line a partial run carries: 'refused by the source, kept as before: X, Y'."""
    return f"refused by the source, {KEPT}: {', '.join(refused)}" if refused else ""


def flag_words(code: str) -> str:
    """A flag's short words ('highly uncertain'), '' for no or an unknown flag."""
    return FLAG[code].short if code in FLAG else ""
