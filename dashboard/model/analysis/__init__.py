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
from dashboard.model.analysis.basis import base_year_check, basis_table
from dashboard.model.analysis.claims import claim_table, revert
from dashboard.model.analysis.crosscheck import (
    DEFAULT_WORLD_INDICATORS,
    cross_source,
    cross_source_text,
    world_share,
)
from dashboard.model.analysis.flags import FLAG_ORDER, worst_flag
from dashboard.model.analysis.need import need_sentence, need_table
from dashboard.model.analysis.ratios import catalogue, ratio_series
from dashboard.model.analysis.releases import release_diff
from dashboard.model.analysis.tables import in_words
from dashboard.model.analysis.verdicts import evaluate
from dashboard.model.analysis.windows import (
    BASIS_WORDS,
    DEFAULT_WINDOW_EVENTS,
    WINDOW_BASES,
    event_windows,
    gap_ratios,
    growth,
    window_summary,
)
from dashboard.model.derived import with_derived
from dashboard.model.metrics import world
from fetchers.store.status import overdue  # one owner: the freshness policy

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
    "indicator_titles",
    "need_sentence",
    "need_table",
    "overdue",
    "pair_names",
    "ratio_series",
    "release_diff",
    "revert",
    "window_summary",
    "world_share",
    "worst_flag",
]

NOT_CAUSAL = "Descriptive, not causal: these figures say how the numbers moved, not why they moved."


def indicator_titles() -> Mapping[str, str]:
    """Each catalogued and derived indicator's name as the analysis shows it, unit included."""
    titles = {}
    for item in catalogue().indicators:
        plain = not any(mark in item.title for mark in ("US$", "%", "("))
        titles[item.id] = f"{item.title} ({item.unit})" if plain else item.title
    titles.update({item.id: item.title for item in catalogue().derived})
    return titles


@dataclass(frozen=True)
class Options:
    """What to analyse: event windows (event titles, N, basis), tolerance, claims, names.

    window_basis "real" (default: GDP growth at constant prices, SIPRI constant US$) or
    "nominal" (market-rate US$, a labelled alternative); window_indicators, when given, replace
    the basis's series. titles: indicator id → name (default: the catalogue's).
    """

    window_events: tuple[str, ...] = DEFAULT_WINDOW_EVENTS  # event titles
    window_years: int = 3
    window_basis: str = "real"
    window_indicators: tuple[str, ...] = ()
    tolerance: float = 0.005  # cross-source: relative difference above which a pair is listed
    claims: tuple[Claim, ...] = ()
    world: str = field(default_factory=world)  # the catalogue's aggregate (the World)
    world_indicators: tuple[str, ...] = DEFAULT_WORLD_INDICATORS
    names: Mapping[str, str] = field(default_factory=dict)  # ISO3 → display name
    titles: Mapping[str, str] = field(default_factory=indicator_titles)


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
    titles: Mapping[str, str] = field(default_factory=dict)  # indicator id → name
    window_basis: str = "real"
    basis_note: str = ""
    cross_source_note: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # ISO3 → display name


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
    # Load inputs.
    options = options or Options()
    if options.window_basis not in WINDOW_BASES:
        raise ValueError(
            f"window_basis {options.window_basis!r} is not one of {', '.join(WINDOW_BASES)}"
        )
    countries = (*pair, *comparators)
    titles = options.titles
    notes: list[str] = []
    # Process data.
    diff = release_diff(frame, history, runs)  # stored rows only: nothing computed is a release
    if "run_id" not in frame.columns:
        notes.append(
            "Values added by the latest release are not listed: the observations passed in "
            "do not say which run added them."
        )
    # Stand-ins where a source's own series is absent (GDP at PPP from per capita × population).
    stand_ins = [d for d in catalogue().derived if d.stands_in_for]
    computed = with_derived(frame, stand_ins, pair)
    need = need_table(computed, pair)
    claims, evidence = claim_table(
        computed, history, runs, options.claims, pair, options.names, titles
    )
    chosen = [e for e in events if e.title in options.window_events]
    missing = sorted(set(options.window_events) - {e.title for e in chosen})
    if missing:
        notes.append(f"Event windows: not in the event register: {', '.join(missing)}.")
    indicators = options.window_indicators or WINDOW_BASES[options.window_basis]
    cross = cross_source(computed, runs, countries, options.tolerance)
    # Save outputs.
    return Analysis(
        pair=pair,
        need=need,
        kpi=need_sentence(need, pair, options.names),
        claims=claims,
        evidence=evidence,
        windows=event_windows(
            computed, chosen, indicators, countries, pair, options.window_years, titles
        ),
        gaps=gap_ratios(computed, indicators, pair),
        basis=basis_table(computed, pair),
        release_diff=diff,
        cross_source=cross,
        world_share=world_share(
            computed, options.world_indicators, countries, options.world, titles
        ),
        tolerance=options.tolerance,
        notes=tuple(notes),
        titles=titles,
        window_basis=BASIS_WORDS[options.window_basis],
        basis_note=base_year_check(computed, pair, dict(options.names)),
        cross_source_note=cross_source_text(cross, options.tolerance),
        names=options.names,
    )


def analysis_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The analysis as named tables for XLSX sheets and CSV files: headers in words, ids kept."""
    claims = analysis.claims.merge(
        analysis.evidence, left_on="id", right_on="claim", how="left", suffixes=("", "_series")
    ).drop(columns=["claim"])
    diff = analysis.release_diff
    at = list(diff.columns).index("indicator") + 1
    diff = diff.copy()
    diff.insert(at, "indicator_name", [analysis.titles.get(i, i) for i in diff["indicator"]])
    tables = {
        "Need": analysis.need,
        "Claims": claims,
        "Event windows": analysis.windows,
        "Basis": analysis.basis,
        "Release diff": diff,
        "Cross-source": analysis.cross_source,
        "World share": analysis.world_share,
    }
    return {
        sheet: in_words(table, pair_names(analysis), analysis.names)
        for sheet, table in tables.items()
    }


def pair_names(analysis: Analysis) -> tuple[str, str]:
    """The pair's display names."""
    a, b = analysis.pair
    return analysis.names.get(a, a), analysis.names.get(b, b)
