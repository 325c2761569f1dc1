"""The analysis no other dashboard has (issue 14): pure functions over tidy frames, one entry point.

Every figure here is descriptive, not causal: it says how the numbers moved, not why.
Every derived figure carries `flag`, the worst flag of its inputs (see FLAG_ORDER).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from config.claims import Claim
from config.events import Event
from dashboard import metrics

# Worst last: a derived figure takes the worst flag of its inputs. "uncertain" (SIPRI's highly
# uncertain) outranks "estimate", which outranks "mirror" (the partner's report standing in).
FLAG_ORDER = ("", "mirror", "estimate", "uncertain")
GOOD_RUNS = ("ok", "partial", "unchanged")
WRITING_RUNS = ("ok", "partial")  # runs that store values (and so history)
KEY = ["source", "indicator", "country", "partner", "year"]
NOT_CAUSAL = "Descriptive, not causal: these figures say how the numbers moved, not why they moved."
DEFAULT_WINDOW_EVENTS = (
    "Russia annexes Crimea",
    "US National Security Strategy names China and Russia revisionist powers",
    'Munich Security Report 2018, "To the Brink – and Back?"',
)
DEFAULT_WINDOW_INDICATORS = (
    "NY.GDP.MKTP.CD",
    "NY.GDP.MKTP.PP.CD",
    "SIPRI.MILEX.CONSTANT_USD",
    "NE.EXP.GNFS.CD",
    "BX.KLT.DINV.CD.WD",
)
DEFAULT_WORLD_INDICATORS = (
    "NY.GDP.MKTP.CD",
    "NY.GDP.MKTP.PP.CD",
    "MS.MIL.XPND.CD",
    "NE.EXP.GNFS.CD",
    "SP.POP.TOTL",
)
# (comparison, first indicator, its basis, second indicator, its basis)
BASIS_PAIRS = (
    ("GDP", "NY.GDP.MKTP.CD", "market exchange rates", "NY.GDP.MKTP.PP.CD", "PPP"),
    (
        "Military spending (SIPRI)",
        "SIPRI.MILEX.CURRENT_USD",
        "current US$",
        "SIPRI.MILEX.CONSTANT_USD",
        "constant US$",
    ),
)
CROSS_WB, CROSS_SIPRI = "MS.MIL.XPND.CD", "SIPRI.MILEX.CURRENT_USD"
SIPRI_SCALE = 1e6  # SIPRI publishes US$ millions; the World Bank US$


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


# --- flags and growth ----------------------------------------------------------------------
def worst_flag(*flags: object) -> str:
    """The worst of the given flags by FLAG_ORDER; flags outside it (missing values) count as ''."""
    rank = [FLAG_ORDER.index(f) for f in flags if f in FLAG_ORDER]
    return FLAG_ORDER[max(rank)] if rank else ""


def growth(values: Mapping[int, float], first: int, last: int) -> tuple[float, str]:
    """Average annual growth (CAGR, %) from `first` to `last`, or NaN and the reason.

    CAGR = (v_last / v_first) ^ (1 / (last − first)) − 1, in percent; undefined when either value
    is missing or ≤ 0.
    """
    problems = [
        f"{year} missing" if _missing(values.get(year)) else f"{year} value ≤ 0"
        for year in (first, last)
        if _missing(values.get(year)) or values[year] <= 0
    ]
    if problems:
        return math.nan, "; ".join(problems)
    return metrics.cagr(values[first], values[last], last - first), ""


def overdue(last_release: date, cadence_days: int, today: date) -> bool:
    """True when the newest release is older than twice the source's usual cadence."""
    return today - last_release > timedelta(days=2 * cadence_days)


