"""Pure Dash components for the analysis panels, built from an Analysis; no callbacks needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from config.events import Event
from config.vocabulary import flag_words
from dashboard.model.analysis import NOT_CAUSAL, Analysis, pair_names, window_summary
from dashboard.model.analysis.charts import (
    basis_figure,
    need_figure,
    span,
    window_figure,
)
from dashboard.model.analysis.tables import header
from dashboard.page.analysis_checks import cross_source_panel, release_panel, world_panel
from dashboard.page.analysis_parts import (
    NUMBER,
    card,
    empty,
    graph,
    grid,
    number_format,
)

STATUS_COLOURS = {
    "holds": "success",
    "does not hold": "danger",
    "mixed": "warning",
    "insufficient data": "secondary",
}


def panels(
    analysis: Analysis,
    events: Sequence[Event],
    names: Mapping[str, str],
    windows: Sequence[Event] = (),
) -> list:
    """Every analysis panel, in the issue's order, each a card with a stable id.

    `events` are drawn on the need chart (the view's categories); `windows` are the events whose
    windows the analysis measured (defaults to those among `events`).
    """
    return [
        need_panel(analysis, events, names),
        claims_panel(analysis),
        windows_panel(analysis, windows or events, names),
        basis_panel(analysis, names),
        release_panel(analysis),
        cross_source_panel(analysis),
        world_panel(analysis, names),
    ]


# --- panels ---------------------------------------------------------------------------------
def need_panel(analysis: Analysis, events: Sequence[Event], names: Mapping[str, str]) -> dbc.Card:
    """Asymmetry of need: the KPI sentence, both shares and their ratio over time."""
    a, b = (names.get(c, c) for c in analysis.pair)
    if analysis.need.empty:
        body: list = [empty("No bilateral and world trade rows for both countries yet.")]
    else:
        body = [
            html.P(analysis.kpi, className="lead need-kpi"),
            graph(need_figure(analysis, events, names), "need"),
            html.P(
                f"Share of X's goods trade with Y = (exports X→Y + imports X←Y) ÷ (exports "
                f"X→world + imports X←world) × 100, from X's own report (UN Comtrade); need "
                f"ratio = {a}'s share of {b}'s trade ÷ {b}'s share of {a}'s. Open squares: the "
                "partner's report stands in (mirror data).",
                className="small text-muted",
            ),
        ]
    return card("analysis-need", "Asymmetry of need", body)


def claims_panel(analysis: Analysis) -> dbc.Card:
    """Each monitored claim: verdict, its rule in words, the numbers behind it, its last change."""
    items = []
    for claim in analysis.claims.to_dict("records"):
        evidence = analysis.evidence[analysis.evidence["claim"] == claim["id"]]
        missing = (
            [html.Div(f"Missing: {claim['missing']}.", className="small claim-missing")]
            if claim["missing"]
            else []
        )
        items.append(
            dbc.ListGroupItem(
                [
                    html.Div(
                        [
                            dbc.Badge(
                                claim["status"],
                                color=STATUS_COLOURS.get(claim["status"], "secondary"),
                                className="me-2 claim-status",
                            ),
                            html.Span(claim["text"], className="fw-bold"),
                        ]
                    ),
                    html.P(claim["rule"], className="small mb-1 claim-rule"),
                    html.Ul(
                        [
                            html.Li(f"{e['series_name']}: {e['result']}{_note(e)}")
                            for e in evidence.to_dict("records")
                        ],
                        className="small mb-1",
                    ),
                    *missing,
                    html.Div(_claim_footer(claim), className="small text-muted"),
                ],
                className="claim",
                id=f"claim-{claim['id']}",
            )
        )
    body = [dbc.Alert(NOT_CAUSAL, color="light", className="small py-2")]
    body.append(dbc.ListGroup(items) if items else empty("No claims are configured."))
    return card("analysis-claims", "Claim tracker", body)


def windows_panel(
    analysis: Analysis, events: Sequence[Event], names: Mapping[str, str]
) -> dbc.Card:
    """Event windows: growth before and after each event, the change in the growth gap, charts."""
    a, b = pair_names(analysis)
    summary = window_summary(analysis.windows, analysis.pair)
    if summary.empty:
        return card("analysis-windows", "Event windows", [empty("No event window has data.")])
    pct = {**NUMBER, "valueFormatter": number_format("+.1f")}
    fields = ("gap_change_pp", "a_before_pct", "a_after_pct", "b_before_pct", "b_after_pct")
    columns = [
        {"field": "event_label", "headerName": "Event", "pinned": "left", "minWidth": 110},
        {"field": "indicator_name", "headerName": "Indicator", "minWidth": 160},
        *({"field": f, "headerName": header(f, (a, b)), **pct} for f in fields),
        {"field": "overlaps", "headerName": header("overlaps", (a, b))},
        {"field": "flag", "headerName": "Flag"},
    ]
    chosen = [e for e in events if e.title in set(analysis.windows["event"])]
    tabs = [
        dcc.Tab(graph(window_figure(analysis, event, names), f"window-{n}"), label=event.label)
        for n, event in enumerate(chosen)
    ]
    years = analysis.windows.iloc[0]
    text = (
        f"Basis: {analysis.window_basis}. Average annual growth over the {span(years)} years "
        f"before the event (E−N to E) and after it (E to E+N), E being the event's calendar "
        f"year; for GDP growth (annual %, constant prices) the years' rates compound. The "
        f"change in the growth gap is {a}'s change (after − before) minus {b}'s, in percentage "
        f"points: a description, not a difference-in-differences design (there is no control "
        f"group). Windows that share years with another event's are named in the last column. "
        f"Undefined where a value is missing or ≤ 0. The charts: each indicator's {a} ÷ {b} "
        f"ratio (real GDP as a chained volume index) indexed to the event year; rising means "
        f"the gap widens. {NOT_CAUSAL}"
    )
    body = [
        *grid(summary, columns, "windows-table", "Event windows"),
        html.P(text, className="small text-muted mt-2"),
        dcc.Tabs(tabs) if tabs else html.Div(),
    ]
    return card("analysis-windows", "Event windows", body)


def basis_panel(analysis: Analysis, names: Mapping[str, str]) -> dbc.Card:
    """The China÷Russia ratio under each basis side by side, and the price levels between them."""
    if analysis.basis.empty:
        return card("analysis-basis", "Basis switch", [empty("No year has both bases.")])
    pair = pair_names(analysis)
    ratio = {**NUMBER, "valueFormatter": number_format(".2f")}
    fields = (
        "first_ratio", "second_ratio", "price_factor", "relative_price_level", "price_level_a",
        "price_level_b",
    )  # fmt: skip
    columns = [
        {"field": "comparison", "headerName": "Comparison", "pinned": "left", "minWidth": 120},
        {"field": "year", "headerName": "Year", **NUMBER, "minWidth": 80},
        {"field": "first_basis", "headerName": "Basis 1"},
        {"field": "second_basis", "headerName": "Basis 2"},
        *({"field": f, "headerName": header(f, pair), **ratio} for f in fields),
        {"field": "flag", "headerName": "Flag"},
    ]
    a, b = pair
    text = (
        f"GDP in US$ at market rates = GDP at PPP × the price level ratio (PPP conversion "
        f"factor ÷ market exchange rate, WDI PA.NUS.PPP ÷ PA.NUS.FCRF; 1 = US prices). So the "
        f"market-rate ratio {a} ÷ {b} = the PPP ratio × the relative price level ({a}'s price "
        f"level ratio ÷ {b}'s): the price factor (ratio 1 ÷ ratio 2) is that relative price "
        f"level as the two GDP series imply it, shown beside the one from the WDI's own "
        f"factors (they differ where the PPP GDP series uses other benchmark PPPs). Where the "
        f"WDI's GDP at PPP is not stored, it is computed: GDP per capita, PPP × population. For "
        f"SIPRI the price factor is the relative change in prices and exchange rates since the "
        f"base year. {analysis.basis_note}"
    )
    body = [
        graph(basis_figure(analysis, names), "basis"),
        html.P(text, className="small text-muted"),
        *grid(
            analysis.basis.sort_values(["year", "comparison"], ascending=[False, True]),
            columns,
            "basis-table",
            "Basis",
        ),
    ]
    return card("analysis-basis", "Basis switch", body)


# --- helpers --------------------------------------------------------------------------------
def _note(evidence: Mapping) -> str:
    """An evidence row's flag and note, in parentheses."""
    extra = [flag_words(evidence["flag"]), evidence["note"]]
    extra = [e for e in extra if e]
    return f" ({'; '.join(extra)})" if extra else ""


def _claim_footer(claim: Mapping) -> str:
    """Years compared and the release at which the verdict last changed."""
    years = f"Years compared: {claim['years']}." if claim["years"] else "No years to compare."
    if claim["last_changed_release"]:
        when = f" on {claim['last_changed_at'][:10]}" if claim["last_changed_at"] else ""
        return f"{years} Verdict last changed with {claim['last_changed_release']}{when}."
    return f"{years} Verdict unchanged over the stored releases."
