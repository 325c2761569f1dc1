"""The headline comparisons in words: story sentences and KPI lines, from a Kpi and its unit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from config.catalogue import Indicator
from dashboard.model.metrics import Kpi
from dashboard.model.numbers import Unit, amount, bare, percent_change, points, times
from dashboard.model.state import ViewState


def headline(item: Indicator, unit: Unit, kpi: Kpi, names: Mapping[str, str],
             pair: tuple[str, str], ppp: Kpi | None = None) -> str:  # fmt: skip
    """One sentence that names its basis: 'China's GDP is 7.6× Russia's at market exchange
    rates (2025), up from 5.2× in 2014; at purchasing power parity 3.0× (2024), …'.

    For a series with PPP twins in the catalogue, `ppp` is the first twin's comparison; without
    it the sentence says that no PPP comparison is available.
    """
    a, b = names.get(pair[0], pair[0]), names.get(pair[1], pair[1])
    what = item.subject
    if unit.percent:
        return _shares(what, unit, kpi, a, b)
    if math.isnan(kpi.ratio):
        return no_ratio(what, unit, kpi, a, b)
    text = f"{a}'s {what} is {times(kpi.ratio)} {b}'s{BASIS_WORDS.get(unit.money, '')} ({kpi.year})"
    text += _since(kpi)
    if item.ppp_twins:
        text += _at_ppp(ppp)
    faster = _faster(kpi, a, b)
    if faster:
        text += f" — {_growth_basis(unit)}{faster}"
    return text + "."


# A money series' basis in a sentence (the catalogue's basis of money; other kinds say none).
BASIS_WORDS = {
    "constant prices": " at constant prices",
    "market exchange rates": " at market exchange rates",
    "purchasing power parity": " at purchasing power parity",
}


def _since(kpi: Kpi) -> str:
    """', up from 5.2× in 2014', ', as in 2014' or nothing."""
    if not _has_base(kpi):
        return ""
    old = times(kpi.base_ratio)
    if old == times(kpi.ratio):
        return f", as in {kpi.base_year}"
    direction = "up" if kpi.ratio > kpi.base_ratio else "down"
    return f", {direction} from {old} in {kpi.base_year}"


def _at_ppp(ppp: Kpi | None) -> str:
    """The same comparison at purchasing power parity, or that there is none to give."""
    if ppp is None or math.isnan(ppp.ratio):
        return "; no comparison at purchasing power parity is available in this view"
    return f"; at purchasing power parity {times(ppp.ratio)} ({ppp.year}){_since(ppp)}"


def _growth_basis(unit: Unit) -> str:
    """What 'grew' is measured in: 'in current US$ at market exchange rates, '."""
    if unit.money == "market exchange rates":
        return f"in current {unit.prefix.strip()} at market exchange rates, "
    if unit.money == "constant prices":
        return f"in {unit.basis}, "
    if unit.money == "purchasing power parity":
        return "at purchasing power parity, "
    return ""


def no_ratio(what: str, unit: Unit, kpi: Kpi, a: str, b: str) -> str:
    """Why there is no ratio: a zero or negative value, said with both values."""
    values = f"{a} {amount(kpi.a_value, unit)}, {b} {amount(kpi.b_value, unit)}"
    which = [n for n, v in ((a, kpi.a_value), (b, kpi.b_value)) if v <= 0]
    sign = "zero" if all(v == 0 for v in (kpi.a_value, kpi.b_value) if v <= 0) else "negative"
    return (f"No ratio for {what} in {kpi.year}: {' and '.join(which)}'s value is {sign} "
            f"({values}), and a ratio of such values means nothing.")  # fmt: skip


def ratio_line(kpi: Kpi, precise: bool = False) -> str:
    """The ratio's change: 'from 5.2× in 2014 to 7.6× (+47%)', or why there is none."""
    if math.isnan(kpi.ratio):
        return "no ratio: a value is zero or negative"
    if kpi.base_year >= kpi.year:
        return ""
    if math.isnan(kpi.base_ratio):
        return f"no ratio for {kpi.base_year} (no value for both, or one is not positive)"
    change = percent_change(kpi.ratio_change_pct)
    old, now = times(kpi.base_ratio, precise), times(kpi.ratio, precise)
    return f"from {old} in {kpi.base_year} to {now} ({change})"