# --- 1. asymmetry of need -------------------------------------------------------------------
def need_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """Per year: A's share of B's goods trade, B's share of A's, and their ratio (need ratio).

    Share of X's goods trade with Y = (exports X→Y + imports X←Y) ÷ (exports X→world + imports
    X←world) × 100, from X's own rows (metrics.trade_share); flagged "mirror" where a bilateral
    value is the partner's report. Need ratio = A's share of B's trade ÷ B's share of A's.
    """
    a, b = pair
    shares = metrics.trade_share(frame, pair).set_index(["country", "year"])
    columns = ["year", "a_share_of_b", "b_share_of_a", "need_ratio", "flag_b", "flag_a", "flag"]
    if shares.empty:
        return pd.DataFrame(columns=columns)
    of_b = shares.xs(b, level="country") if b in shares.index.levels[0] else shares.iloc[0:0]
    of_a = shares.xs(a, level="country") if a in shares.index.levels[0] else shares.iloc[0:0]
    table = pd.DataFrame(
        {
            "a_share_of_b": of_b["value"],
            "b_share_of_a": of_a["value"],
            "flag_b": of_b["flag"],
            "flag_a": of_a["flag"],
        }
    ).sort_index()
    table["flag_b"] = table["flag_b"].fillna("")
    table["flag_a"] = table["flag_a"].fillna("")
    table["need_ratio"] = (table["a_share_of_b"] / table["b_share_of_a"]).replace(
        [np.inf, -np.inf], np.nan
    )
    table["flag"] = _worst(table["flag_b"], table["flag_a"])
    table.index.name = "year"
    return table.reset_index()[columns]


def need_sentence(need: pd.DataFrame, pair: tuple[str, str], names: Mapping[str, str]) -> str:
    """'China takes 35% of Russia's goods trade; Russia 4% of China's (2023).' for the latest year."""
    both = need.dropna(subset=["a_share_of_b", "b_share_of_a"])
    if both.empty:
        return ""
    row = both.iloc[-1]
    a, b = (names.get(c, c) for c in pair)
    mirror = " (partner-reported data)" if "mirror" in (row["flag_a"], row["flag_b"]) else ""
    return (
        f"{a} takes {_pct(row['a_share_of_b'])} of {b}'s goods trade; {b} "
        f"{_pct(row['b_share_of_a'])} of {a}'s ({int(row['year'])}){mirror}."
    )


