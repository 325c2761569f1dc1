"""The analysis no other dashboard has (issue 14): pure functions over tidy frames, one entry point.

Every figure here is descriptive, not causal: it says how the numbers moved, not why. Every derived
figure carries `flag`, the worst flag of its inputs (see flags.FLAG_ORDER). One module per panel:
need, claims (verdicts), windows, basis, releases, crosscheck; this module puts them together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from config.claims import Claim
from config.events import Event
from dashboard.analysis.basis import basis_table
from dashboard.analysis.claims import claim_table, revert
from dashboard.analysis.crosscheck import DEFAULT_WORLD_INDICATORS, cross_source, world_share
from dashboard.analysis.flags import FLAG_ORDER, worst_flag
from dashboard.analysis.need import need_sentence, need_table
from dashboard.analysis.ratios import ratio_series
from dashboard.analysis.releases import release_diff
from dashboard.analysis.verdicts import evaluate
from dashboard.analysis.windows import (
    DEFAULT_WINDOW_EVENTS,
    DEFAULT_WINDOW_INDICATORS,
    event_windows,
    gap_ratios,
    growth,
    window_summary,
)
from fetchers.status import overdue  # one owner: the freshness policy

__all__ = [
    "FLAG_ORDER",
    "NOT_CAUSAL",
    "Analysis",
    "Options",
    "analyse",
    "analysis_tables",
    "basis_table",
    "claim_table",
    "cross_source",
    "evaluate",
    "event_windows",
    "gap_ratios",
    "growth",
    "need_sentence",
    "need_table",
    "overdue",
    "ratio_series",
    "release_diff",
    "revert",
    "window_summary",
    "world_share",
    "worst_flag",
]

NOT_CAUSAL = "Descriptive, not causal: these figures say how the numbers moved, not why they moved."


@dataclass(frozen=True)
class Options:
    """What to analyse: event windows, tolerance, claims, world aggregate, display names."""

    window_events: tuple[str, ...] = DEFAULT_WINDOW_EVENTS  # event titles
    window_years: int = 3
    window_indicators: tuple[str, ...] = DEFAULT_WINDOW_INDICATORS
    tolerance: float = 0.005  # cross-source: relative difference above which a pair is listed
    claims: tuple[Claim, ...] = ()
    world: str = "WLD"  # the World Bank's world aggregate
    world_indicators: tuple[str, ...] = DEFAULT_WORLD_INDICATORS
    names: Mapping[str, str] = field(default_factory=dict)  # ISO3 → display name


@dataclass(frozen=True)
class Analysis:
    """Every panel's table, the need KPI sentence, and notes on what could not be computed."""

    pair: tuple[str, str]
    need: pd.DataFrame
    kpi: str
    claims: pd.DataFrame
    evidence: pd.DataFrame
    windows: pd.DataFrame
    gaps: pd.DataFrame
    basis: pd.DataFrame
    release_diff: pd.DataFrame
    cross_source: pd.DataFrame
    world_share: pd.DataFrame
    tolerance: float
    notes: tuple[str, ...] = ()


def analyse(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    runs: pd.DataFrame,
    events: Sequence[Event],
    pair: tuple[str, str],
    comparators: Sequence[str] = (),
    options: Options | None = None,
) -> Analysis:
    """Every analysis panel from the store's observations, history and runs table.

    `frame` is the tidy frame (store.observations()), optionally with the observations' `run_id`
    column, which lets the release diff list values added by the latest release; `runs` is the
    runs table (id, source, status, release, finished_at).
    """
    options = options or Options()
    countries = (*pair, *comparators)
    notes: list[str] = []
    need = need_table(frame, pair)
    diff = release_diff(frame, history, runs)
    if "run_id" not in frame.columns:
        notes.append(
            "Values added by the latest release are not listed: the observations passed in "
            "do not say which run added them."
        )
    claims, evidence = claim_table(frame, history, runs, options.claims, pair)
    chosen = [e for e in events if e.title in options.window_events]
    missing = sorted(set(options.window_events) - {e.title for e in chosen})
    if missing:
        notes.append(f"Event windows: not in the event register: {', '.join(missing)}.")
    return Analysis(
        pair=pair,
        need=need,
        kpi=need_sentence(need, pair, options.names),
        claims=claims,
        evidence=evidence,
        windows=event_windows(
            frame, chosen, options.window_indicators, countries, pair, options.window_years
        ),
        gaps=gap_ratios(frame, options.window_indicators, pair),
        basis=basis_table(frame, pair),
        release_diff=diff,
        cross_source=cross_source(frame, runs, countries, options.tolerance),
        world_share=world_share(frame, options.world_indicators, countries, options.world),
        tolerance=options.tolerance,
        notes=tuple(notes),
    )


def analysis_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The analysis as named tables for XLSX sheets, CSV files and report sections."""
    a, b = analysis.pair
    claims = analysis.claims.merge(
        analysis.evidence, left_on="id", right_on="claim", how="left", suffixes=("", "_series")
    ).drop(columns=["claim"])
    return {
        "Need": analysis.need.rename(
            columns={
                "a_share_of_b": f"{a} share of {b} goods trade (%)",
                "b_share_of_a": f"{b} share of {a} goods trade (%)",
                "need_ratio": "need ratio",
                "flag_b": f"flag of {b}'s report",
                "flag_a": f"flag of {a}'s report",
            }
        ),
        "Claims": claims,
        "Event windows": analysis.windows.rename(columns={"did_pp": f"did_pp ({a} − {b})"}),
        "Basis": analysis.basis,
        "Release diff": analysis.release_diff,
        "Cross-source": analysis.cross_source,
        "World share": analysis.world_share,
    }
