"""The analysis as short report sections: (heading, table, note), readable on paper."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.analysis import NOT_CAUSAL, Analysis, window_summary

Section = tuple[str, pd.DataFrame, str]


def report_sections(analysis: Analysis, names: Mapping[str, str]) -> list[Section]:
    """Claims, need, event windows, basis, release diff, cross-source and world share."""
    a, b = (names.get(c, c) for c in analysis.pair)
    return [
        claims_section(analysis),
        (
            "Asymmetry of need",
            analysis.need.rename(
                columns={
                    "a_share_of_b": f"{a}'s share of {b}'s goods trade (%)",
                    "b_share_of_a": f"{b}'s share of {a}'s goods trade (%)",
                    "need_ratio": "need ratio",
                }
            )[
                [
                    "year",
                    f"{a}'s share of {b}'s goods trade (%)",
                    f"{b}'s share of {a}'s goods trade (%)",
                    "need ratio",
                    "flag",
                ]
            ],
            f"{analysis.kpi} UN Comtrade, each country's own report; flag 'mirror': the "
            "partner's report stands in.",
        ),
        windows_section(analysis, a, b),
        (
            "Basis switch",
            analysis.basis[
                [
                    "comparison",
                    "year",
                    "first_basis",
                    "first_ratio",
                    "second_basis",
                    "second_ratio",
                    "basis_effect_pct",
                    "flag",
                ]
            ],
            f"{a} ÷ {b} under each basis; basis effect = (1 − ratio 2 ÷ ratio 1) × 100.",
        ),
        release_section(analysis),
        cross_source_section(analysis),
        world_section(analysis, names),
    ]


def claims_section(analysis: Analysis) -> Section:
    """Each claim's verdict, the numbers behind it and when it last changed."""
    claims = analysis.claims.rename(columns={"last_changed_release": "verdict last changed"})
    columns = ["text", "status", "summary", "years", "verdict last changed", "flag"]
    return ("Claim tracker", claims[columns], NOT_CAUSAL)


def windows_section(analysis: Analysis, a: str, b: str) -> Section:
    """Growth before and after each event, and the difference-in-differences."""
    summary = window_summary(analysis.windows, analysis.pair).drop(columns=["event"])
    summary = summary.rename(
        columns={
            "event_label": "event",
            "a_before_pct": f"{a} before %/yr",
            "a_after_pct": f"{a} after %/yr",
            "a_change_pp": f"{a} change pp",
            "b_before_pct": f"{b} before %/yr",
            "b_after_pct": f"{b} after %/yr",
            "b_change_pp": f"{b} change pp",
            "did_pp": f"{a} − {b} pp",
        }
    )
    note = (
        "Average annual growth (CAGR) over the years before the event (E−N to E) and after it "
        f"(E to E+N); change = after − before. {NOT_CAUSAL}"
    )
    return ("Event windows", summary, note)


def release_section(analysis: Analysis) -> Section:
    """Values the latest release of each source revised or removed; added values counted."""
    diff = analysis.release_diff
    counts = "; ".join(
        f"{source} {own['release'].iloc[0] or '(undated)'} against "
        f"{own['previous_release'].iloc[0] or 'no earlier release'}: "
        + ", ".join(f"{n} {change}" for change, n in own["change"].value_counts().items())
        for source, own in diff.groupby("source")
    )
    changed = diff[diff["change"] != "added"][
        ["source", "indicator", "country", "partner", "year", "change", "old_value",
         "new_value", "difference_pct", "old_flag", "new_flag"]
    ]  # fmt: skip
    note = (counts or "No release changed a stored value.") + (
        " Added values are listed in the XLSX sheet and the CSV file."
        if len(changed) < len(diff)
        else ""
    )
    return ("Release diff", changed, note)


def cross_source_section(analysis: Analysis) -> Section:
    """World Bank military spending against SIPRI's, over the tolerance only."""
    table = analysis.cross_source
    over = table[table["over_tolerance"]].drop(columns=["over_tolerance"])
    note = (
        f"World Bank MS.MIL.XPND.CD against SIPRI current US$ m × 10⁶: {len(over)} of "
        f"{len(table)} country-years differ by more than {analysis.tolerance * 100:g}%."
    )
    return ("Cross-source check", over, note)


def world_section(analysis: Analysis, names: Mapping[str, str]) -> Section:
    """Each country's share of the world total in each indicator's latest year."""
    table = analysis.world_share
    if not table.empty:
        latest = table.groupby("indicator")["year"].transform("max")
        table = table[table["year"] == latest].assign(
            country=lambda t: t["country"].map(lambda c: names.get(c, c))
        )
    return (
        "Share of the world",
        table[["indicator", "country", "year", "share_pct", "flag"]],
        "Each country's share (%) of the World Bank's world aggregate, latest year per indicator.",
    )
