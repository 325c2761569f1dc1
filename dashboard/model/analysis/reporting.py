"""The analysis as short report sections: (heading, table, note), readable on paper.

Headers in words and one precision per column (dashboard.model.analysis.tables); names, not codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.model.analysis import NOT_CAUSAL, Analysis, window_summary
from dashboard.model.analysis.tables import in_words, rounded

Section = tuple[str, pd.DataFrame, str]


def report_sections(analysis: Analysis, names: Mapping[str, str]) -> list[Section]:
    """Claims, need, event windows, basis, release diff, cross-source and world share."""
    pair = tuple(names.get(c, c) for c in analysis.pair)
    return [
        claims_section(analysis, pair),
        need_section(analysis, pair),
        windows_section(analysis, pair),
        basis_section(analysis, pair),
        release_section(analysis, pair, names),
        cross_source_section(analysis, pair, names),
        world_section(analysis, pair, names),
    ]


def _table(frame: pd.DataFrame, fields: list[str], pair: tuple[str, str], names=None):
    """The chosen columns, rounded per column, headers in words; countries by name only."""
    table = in_words(rounded(frame[fields]), pair, names)
    return table.drop(columns=["country_iso3"]) if names is not None else table


def claims_section(analysis: Analysis, pair: tuple[str, str]) -> Section:
    """Each claim's verdict, its rule, the numbers behind it and when it last changed."""
    fields = ["text", "status", "rule", "summary", "missing", "last_changed_release", "flag"]
    return ("Claim tracker", _table(analysis.claims, fields, pair), NOT_CAUSAL)


def need_section(analysis: Analysis, pair: tuple[str, str]) -> Section:
    """Both trade shares and the need ratio per year."""
    fields = ["year", "a_share_of_b", "b_share_of_a", "need_ratio", "flag", "source_note"]
    note = (
        f"{analysis.kpi} UN Comtrade, each country's own report; flag 'mirror': the partner's "
        "report stands in; 'from partner data and WTO totals': world totals are the WDI's "
        "WTO-based merchandise trade (TX.VAL.MRCH.CD.WT + TM.VAL.MRCH.CD.WT)."
    )
    return ("Asymmetry of need", _table(analysis.need, fields, pair), note.strip())


def windows_section(analysis: Analysis, pair: tuple[str, str]) -> Section:
    """Growth before and after each event, and the change in the growth gap."""
    summary = window_summary(analysis.windows, analysis.pair)
    fields = [
        "event_label", "event_year", "indicator_name", "gap_change_pp", "a_before_pct",
        "a_after_pct", "b_before_pct", "b_after_pct", "overlaps", "flag",
    ]  # fmt: skip
    table = _table(summary, fields, pair) if not summary.empty else summary
    note = (
        f"Basis: {analysis.window_basis}. Average annual growth over the years before the event "
        f"(E−N to E) and after it (E to E+N); the change in the growth gap is {pair[0]}'s "
        f"change minus {pair[1]}'s, in percentage points. {NOT_CAUSAL}"
    )
    return ("Event windows", table, note)


def basis_section(analysis: Analysis, pair: tuple[str, str]) -> Section:
    """The ratio under each basis and the price levels between them."""
    fields = [
        "comparison", "year", "first_basis", "first_ratio", "second_basis", "second_ratio",
        "price_factor", "relative_price_level", "flag",
    ]  # fmt: skip
    note = (
        f"{pair[0]} ÷ {pair[1]} under each basis; market-rate ratio = PPP ratio × relative "
        f"price level (price factor). {analysis.basis_note}"
    )
    return ("Basis switch", _table(analysis.basis, fields, pair), note)


def release_section(analysis: Analysis, pair: tuple[str, str], names: Mapping[str, str]) -> Section:
    """Values the latest release of each source revised or removed; added values counted."""
    diff = analysis.release_diff.assign(
        indicator_name=[analysis.titles.get(i, i) for i in analysis.release_diff["indicator"]]
    )
    counts = "; ".join(
        f"{source} {own['release'].iloc[0] or '(undated)'} against "
        f"{own['previous_release'].iloc[0] or 'no earlier release'}: "
        + ", ".join(f"{n} {change}" for change, n in own["change"].value_counts().items())
        for source, own in diff.groupby("source")
    )
    fields = [
        "source", "indicator_name", "country", "partner", "year", "change", "old_value",
        "new_value", "difference_pct", "old_flag", "new_flag",
    ]  # fmt: skip
    changed = diff[diff["change"] != "added"]
    note = (counts or "No release changed a stored value.") + (
        " Added values are listed in the XLSX sheet and the CSV file."
        if len(changed) < len(diff)
        else ""
    )
    return ("Release diff", _table(changed, fields, pair, names), note)


def cross_source_section(
    analysis: Analysis, pair: tuple[str, str], names: Mapping[str, str]
) -> Section:
    """World Bank military spending against SIPRI's, over the tolerance only."""
    table = analysis.cross_source
    over = table[table["over_tolerance"]]
    fields = [
        "country", "year", "worldbank_usd", "sipri_usd", "relative_difference_pct",
        "worldbank_release", "sipri_release", "flag",
    ]  # fmt: skip
    return ("Cross-source check", _table(over, fields, pair, names), analysis.cross_source_note)


def world_section(analysis: Analysis, pair: tuple[str, str], names: Mapping[str, str]) -> Section:
    """Each country's share of the world total in each indicator's latest year."""
    table = analysis.world_share
    if not table.empty:
        latest = table.groupby("indicator")["year"].transform("max")
        table = table[table["year"] == latest]
    fields = ["indicator_name", "country", "year", "share_pct", "flag"]
    return (
        "Share of the world",
        _table(table, fields, pair, names),
        "Each country's share (%) of the World Bank's world aggregate, latest year per indicator.",
    )
