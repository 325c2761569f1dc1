"""One row of the benchmark table: our figure beside its same-run baseline, and the ratio."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Row:
    """A measured figure, its baseline (nan where there is none) and the target."""

    what: str
    ours: float
    baseline: float = math.nan
    target: str = ""
    max_ratio: float | None = None  # met when ours ≤ max_ratio × baseline
    absolute: float | None = None  # met when ours ≤ absolute
    min_ratio: float | None = None  # met when ours ≥ min_ratio × baseline

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else math.nan

    @property
    def met(self) -> str:
        checks = []
        if self.max_ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.min_ratio is not None:
            checks.append(self.ratio >= self.min_ratio)
        if self.absolute is not None:
            checks.append(self.ours <= self.absolute)
        return "" if not checks else ("yes" if all(checks) else "NO")


def render(rows: list[Row]) -> str:
    """The rows as a plain-text table."""
    header = ("what", "ours", "baseline", "ratio", "target", "met")
    body = [
        (r.what, _num(r.ours), _num(r.baseline), _num(r.ratio, "×"), r.target, r.met) for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in
             [header, tuple("-" * w for w in widths), *body]]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines)


def _num(value: float, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}{suffix}"
    return f"{value:.2f}{suffix}"
