"""A claim's verdict: does it hold on the data, with the numbers behind it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from config.claims import Claim
from dashboard import metrics
from dashboard.analysis.flags import worst_flag
from dashboard.analysis.need import need_table, pct
from dashboard.analysis.ratios import ratio_series


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
            f"{pair[0]} {pct(last['a_share_of_b'])} of {pair[1]}'s trade, {pair[1]} "
            f"{pct(last['b_share_of_a'])} of {pair[0]}'s in {int(last['year'])}; "
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
