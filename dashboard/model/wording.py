"""The headline comparisons in words: story sentences and KPI lines, from a Kpi and its unit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.model.metrics import Kpi
from dashboard.model.numbers import Unit, amount, percent_change, points, sig, times, unit_of
from dashboard.model.state import ViewState

# How a sentence names an indicator; others use their catalogue title.
SUBJECTS = {
    "NY.GDP.MKTP.CD": "GDP",
    "NY.GDP.MKTP.PP.CD": "GDP at purchasing power parity",
    "NY.GDP.PCAP.CD": "GDP per person",
    "NE.EXP.GNFS.CD": "exports of goods and services",
    "NE.IMP.GNFS.CD": "imports of goods and services",
    "NE.TRD.GNFS.ZS": "trade (exports plus imports)",
    "BX.KLT.DINV.CD.WD": "net inflow of foreign direct investment",
    "BM.KLT.DINV.CD.WD": "net outflow of foreign direct investment",
    "MS.MIL.XPND.CD": "military spending",
    "MS.MIL.XPND.GD.ZS": "military spending",
    "SP.POP.TOTL": "population",
    "GB.XPD.RSDV.GD.ZS": "research and development spending",
    "SIPRI.MILEX.CONSTANT_USD": "military spending",
    "SIPRI.MILEX.CURRENT_USD": "military spending",
    "SIPRI.MILEX.SHARE_GDP": "military spending",
    "SIPRI.MILEX.PER_CAPITA": "military spending per person",
    "SIPRI.MILEX.SHARE_GOVT": "military spending",
    "CMT.TOTAL.X": "goods exports",
    "CMT.TOTAL.M": "goods imports",
    "CMT.PARTNER_SHARE": "the other's share of its goods trade",
}


def subject(indicator: str, title: str) -> str:
    """What a sentence calls the indicator: 'GDP', 'military spending', else the title."""
    if indicator in SUBJECTS:
        return SUBJECTS[indicator]
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


# A market-rate series and where its purchasing-power twin may be found (the first stored one):
# at market rates a ratio moves with the rouble, so the headline gives both bases.
PPP_TWINS = {
    "NY.GDP.MKTP.CD": ("NY.GDP.MKTP.PP.CD", "GDP.PPP.COMPUTED"),
    "NY.GDP.PCAP.CD": ("NY.GDP.PCAP.PP.CD",),
}


def headline(indicator: str, title: str, unit: str, kpi: Kpi, names: Mapping[str, str],
             pair: tuple[str, str], ppp: Kpi | None = None) -> str:  # fmt: skip
    """One sentence that names its basis: 'China's GDP is 7.6× Russia's at market exchange
    rates (2025), up from 5.2× in 2014; at purchasing power parity 3.0× (2024), …'.

    For a market-rate series with a PPP twin (PPP_TWINS), `ppp` is the twin's comparison; without
    it the sentence says that no PPP comparison is available.
    """
    a, b = names.get(pair[0], pair[0]), names.get(pair[1], pair[1])
    what = subject(indicator, title)
    if unit_of(unit).percent:
        return _shares(what, unit, kpi, a, b)
    if math.isnan(kpi.ratio):
        return no_ratio(what, unit, kpi, a, b)
    basis = _basis_words(unit)
    text = f"{a}'s {what} is {times(kpi.ratio)} {b}'s{basis} ({kpi.year}){_since(kpi)}"
    if indicator in PPP_TWINS:
        text += _at_ppp(ppp)
    faster = _faster(kpi, a, b)
    if faster:
        text += f" — {_growth_basis(unit)}{faster}"
    return text + "."


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


def _growth_basis(unit: str) -> str:
    """What 'grew' is measured in: 'in current US$ at market rates, '."""
    basis = unit_of(unit).basis
    if "market exchange rates" in basis:
        return "in current US$ at market exchange rates, "
    if basis.startswith("constant"):
        return f"in {basis}, "
    if "purchasing power" in basis:
        return "at purchasing power parity, "
    return ""


def no_ratio(what: str, unit: str, kpi: Kpi, a: str, b: str) -> str:
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


def growth_line(unit: str, kpi: Kpi, a: str, b: str) -> str:
    """Each side's change since the base year: %/yr for amounts, percentage points for shares."""
    if kpi.base_year >= kpi.year:
        return ""
    percent = unit_of(unit).percent
    parts, missing = [], []
    for name, base, now, rate in ((a, kpi.a_base, kpi.a_value, kpi.a_growth),
                                  (b, kpi.b_base, kpi.b_value, kpi.b_growth)):  # fmt: skip
        if percent and not math.isnan(base):
            parts.append(f"{name} {points((now - base) * unit_of(unit).factor)}")
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


def _shares(what: str, unit: str, kpi: Kpi, a: str, b: str) -> str:
    """'Military spending is 1.7% of GDP in China and 7.1% in Russia (2024); since 2014: …'."""
    info = unit_of(unit)
    first = amount(kpi.a_value, unit) if "share" not in what else _bare(kpi.a_value, info.factor)
    second = _bare(kpi.b_value, info.factor)
    text = f"{what[:1].upper()}{what[1:]} is {first} in {a} and {second} in {b} ({kpi.year})"
    change = growth_line(unit, kpi, a, b)
    return text + (f"; {change.replace('change since', 'since')}" if change else "") + "."


def _bare(value: float, factor: float) -> str:
    """A stored share as a percentage without its 'of …' words: '7.1%'."""
    return f"{sig(value * factor)}%"


def _has_base(kpi: Kpi) -> bool:
    return kpi.base_year < kpi.year and not math.isnan(kpi.base_ratio)


def _basis_words(unit: str) -> str:
    """' at constant prices' or ' at market exchange rates' for money; nothing otherwise."""
    basis = unit_of(unit).basis
    if basis.startswith("constant"):
        return " at constant prices"
    if "market exchange rates" in basis:
        return " at market exchange rates"
    if "purchasing power" in basis:
        return " at purchasing power parity"
    return ""


def _faster(kpi: Kpi, a: str, b: str) -> str:
    """Which side grew faster since the base year, when both rates are known."""
    if not _has_base(kpi) or math.isnan(kpi.a_growth) or math.isnan(kpi.b_growth):
        return ""
    if times(kpi.ratio) == times(kpi.base_ratio):
        return ""
    fast, slow = ((a, kpi.a_growth), (b, kpi.b_growth))[:: 1 if kpi.ratio > kpi.base_ratio else -1]
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


def key_figure(title: str, unit: str, kpi: Kpi, a: str, b: str) -> dict:
    """One KPI card as a row of text, worded as on the page (for the report)."""
    shares = unit_of(unit).percent  # shares compare in points, not as a ratio
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
    """How each mode is named, the focus pair's names filled in ("China ÷ Russia")."""
    return {
        "absolute": "Values",
        "ratio": f"{a} ÷ {b}",
        "indexed": "Indexed",
        "share": "Share of pair",
    }
