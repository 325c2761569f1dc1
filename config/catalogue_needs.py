"""What the sources and analyses need of a valid catalogue: checked at load, every gap named."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.catalogue import Catalogue

# What an analysis picks a series by: the world-share table, the event windows' two bases, growth
# stored as annual % changes, net flows no gap claim may rest on, the basis switch's inputs, and
# the World Bank-against-SIPRI cross-check.
TAGS = ("world share", "real window", "nominal window", "growth rate", "net flow", "ppp factor",
        "exchange rate", "basis switch", "cross-check")  # fmt: skip
FLOW_CODES = ("X", "M")
# How a derived series is computed (dashboard/model/derived.py holds the arithmetic by name).
ARITHMETIC = ("partner share", "per capita × population")  # Comtrade's export and import flows
# Tags the analyses read their series by, and how many series each needs at least.
NEEDED_TAGS = {"ppp factor": 1, "exchange rate": 1, "cross-check": 2, "basis switch": 3,
               "real window": 1, "nominal window": 1}  # fmt: skip


def needs(catalogue: Catalogue) -> list[str]:
    """Every way the catalogue falls short of what the app reads from it (none: [])."""
    problems: list[str] = []
    aggregates = [c for c in catalogue.countries if c.role == "aggregate"]
    if len(aggregates) != 1 or aggregates[0].m49 is None:
        problems.append("[[country]]: exactly one entry must have role = 'aggregate' and an m49")
    every = (*catalogue.indicators, *catalogue.derived)
    for item in every:
        where = f"[[indicator]] {item.id}"
        if item.inputs and item.arithmetic not in ARITHMETIC:
            problems.append(f"{where}: arithmetic {item.arithmetic!r} is not one of {ARITHMETIC}")
        if item.flow and item.flow not in FLOW_CODES:
            problems.append(f"{where}: flow {item.flow!r} is not one of {', '.join(FLOW_CODES)}")
        if item.per_person and item.kind != "money":
            problems.append(f"{where}: per_person goes with kind = 'money' only")
        if item.source == "sipri" and not item.inputs and not item.sheet:
            problems.append(f"{where}: a SIPRI series names its workbook sheet (sheet = ...)")
    if any(i.source == "trade" for i in catalogue.indicators) and set(
        catalogue.flows("trade")
    ) != set(FLOW_CODES):
        problems.append("trade: one indicator each for flow = 'X' and flow = 'M' is needed")
    for tag, least in NEEDED_TAGS.items():
        if len(catalogue.tagged(tag)) < least:
            problems.append(f"tags: the analyses need at least {least} series tagged {tag!r}")
    sources = {catalogue.indicator(i).source for i in catalogue.tagged("cross-check")}
    if not {"worldbank", "sipri"} <= sources:
        problems.append("tags: 'cross-check' needs one World Bank and one SIPRI series")
    return problems