# --- 2. claims ------------------------------------------------------------------------------
def claim_table(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    runs: pd.DataFrame,
    claims: Sequence[Claim],
    pair: tuple[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each claim's verdict with the numbers behind it, and the release at which it last changed.

    "Last changed": the data are walked back one writing run at a time (each run's history rows
    reverted to their old values, and, where `frame` has run_id, the values it added dropped);
    the claim's release of last change is the latest run after which its verdict differs from
    the verdict on the data as they were before that run.
    """
    verdicts = [evaluate(frame, c, pair) for c in claims]
    changed = _last_changes(frame, history, runs, claims, [v[0] for v in verdicts], pair)
    rows, evidence = [], []
    for claim, (status, summary, items), change in zip(claims, verdicts, changed, strict=True):
        years = sorted({y for i in items for y in (i["first_year"], i["last_year"]) if y})
        rows.append(
            {
                "id": claim.id,
                "text": claim.text,
                "kind": claim.kind,
                "status": status,
                "summary": summary,
                "years": f"{years[0]}–{years[-1]}" if years else "",
                "flag": worst_flag(*(i["flag"] for i in items)),
                **change,
            }
        )
        evidence.extend({"claim": claim.id, **i} for i in items)
    claim_columns = ["id", "text", "kind", "status", "summary", "years", "flag", *_NO_CHANGE]
    evidence_columns = [
        "claim",
        "series",
        "first_year",
        "first_value",
        "last_year",
        "last_value",
        "result",
        "verdict",
        "flag",
        "note",
    ]
    evidence_table = pd.DataFrame(evidence, columns=evidence_columns)
    for column in ("first_year", "last_year"):
        evidence_table[column] = evidence_table[column].astype("Int64")
    return pd.DataFrame(rows, columns=claim_columns), evidence_table


def evaluate(frame: pd.DataFrame, claim: Claim, pair: tuple[str, str]) -> tuple[str, str, list]:
    """One claim's status ("holds", "does not hold", "mixed", "no data"), summary and evidence."""
    if claim.kind == "needs_more":
        items = [_needs_more(frame, claim, pair)]
    elif claim.kind == "gap_widened":
        items = [_gap_widened(frame, s, claim, pair) for s in claim.series]
    else:
        items = [_gap_not_closed(frame, s, claim, pair) for s in claim.series]
    status = _status([i["verdict"] for i in items])
    summary = "; ".join(f"{i['series']}: {i['result']}" for i in items)
    return status, summary, items


def ratio_series(frame: pd.DataFrame, indicator: str, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B per year for one indicator where both values are > 0, with the worst input flag."""
    a, b = pair
    rows = metrics.headline(frame[frame["indicator"] == indicator].dropna(subset=["value"]))
    rows = rows[rows["country"].isin(pair)]
    values = rows.pivot_table(index="year", columns="country", values="value", aggfunc="first")
    flags = rows.pivot_table(index="year", columns="country", values="flag", aggfunc="first")
    if a not in values or b not in values:
        return pd.DataFrame(columns=["year", "ratio", "flag"])
    both = values[[a, b]].dropna()
    both = both[(both[a] > 0) & (both[b] > 0)]
    return pd.DataFrame(
        {
            "year": both.index.astype(int),
            "ratio": (both[a] / both[b]).values,
            "flag": [worst_flag(flags.at[y, a], flags.at[y, b]) for y in both.index],
        }
    )


def _gap_widened(frame: pd.DataFrame, series: str, claim: Claim, pair: tuple[str, str]) -> dict:
    """The ratio in the start year against the latest year; holds if it moved in `direction`."""
    ratios = ratio_series(frame, series, pair).set_index("year")
    item = _item(series)
    if claim.start not in ratios.index or ratios.index.max() <= claim.start:
        item["result"] = f"no data (no A÷B ratio in {claim.start} and a later year)"
        return item
    last = int(ratios.index.max())
    first_ratio, last_ratio = ratios.at[claim.start, "ratio"], ratios.at[last, "ratio"]
    moved = (
        "widened"
        if last_ratio > first_ratio
        else "narrowed"
        if last_ratio < first_ratio
        else "flat"
    )
    item.update(
        first_year=claim.start,
        first_value=first_ratio,
        last_year=last,
        last_value=last_ratio,
        verdict=_verdict(moved == claim.direction),
        flag=worst_flag(ratios.at[claim.start, "flag"], ratios.at[last, "flag"]),
        result=f"ratio {first_ratio:.2f} in {claim.start} → {last_ratio:.2f} in {last} ({moved})",
        note=_skipped(frame, series, pair, claim.start, ratios.index),
    )
    return item


def _gap_not_closed(frame: pd.DataFrame, series: str, claim: Claim, pair: tuple[str, str]) -> dict:
    """The ratio in the period's first year against every year from its last year on."""
    assert claim.period is not None  # the loader requires it for this kind
    start, end = claim.period
    ratios = ratio_series(frame, series, pair).set_index("year")
    after = ratios[ratios.index >= end]
    item = _item(series)
    if start not in ratios.index or after.empty:
        item["result"] = f"no data (no A÷B ratio in {start} and from {end} on)"
        return item
    base = ratios.at[start, "ratio"]
    low_year = int(after["ratio"].idxmin())
    last = int(after.index.max())
    low = after.at[low_year, "ratio"]
    item.update(
        first_year=start,
        first_value=base,
        last_year=last,
        last_value=after.at[last, "ratio"],
        verdict=_verdict(low >= base),
        flag=worst_flag(ratios.at[start, "flag"], *after["flag"]),
        result=(
            f"ratio {base:.2f} in {start}; lowest from {end} on {low:.2f} ({low_year}); "
            f"{after.at[last, 'ratio']:.2f} in {last}"
        ),
        note=_skipped(frame, series, pair, start, ratios.index),
    )
    return item


def _needs_more(frame: pd.DataFrame, claim: Claim, pair: tuple[str, str]) -> dict:
    """Whether the other's share of `country`'s trade exceeds `country`'s share of the other's."""
    need = need_table(frame, pair).dropna(subset=["need_ratio"])
    if claim.start is not None:
        need = need[need["year"] >= claim.start]
    item = _item("trade shares (UN Comtrade)")
    if need.empty or claim.country not in pair:
        item["result"] = "no data (no year with both countries' trade shares)"
        return item
    # need_ratio = A's share of B's trade ÷ B's share of A's: > 1 means B needs A more.
    ratio = need["need_ratio"] if claim.country == pair[1] else 1 / need["need_ratio"]
    held = int((ratio > 1).sum())
    first, last = need.iloc[0], need.iloc[-1]
    item.update(
        first_year=int(first["year"]),
        first_value=float(ratio.iloc[0]),
        last_year=int(last["year"]),
        last_value=float(ratio.iloc[-1]),
        verdict=_verdict(held == len(need)) if held in (0, len(need)) else "mixed",
        flag=worst_flag(*need["flag"]),
        result=(
            f"{pair[0]} {_pct(last['a_share_of_b'])} of {pair[1]}'s trade, {pair[1]} "
            f"{_pct(last['b_share_of_a'])} of {pair[0]}'s in {int(last['year'])}; "
            f"holds in {held} of {len(need)} years"
        ),
    )
    return item


def _item(series: str) -> dict:
    """An evidence row with no data yet."""
    return {
        "series": series,
        "first_year": None,
        "first_value": math.nan,
        "last_year": None,
        "last_value": math.nan,
        "result": "",
        "verdict": "no data",
        "flag": "",
        "note": "",
    }


def _verdict(holds: bool) -> str:
    """One item's verdict."""
    return "holds" if holds else "does not hold"


def _skipped(
    frame: pd.DataFrame, series: str, pair: tuple[str, str], start: int, kept: pd.Index
) -> str:
    """Years after `start` with both values but left out because one was ≤ 0."""
    rows = metrics.headline(frame[frame["indicator"] == series].dropna(subset=["value"]))
    rows = rows[rows["country"].isin(pair) & (rows["year"] > start)]
    counts = rows.groupby("year")["country"].nunique()
    dropped = sorted(int(y) for y in counts[counts == 2].index if y not in kept)
    if not dropped:
        return ""
    return f"left out (a value ≤ 0): {', '.join(map(str, dropped))}"


def _status(verdicts: Sequence[str]) -> str:
    """Holds if every item with data holds, does not hold if none does, else mixed."""
    known = {v for v in verdicts if v != "no data"}
    if not known:
        return "no data"
    if len(known) == 1:
        return known.pop()
    return "mixed"


_NO_CHANGE = ("last_changed_run", "last_changed_release", "last_changed_at")


def _last_changes(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    runs: pd.DataFrame,
    claims: Sequence[Claim],
    current: Sequence[str],
    pair: tuple[str, str],
) -> list[dict]:
    """For each claim, the run (and its release) after which its verdict last changed."""
    found: list[dict | None] = [None] * len(claims)
    writing = sorted(
        {int(r) for r in history.get("run_id", [])}
        | ({int(r) for r in frame["run_id"].dropna()} if "run_id" in frame else set()),
        reverse=True,
    )
    state = frame
    for run_id in writing:
        if all(f is not None for f in found):
            break
        state = revert(state, history, run_id)
        for n, claim in enumerate(claims):
            if found[n] is None and evaluate(state, claim, pair)[0] != current[n]:
                found[n] = _run_info(runs, run_id)
    return [f or dict.fromkeys(_NO_CHANGE, "") for f in found]


def revert(frame: pd.DataFrame, history: pd.DataFrame, run_id: int) -> pd.DataFrame:
    """The observations as they were before run `run_id`: its revisions undone, its additions gone.

    Additions are known only from `frame`'s run_id column (the run that last wrote each row).
    """
    revised = history[history["run_id"] == run_id] if len(history) else history
    out = frame.set_index(KEY)
    if len(revised):
        old = revised.drop_duplicates(KEY, keep="first").set_index(KEY)
        common = out.index.intersection(old.index)
        out.loc[common, "value"] = old.loc[common, "old_value"].astype("float64").values
        out.loc[common, "flag"] = old.loc[common, "old_flag"].values
        if "run_id" in out:
            out.loc[common, "run_id"] = np.nan
    else:
        common = out.index[:0]
    if "run_id" in out:
        added = (out["run_id"] == run_id) & ~out.index.isin(common)
        out = out[~added]
    return out.reset_index()


def _run_info(runs: pd.DataFrame, run_id: int) -> dict:
    """The run's id, release and finish time as the claim table shows them."""
    row = runs[runs["id"] == run_id] if len(runs) else runs
    if row.empty:
        return {"last_changed_run": run_id, "last_changed_release": "", "last_changed_at": ""}
    first = row.iloc[0]
    return {
        "last_changed_run": run_id,
        "last_changed_release": f"{first['source']} {first.get('release', '') or ''}".strip(),
        "last_changed_at": str(first.get("finished_at", "") or ""),
    }


# --- 3. event windows -----------------------------------------------------------------------
def event_windows(
    frame: pd.DataFrame,
    events: Sequence[Event],
    indicators: Sequence[str],
    countries: Sequence[str],
    pair: tuple[str, str],
    years: int,
) -> pd.DataFrame:
    """Per event, indicator and country: CAGR before [E−N, E] and after [E, E+N], and the change.

    E is the event's start year (its calendar year, even for an event late in the year); the
    change is after − before in percentage points; did_pp, on every row of an event and
    indicator, is the first of the pair's change minus the second's (difference-in-differences).
    """
    rows = []
    data = metrics.headline(frame.dropna(subset=["value"]))
    for event in events:
        e = event.start.year
        late = (
            f"event in {event.start:%B %Y}: its calendar year {e} is the event year"
            if event.start.month >= 10
            else ""
        )
        for indicator in indicators:
            series = data[data["indicator"] == indicator]
            if series.empty:
                continue
            for country in countries:
                own = series[series["country"] == country]
                values = dict(zip(own["year"].astype(int), own["value"], strict=True))
                flags = dict(zip(own["year"].astype(int), own["flag"], strict=True))
                before, why_before = growth(values, e - years, e)
                after, why_after = growth(values, e, e + years)
                rows.append(
                    {
                        "event": event.title,
                        "event_label": event.label,
                        "event_year": e,
                        "indicator": indicator,
                        "country": country,
                        "before_years": f"{e - years}–{e}",
                        "after_years": f"{e}–{e + years}",
                        "before_pct": before,
                        "after_pct": after,
                        "change_pp": after - before,
                        "flag": worst_flag(*(flags.get(y, "") for y in (e - years, e, e + years))),
                        "note": "; ".join(t for t in (why_before, why_after, late) if t),
                    }
                )
    columns = [
        "event",
        "event_label",
        "event_year",
        "indicator",
        "country",
        "before_years",
        "after_years",
        "before_pct",
        "after_pct",
        "change_pp",
        "did_pp",
        "flag",
        "note",
    ]
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "did_pp"])
    if table.empty:
        return pd.DataFrame(columns=columns)
    change = table.set_index(["event", "indicator", "country"])["change_pp"]
    a, b = pair
    table["did_pp"] = [
        change.get((ev, ind, a), math.nan) - change.get((ev, ind, b), math.nan)
        for ev, ind in zip(table["event"], table["indicator"], strict=True)
    ]
    return table[columns]


def window_summary(windows: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """The event-window table for the pair, one row per event and indicator, side by side."""
    a, b = pair
    keys = ["event", "event_label", "event_year", "indicator", "before_years", "after_years"]
    own = {c: windows[windows["country"] == c].set_index(keys) for c in pair}
    if own[a].empty or own[b].empty:
        return pd.DataFrame()
    table = own[a][["before_pct", "after_pct", "change_pp"]].add_prefix("a_")
    table = table.join(own[b][["before_pct", "after_pct", "change_pp"]].add_prefix("b_"))
    table["did_pp"] = table["a_change_pp"] - table["b_change_pp"]
    table = table.join(own[a]["flag"].rename("flag_a")).join(own[b]["flag"].rename("flag_b"))
    table["flag"] = _worst(table.pop("flag_a"), table.pop("flag_b"))
    return table.reset_index()


def gap_ratios(
    frame: pd.DataFrame, indicators: Sequence[str], pair: tuple[str, str]
) -> pd.DataFrame:
    """A ÷ B per year for each indicator (the line the event windows are shaded on)."""
    parts = [ratio_series(frame, i, pair).assign(indicator=i) for i in indicators]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["indicator", "year", "ratio", "flag"])
    return pd.concat(parts, ignore_index=True)[["indicator", "year", "ratio", "flag"]]


# --- 4. basis switch ------------------------------------------------------------------------
def basis_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B per year under two bases side by side, their difference and the basis effect.

    basis_effect_pct = (1 − second ratio ÷ first ratio) × 100: for GDP, the part of the ratio at
    market exchange rates that disappears at PPP (the exchange-rate part); for SIPRI, the part
    of the current-US$ ratio that disappears at constant prices and exchange rates.
    """
    parts = []
    for comparison, first, first_basis, second, second_basis in BASIS_PAIRS:
        one = ratio_series(frame, first, pair).set_index("year")
        two = ratio_series(frame, second, pair).set_index("year")
        both = one.add_suffix("_1").join(two.add_suffix("_2"), how="inner")
        if both.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "comparison": comparison,
                    "year": both.index.astype(int),
                    "first_indicator": first,
                    "first_basis": first_basis,
                    "first_ratio": both["ratio_1"].values,
                    "second_indicator": second,
                    "second_basis": second_basis,
                    "second_ratio": both["ratio_2"].values,
                    "difference": (both["ratio_1"] - both["ratio_2"]).values,
                    "basis_effect_pct": ((1 - both["ratio_2"] / both["ratio_1"]) * 100).values,
                    "flag": _worst(both["flag_1"], both["flag_2"]),
                }
            )
        )
    columns = [
        "comparison",
        "year",
        "first_indicator",
        "first_basis",
        "first_ratio",
        "second_indicator",
        "second_basis",
        "second_ratio",
        "difference",
        "basis_effect_pct",
        "flag",
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


# --- 5. release diff ------------------------------------------------------------------------
DIFF_COLUMNS = [
    "source",
    "release",
    "previous_release",
    "run_id",
    "indicator",
    "country",
    "partner",
    "year",
    "change",
    "old_value",
    "new_value",
    "difference",
    "difference_pct",
    "old_flag",
    "new_flag",
]


def release_diff(frame: pd.DataFrame, history: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """What each source's latest stored release changed against the release before it.

    From the history rows of each source's latest writing run: "revised" (old and new values),
    "flag changed", "new value" (none before) and "removed" (no value now). "added" rows (values
    the store did not hold) come from `frame`'s run_id column when it has one.
    """
    parts = []
    if runs.empty:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    for source, own in runs.groupby("source"):
        writing = own[own["status"].isin(WRITING_RUNS)].sort_values("id")
        if writing.empty:
            continue
        latest = writing.iloc[-1]
        run_id = int(latest["id"])
        before = own[(own["id"] < run_id) & own["status"].isin(GOOD_RUNS)].sort_values("id")
        previous = str(before.iloc[-1]["release"] or "") if not before.empty else ""
        revised = history[history["run_id"] == run_id] if len(history) else history
        rows = revised.assign(change=[_change(r) for r in revised.to_dict("records")])
        if "run_id" in frame:
            added = frame[(frame["source"] == source) & (frame["run_id"] == run_id)]
            added = added.merge(revised[KEY], on=KEY, how="left", indicator=True)
            added = added[added["_merge"] == "left_only"]
            rows = pd.concat(
                [
                    rows,
                    pd.DataFrame(
                        {
                            **{k: added[k].values for k in KEY},
                            "old_value": math.nan,
                            "new_value": added["value"].values,
                            "old_flag": "",
                            "new_flag": added["flag"].values,
                            "change": "added",
                        }
                    ),
                ],
                ignore_index=True,
            )
        if rows.empty:
            continue
        rows = rows.assign(
            source=source,
            release=str(latest["release"] or ""),
            previous_release=previous,
            run_id=run_id,
            difference=rows["new_value"] - rows["old_value"],
            difference_pct=(rows["new_value"] / rows["old_value"] - 1) * 100,
        )
        parts.append(rows[DIFF_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=DIFF_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["difference_pct"] = out["difference_pct"].replace([np.inf, -np.inf], np.nan)
    return out.sort_values(["source", "indicator", "country", "partner", "year"], ignore_index=True)


def _change(row: Mapping) -> str:
    """What a history row records."""
    old, new = row["old_value"], row["new_value"]
    if _missing(old) and not _missing(new):
        return "new value"
    if not _missing(old) and _missing(new):
        return "removed"
    if _missing(old) or old == new:
        return "flag changed"
    return "revised"


# --- 6. cross-source check ------------------------------------------------------------------
def cross_source(
    frame: pd.DataFrame, runs: pd.DataFrame, countries: Sequence[str], tolerance: float
) -> pd.DataFrame:
    """World Bank MS.MIL.XPND.CD against SIPRI current US$ m × 10⁶, per country and year.

    relative_difference = |WB − SIPRI × 10⁶| ÷ (SIPRI × 10⁶); over_tolerance when above
    `tolerance`. Each value carries its source's latest stored release.
    """
    data = metrics.headline(frame.dropna(subset=["value"]))
    data = data[data["country"].isin(countries)]
    keys = ["country", "year"]
    wb = data[data["indicator"] == CROSS_WB][[*keys, "value", "flag"]]
    sipri = data[data["indicator"] == CROSS_SIPRI][[*keys, "value", "flag"]]
    both = wb.merge(sipri, on=keys, suffixes=("_wb", "_sipri"))
    sipri_usd = both["value_sipri"] * SIPRI_SCALE
    difference = both["value_wb"] - sipri_usd
    relative = (difference.abs() / sipri_usd).where(sipri_usd > 0)
    releases = _releases(runs)
    return pd.DataFrame(
        {
            "country": both["country"],
            "year": both["year"].astype(int),
            "worldbank_usd": both["value_wb"],
            "sipri_usd": sipri_usd,
            "difference_usd": difference,
            "relative_difference_pct": relative * 100,
            "over_tolerance": relative > tolerance,
            "worldbank_release": releases.get("worldbank", ""),
            "sipri_release": releases.get("sipri", ""),
            "flag": _worst(both["flag_wb"], both["flag_sipri"]),
        }
    ).sort_values(keys, ignore_index=True)


def _releases(runs: pd.DataFrame) -> dict[str, str]:
    """Each source's release of its latest good run."""
    if runs.empty:
        return {}
    good = runs[runs["status"].isin(GOOD_RUNS)].sort_values("id")
    return {s: str(g.iloc[-1]["release"] or "") for s, g in good.groupby("source")}


# --- 8. wider comparison --------------------------------------------------------------------
def world_share(
    frame: pd.DataFrame, indicators: Sequence[str], countries: Sequence[str], world: str
) -> pd.DataFrame:
    """Each country's share (%) of the world aggregate, where the source publishes one."""
    data = metrics.headline(frame.dropna(subset=["value"]))
    data = data[data["indicator"].isin(indicators)]
    totals = data[data["country"] == world][["indicator", "year", "value", "flag"]]
    own = data[data["country"].isin(countries)]
    both = own.merge(totals, on=["indicator", "year"], suffixes=("", "_world"))
    both = both[both["value_world"] > 0]
    return pd.DataFrame(
        {
            "indicator": both["indicator"],
            "country": both["country"],
            "year": both["year"].astype(int),
            "value": both["value"],
            "world_value": both["value_world"],
            "share_pct": both["value"] / both["value_world"] * 100,
            "flag": _worst(both["flag"], both["flag_world"]),
        }
    ).reset_index(drop=True)


# --- exports --------------------------------------------------------------------------------
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


# --- helpers --------------------------------------------------------------------------------
def _worst(*columns: Sequence[object]) -> list[str]:
    """Row by row, the worst flag across columns."""
    return [worst_flag(*flags) for flags in zip(*columns, strict=True)]


def _missing(value: object) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pct(value: float) -> str:
    """A share for a sentence: one decimal below 10%, whole numbers above."""
    return f"{value:.1f}%" if abs(value) < 10 else f"{value:.0f}%"
