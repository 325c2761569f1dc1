"""A claim's verdict under its stated rule: window means, a tolerance band, a common end year."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from config.claims import Claim
from dashboard.model.analysis.flags import worst_flag
from dashboard.model.analysis.need import WTO_NOTE, need_table
from dashboard.model.analysis.ratios import ratio_series, unit_of_series, used_series
from dashboard.model.numbers import Unit, amount, share, signed, times

STATUSES = ("holds", "does not hold", "mixed", "insufficient data")


@dataclass(frozen=True)
class Verdict:
    """A claim's status, one line per series, the evidence rows and what was missing."""

    status: str
    summary: str
    items: list[dict] = field(default_factory=list)
    end_year: int | None = None
    missing: tuple[str, ...] = ()
    span: str = ""  # the years compared, first to last


def evaluate(
    frame: pd.DataFrame,
    claim: Claim,
    pair: tuple[str, str],
    titles: Mapping[str, str] | None = None,
) -> Verdict:
    """One claim's verdict under its rule (see config/claims.toml), with the numbers behind it."""
    titles = titles or {}
    if claim.kind == "needs_more":
        return _needs_more(frame, claim, pair)
    return _gap(frame, claim, pair, titles)


# --- gap claims ------------------------------------------------------------------------------
def _gap(
    frame: pd.DataFrame, claim: Claim, pair: tuple[str, str], titles: Mapping[str, str]
) -> Verdict:
    """Each series' mean ratio in the reference window against the latest common window."""
    first = claim.start if claim.kind == "gap_widened" else claim.period[0]  # type: ignore[index]
    reference = (first - claim.years, first - 1)
    # The latest window may not begin before `start` (widened) or within the period (not closed).
    earliest = claim.start if claim.kind == "gap_widened" else claim.period[1] + 1  # type: ignore[index]
    ratios = {s: ratio_series(frame, s, pair) for s in claim.series}
    why: dict[str, str] = {}
    for series, rows in ratios.items():
        years = set(rows["year"])
        lacking = [y for y in range(reference[0], reference[1] + 1) if y not in years]
        if rows.empty:
            why[series] = "no year with both countries"
        elif lacking:
            why[series] = f"no ratio in {_years(lacking)}"
    end = _common_end(ratios, why, claim.years, earliest)
    latest = (end - claim.years + 1, end) if end is not None else (0, 0)
    items = []
    for series in claim.series:
        name = titles.get(series, series)
        rows = ratios[series].set_index("year")
        if series not in why:
            lacking = [y for y in range(latest[0], latest[1] + 1) if y not in rows.index]
            if lacking:
                why[series] = f"no ratio in {_years(lacking)}"
        if series in why:
            items.append(_missing(series, name, why[series]))
            continue
        used = used_series(frame, series, pair)
        items.append(
            _compare(rows, series, name, reference, latest, claim, unit_of_series(frame, used))
        )
        if used != series:
            items[-1]["note"] = f"computed stand-in {titles.get(used, used)}"
    return _verdict(claim, items, end, reference[0])


def _common_end(
    ratios: Mapping[str, pd.DataFrame], why: dict[str, str], years: int, earliest: int
) -> int | None:
    """The last year every usable series has; a series ending too early is set aside (in `why`)."""
    while True:
        ends = {s: int(r["year"].max()) for s, r in ratios.items() if s not in why}
        if not ends:
            return None
        end = min(ends.values())
        if end - years + 1 >= earliest:
            return end
        shortest = min(ends, key=ends.get)
        why[shortest] = f"ends in {ends[shortest]}, before a full window from {earliest}"


def _compare(
    rows: pd.DataFrame,
    series: str,
    name: str,
    reference: tuple[int, int],
    latest: tuple[int, int],
    claim: Claim,
    unit: Unit,
) -> dict:
    """One series' window means of the ratio and the difference, and the move between them."""
    ref = rows.loc[reference[0] : reference[1]]
    new = rows.loc[latest[0] : latest[1]]
    ref_ratio, new_ratio = float(ref["ratio"].mean()), float(new["ratio"].mean())
    ref_diff, new_diff = float(ref["difference"].mean()), float(new["difference"].mean())
    change = new_ratio / ref_ratio - 1
    moved = (
        "widened"
        if change > claim.tolerance
        else "narrowed"
        if change < -claim.tolerance
        else "steady"
    )
    holds = moved == claim.direction if claim.kind == "gap_widened" else moved != "narrowed"
    return {
        **_item(series, name),
        "reference_years": f"{reference[0]}–{reference[1]}",
        "reference_ratio": ref_ratio,
        "latest_years": f"{latest[0]}–{latest[1]}",
        "latest_ratio": new_ratio,
        "ratio_change_pct": change * 100,
        "reference_difference": ref_diff,
        "latest_difference": new_diff,
        "unit": unit,
        "last_year": int(rows.index.max()),
        "movement": moved,
        "verdict": "holds" if holds else "does not hold",
        "flag": worst_flag(*ref["flag"], *new["flag"]),
        "result": (
            f"ratio {times(ref_ratio, True)} ({reference[0]}–{reference[1]} mean) → {times(new_ratio, True)} "
            f"({latest[0]}–{latest[1]} mean), {signed(change * 100, 0, '%')}: {moved}; difference "
            f"{amount(ref_diff, unit)} → {amount(new_diff, unit)}"
        ),
    }


