"""The analysis' data checks: what a release changed, SIPRI beside the World Bank, world shares."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
from dash import html

from dashboard.model.analysis import Analysis
from dashboard.model.metrics import catalogue
from dashboard.page.analysis_parts import (
    NUMBER,
    card,
    empty,
    grid,
    largest_first,
    number_format,
)


def release_panel(analysis: Analysis) -> dbc.Card:
    """What each source's latest release changed: revised, new, removed values."""
    diff = analysis.release_diff
    lines = [
        html.Li(
            f"{source}: release {own['release'].iloc[0] or '(undated)'} against "
            f"{own['previous_release'].iloc[0] or 'no earlier release'}: "
            + ", ".join(f"{n} {change}" for change, n in own["change"].value_counts().items())
        )
        for source, own in diff.groupby("source")
    ]
    # Whole values with separators: a GDP in US$ is 18 characters ("19,498,000,000,000").
    value = {**NUMBER, "valueFormatter": number_format(",.6~r"), "minWidth": 170}
    columns = [
        {"field": "indicator_name", "headerName": "Indicator", "pinned": "left", "minWidth": 160},
        {"field": "source_name", "headerName": "Source"},
        {"field": "country_name", "headerName": "Country"},
        {"field": "partner_name", "headerName": "Partner"},
        {"field": "year", "headerName": "Year", **NUMBER},
        {"field": "change", "headerName": "Change"},
        {"field": "old_value", "headerName": "Old", **value},
        {"field": "new_value", "headerName": "New", **value},
        {"field": "difference_pct", "headerName": "Difference (%)", **NUMBER,
         "valueFormatter": number_format("+.2f"), "minWidth": 120},
        {"field": "old_flag", "headerName": "Old flag"},
        {"field": "new_flag", "headerName": "New flag"},
    ]  # fmt: skip
    body: list = [
        html.Ul(lines, className="small") if lines else empty("No release changed a stored value.")
    ]
    if not diff.empty:
        names, sources = analysis.names, {s.id: s.title for s in catalogue().sources}
        shown = diff.assign(
            indicator_name=[analysis.titles.get(i, i) for i in diff["indicator"]],
            source_name=[sources.get(s, s) for s in diff["source"]],
            country_name=[names.get(c, c) for c in diff["country"]],
            partner_name=[names.get(p, p) for p in diff["partner"]],
        )
        body.extend(
            grid(
                largest_first(shown, "difference_pct"),
                columns,
                "release-diff-table",
                "Release diff",
            )
        )
    body.extend(html.P(note, className="small text-muted") for note in analysis.notes)
    return card("analysis-release-diff", "Release diff", body)


def cross_source_panel(analysis: Analysis) -> dbc.Card:
    """World Bank military spending against SIPRI's, listing the differences over the tolerance."""
    table = analysis.cross_source
    over = table[table["over_tolerance"]]
    text = analysis.cross_source_note
    usd = {**NUMBER, "valueFormatter": number_format(",.0f")}
    columns = [
        {"field": "country_name", "headerName": "Country", "pinned": "left"},
        {"field": "year", "headerName": "Year", **NUMBER},
        {"field": "worldbank_usd", "headerName": "World Bank (US$)", **usd},
        {"field": "sipri_usd", "headerName": "SIPRI × 10⁶ (US$)", **usd},
        {"field": "relative_difference_pct", "headerName": "Difference (%)", **NUMBER,
         "valueFormatter": number_format(".2f")},
        {"field": "worldbank_release", "headerName": "World Bank release"},
        {"field": "sipri_release", "headerName": "SIPRI release"},
        {"field": "flag", "headerName": "Flag"},
    ]  # fmt: skip
    body: list = [html.P(text, className="small")]
    if not over.empty:
        over = largest_first(over, "relative_difference_pct")
        over = over.assign(country_name=[analysis.names.get(c, c) for c in over["country"]])
        body.extend(grid(over, columns, "cross-source-table", "Cross-source"))
    return card("analysis-cross-source", "Cross-source check", body)


def world_panel(analysis: Analysis, names: Mapping[str, str]) -> dbc.Card:
    """Each country's share of the world total, where the source publishes one."""
    table = analysis.world_share
    if table.empty:
        return card("analysis-world", "Share of the world", [empty("No world aggregate stored.")])
    columns = [
        {"field": "indicator_name", "headerName": "Indicator", "pinned": "left", "minWidth": 160},
        {"field": "country_name", "headerName": "Country"},
        {"field": "year", "headerName": "Year", **NUMBER},
        {"field": "share_pct", "headerName": "Share of the world (%)", **NUMBER,
         "valueFormatter": number_format(".2f")},
        {"field": "flag", "headerName": "Flag"},
    ]  # fmt: skip
    shown = table.assign(country_name=[names.get(c, c) for c in table["country"]])
    shown = shown.sort_values(["year", "indicator", "country"], ascending=[False, True, True])
    return card(
        "analysis-world", "Share of the world", grid(shown, columns, "world-table", "World share")
    )
