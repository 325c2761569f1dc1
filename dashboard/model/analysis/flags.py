"""Flag carry-through: a derived figure takes the worst flag of its inputs."""

from __future__ import annotations

from collections.abc import Sequence

from config.vocabulary import FLAG_ORDER  # worst last


def worst_flag(*flags: object) -> str:
    """The worst of the given flags by FLAG_ORDER; flags outside it (missing values) count as ''."""
    rank = [FLAG_ORDER.index(f) for f in flags if f in FLAG_ORDER]
    return FLAG_ORDER[max(rank)] if rank else ""


def worst(*columns: Sequence[object]) -> list[str]:
    """Row by row, the worst flag across columns."""
    return [worst_flag(*flags) for flags in zip(*columns, strict=True)]