def growth_line(unit: Unit, kpi: Kpi, a: str, b: str) -> str:
    """Each side's change since the base year: %/yr for amounts, percentage points for shares."""
    if kpi.base_year >= kpi.year:
        return ""
    percent = unit.percent
    parts, missing = [], []
    for name, base, now, rate in ((a, kpi.a_base, kpi.a_value, kpi.a_growth),
                                  (b, kpi.b_base, kpi.b_value, kpi.b_growth)):  # fmt: skip
        if percent and not math.isnan(base):
            parts.append(f"{name} {points((now - base) * unit.factor)}")
        elif not percent and not math.isnan(rate):
            parts.append(f"{name} {percent_change(rate)}/yr")
        elif math.isnan(base):
            missing.append(f"{name}: no {kpi.base_year} value")
        else:
            missing.append(f"{name}: no rate, a value is not positive")
    if not parts:
        return f"no {kpi.base_year} value to compare with"
    what = "change" if percent else "growth"
    text = f"{what} since {kpi.base_year}: {', '.join(parts)}"
    return text + (f" ({'; '.join(missing)})" if missing else "")


def _shares(what: str, unit: Unit, kpi: Kpi, a: str, b: str) -> str:
    """'Military spending is 1.7% of GDP in China and 7.1% in Russia (2024); since 2014: …'."""
    first = amount(kpi.a_value, unit) if "share" not in what else bare(kpi.a_value, unit)
    second = bare(kpi.b_value, unit)
    text = f"{what[:1].upper()}{what[1:]} is {first} in {a} and {second} in {b} ({kpi.year})"
    change = growth_line(unit, kpi, a, b)
    return text + (f"; {change.replace('change since', 'since')}" if change else "") + "."


def _has_base(kpi: Kpi) -> bool:
    return kpi.base_year < kpi.year and not math.isnan(kpi.base_ratio)


def _faster(kpi: Kpi, a: str, b: str) -> str:
    """Which side grew faster since the base year, when both rates are known."""
    if not _has_base(kpi) or math.isnan(kpi.a_growth) or math.isnan(kpi.b_growth):
        return ""
    if times(kpi.ratio) == times(kpi.base_ratio):
        return ""
    first, second = (a, kpi.a_growth), (b, kpi.b_growth)
    fast, slow = (first, second) if kpi.ratio > kpi.base_ratio else (second, first)
    return (f"{fast[0]}'s grew faster ({percent_change(fast[1])}/yr against "
            f"{percent_change(slow[1])}/yr)")  # fmt: skip


def changes(pct: pd.Series, diff: pd.Series, units: list[Unit]) -> list[str | None]:
    """Changes in words: percentage points for a share, percent for an amount, None if unknown."""
    out: list[str | None] = []
    for p, d, unit in zip(pct, diff, units, strict=True):
        if unit.percent:
            out.append(None if pd.isna(d) else points(d * unit.factor))
        else:
            out.append(None if pd.isna(p) else percent_change(p))
    return out


def key_figure(title: str, unit: Unit, kpi: Kpi, a: str, b: str) -> dict:
    """One KPI card as a row of text, worded as on the page (for the report)."""
    shares = unit.percent  # shares compare in points, not as a ratio
    return {
        "indicator": title, "year": str(kpi.year),
        a: amount(kpi.a_value, unit), b: amount(kpi.b_value, unit),
        f"{a} ÷ {b}": "" if shares or math.isnan(kpi.ratio) else times(kpi.ratio, True),
        "ratio change": "" if shares else ratio_line(kpi, precise=True),
        "each side": growth_line(unit, kpi, a, b),
    }  # fmt: skip


def no_chart(mode: str, chosen: tuple[int, int], base_year: int, years: list[int]) -> str:
    """Why a chart with stored values draws nothing: the mode or the chosen years."""
    if not years:
        return "No observation stored for this indicator."
    if mode == "ratio":
        return (f"No year in {chosen[0]}–{chosen[1]} with a positive value for both "
                "countries, so no ratio.")  # fmt: skip
    if mode == "indexed":
        return f"No value in the base year {base_year} to index on; pick another base year."
    return (f"No observation in the chosen years {chosen[0]}–{chosen[1]}; "
            f"the data cover {years[0]}–{years[-1]}.")  # fmt: skip


def view_title(view: ViewState, titles: dict, names: dict, pair: Sequence[str]) -> str:
    """'China and Russia: GDP, Military expenditure, 1990–2025' from the catalogue's names."""
    countries = [names.get(c, c) for c in (*pair, *view.comparators)]
    shown = ", ".join(countries[:-1]) + f" and {countries[-1]}" if len(countries) > 1 else ""
    indicators = ", ".join(titles.get(i, i) for i in view.indicators)
    return f"{shown or countries[0]}: {indicators}, {view.year_from}–{view.year_to}"


def mode_labels(a: str, b: str) -> dict[str, str]:
    """How each mode is named, the focus pair's names filled in ("A ÷ B")."""
    return {
        "absolute": "Values",
        "ratio": f"{a} ÷ {b}",
        "indexed": "Indexed",
        "share": "Share of pair",
    }