def _verdict(claim: Claim, items: list[dict], end: int | None, first: int) -> Verdict:
    """The claim's status from its items under the rule's minimum number of series."""
    missing = tuple(i["series_name"] for i in items if i["verdict"] == "no data")
    known = [i["verdict"] for i in items if i["verdict"] != "no data"]
    lines = [f"{i['series_name']}: {i['result']}" for i in items]
    if len(known) < claim.needed:
        status = "insufficient data"
        lines.insert(
            0, f"{len(known)} of {len(items)} series with data; the rule needs {claim.needed}"
        )
    else:
        status = _status(known)
        later = [
            f"{i['series_name']} to {i['last_year']}"
            for i in items
            if i["verdict"] != "no data" and end is not None and i["last_year"] > end
        ]
        if later:
            lines.insert(0, f"common end year {end} (later years left out: {', '.join(later)})")
    span = f"{first}–{end}" if end is not None else ""
    return Verdict(status, "; ".join(lines), items, end, missing, span)


# --- need claims -----------------------------------------------------------------------------
def _needs_more(frame: pd.DataFrame, claim: Claim, pair: tuple[str, str]) -> Verdict:
    """The other's mean share of `country`'s trade against `country`'s mean share of the other's."""
    name = "trade shares (UN Comtrade; WTO totals where a country stopped reporting)"
    need = need_table(frame, pair).dropna(subset=["need_ratio"])
    if claim.start is not None:
        need = need[need["year"] >= claim.start]
    if claim.country not in pair or len(need) < claim.years:
        why = f"{len(need)} year(s) with both countries' trade shares; the rule needs {claim.years}"
        item = _missing("trade shares", name, why)
        return Verdict("insufficient data", f"{name}: {item['result']}", [item], None, (name,))
    window = need.tail(claim.years)
    # A's share of B's trade is the share B's trade "needs" A; the country said to need more is B
    # when it is the pair's second.
    mine, other = ("a_share_of_b", "b_share_of_a")
    if claim.country == pair[0]:
        mine, other = other, mine
    need_of, need_by = float(window[mine].mean()), float(window[other].mean())
    ratio = need_of / need_by
    held = int((need[mine] > need[other]).sum())
    first, last = int(window["year"].iloc[0]), int(window["year"].iloc[-1])
    holds = ratio > 1 + claim.tolerance
    wto = " (" + WTO_NOTE + ")" if window["source_note"].astype(bool).any() else ""
    item = {
        **_item("trade shares", name),
        "latest_years": f"{first}–{last}",
        "latest_ratio": ratio,
        "last_year": last,
        "movement": "",
        "verdict": "holds" if holds else "does not hold",
        "flag": worst_flag(*window["flag"]),
        "note": WTO_NOTE if wto else "",
        "result": (
            f"{first}–{last} mean: the other takes {share(need_of)} of {claim.country}'s goods "
            f"trade, {claim.country} {share(need_by)} of the other's ({times(ratio)}){wto}; "
            f"more in {held} of {len(need)} years"
        ),
    }
    summary = f"{name}: {item['result']}"
    return Verdict(item["verdict"], summary, [item], last, (), f"{first}–{last}")


# --- helpers ---------------------------------------------------------------------------------
def _item(series: str, name: str) -> dict:
    """An evidence row with no data yet."""
    return {
        "series": series,
        "series_name": name,
        "reference_years": "",
        "reference_ratio": math.nan,
        "latest_years": "",
        "latest_ratio": math.nan,
        "ratio_change_pct": math.nan,
        "reference_difference": math.nan,
        "latest_difference": math.nan,
        "unit": "",
        "last_year": None,
        "movement": "",
        "result": "",
        "verdict": "no data",
        "flag": "",
        "note": "",
    }


def _missing(series: str, name: str, why: str) -> dict:
    """An evidence row for a series the rule cannot use, saying why."""
    return {**_item(series, name), "result": f"missing ({why})"}


def _status(verdicts: Sequence[str]) -> str:
    """Holds if every series with data holds, does not hold if none does, else mixed."""
    if all(v == "holds" for v in verdicts):
        return "holds"
    if not any(v == "holds" for v in verdicts):
        return "does not hold"
    return "mixed"


def _years(years: Sequence[int]) -> str:
    """2011, 2012 — at most three years, then how many more."""
    shown = ", ".join(str(y) for y in years[:3])
    return shown + (f" and {len(years) - 3} more" if len(years) > 3 else "")
