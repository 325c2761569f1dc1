"""Series computed here from stored ones: their titles, units, inputs and provenance."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import metrics


@dataclass(frozen=True)
class Derived:
    """A series computed here from stored ones."""

    title: str
    theme: str
    unit: str
    inputs: tuple[str, ...]
    organisation: str
    note: str


DERIVED = {
    metrics.TRADE_SHARE: Derived(
        "Partner's share of goods trade (Comtrade)",
        "trade",
        "% of the country's goods trade",
        metrics.TRADE_FLOWS,
        "Derived here from UN Comtrade goods exports and imports",
        "(exports + imports with the other of the pair) ÷ (exports + imports with the world) × 100.",
    )
}
