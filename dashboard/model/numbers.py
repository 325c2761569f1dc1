"""Numbers for people in their units (from the catalogue); the digits are config.numerals'."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from config.catalogue import Indicator
from config.numerals import MINUS as MINUS
from config.numerals import fixed as fixed
from config.numerals import percent_change as percent_change
from config.numerals import plain as plain
from config.numerals import points as points
from config.numerals import scaled as scaled
from config.numerals import share as share
from config.numerals import sig as sig
from config.numerals import signed as signed
from config.numerals import times as times

YEAR_NAME = re.compile(r"(^|[ _])(year|from|to|base)($|[ _])", re.IGNORECASE)  # a year column


@dataclass(frozen=True)
class Unit:
    """How a series reads: factor to the shown value, words around it, and its basis."""

    factor: float  # stored value × factor = shown value (US$ m → US$, fraction → %)
    prefix: str  # "US$ " before the number
    suffix: str  # "% of GDP", " people", " per person" after it
    percent: bool  # a share: compared in percentage points, not as a ratio
    basis: str  # the basis in words, for titles and axes
    fx_sensitive: bool = False  # moves with the exchange rate (so do its ratio and index)
    money: str = ""  # for money, the basis of the catalogue: "market exchange rates", …
    kind: str = ""  # the catalogue's kind: money, share, rate, count or number


def unit_for(item: Indicator, stored: str = "") -> Unit:
    """How a catalogued series reads, from its structured fields; the stored unit is read only
    for the base year of a constant-price edition ('US$ m, constant 2023 prices')."""
    if item.kind in ("share", "rate"):  # percentages: compared in points, never as a ratio
        words = f"% of {item.share_of}" if item.kind == "share" else "% a year"
        return Unit(item.scale, "", words, True, words, item.fx_sensitive, kind=item.kind)
    if item.kind != "money":
        words = f" {item.unit}"
        return Unit(item.scale, "", words, False, item.unit, item.fx_sensitive, kind=item.kind)
    per = " per person" if item.per_person else ""
    if item.basis == "purchasing power parity":
        basis = f"current international ${per}, at purchasing power parity"
    elif item.basis == "constant prices":
        year = item.base_year(stored)
        basis = f"constant{' ' + year if year else ''} {item.currency}{per}"
    else:
        basis = f"current {item.currency}{per}, market exchange rates"
    prefix = f"{item.currency} "
    return Unit(item.scale, prefix, per, False, basis, item.fx_sensitive, item.basis, item.kind)


def mode_unit(mode: str, info: Unit, base_year: int, pair: tuple[str, str]) -> str:
    """What a drawn value is measured in, per chart mode: 'US$', 'times (A ÷ B)', …"""
    if mode == "ratio":
        return f"times ({pair[0]} ÷ {pair[1]})"
    if mode == "share":
        return "% of the pair's combined total"
    if mode == "indexed":
        return f"index, {base_year} = 100"
    if info.percent:
        return info.suffix
    return (info.prefix.strip() + info.suffix).strip()


def amount(value: float | None, info: Unit, digits: int = 3) -> str:
    """A stored value in its unit for reading: 'US$ 19.5 tn', '1.7% of GDP', '144 m people'."""
    if value is None or math.isnan(value):
        return "no value"
    return shown(value * info.factor, info, digits)


def bare(value: float | None, info: Unit, digits: int = 3) -> str:
    """A share's number without its 'of …' words ('1.71%'); an amount as `amount` writes it."""
    if not info.percent or value is None or math.isnan(value):
        return amount(value, info, digits)
    return f"{sig(value * info.factor, digits)}%"


def shown(value: float, info: Unit, digits: int = 3) -> str:
    """An already scaled value with its unit's words."""
    if info.percent:
        return f"{sig(value, digits)}{info.suffix}"
    sign = MINUS if value < 0 and sig(abs(value), digits) != "0" else ""
    return f"{sign}{info.prefix}{scaled(abs(value), digits)}{info.suffix}"


def ticks(low: float, high: float, log: bool = False, count: int = 5) -> list[float]:
    """Round axis values covering [low, high]: 1-2-2.5-5 steps, or 1-2-5 or 1-3 per log decade."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if log:
        if high <= 0:
            return []
        low = low if low > 0 else high / 1000
        first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
        decades = last - first
        steps = ((1, 1.5, 2, 3, 4, 5, 7) if decades <= 1 else (1, 2, 5) if decades <= 2
                 else (1, 3) if decades <= 4 else (1,))  # fmt: skip
        values = [m * 10.0**k for k in range(first, last + 1) for m in steps]
        return [v for v in values if low / 1.5 <= v <= high * 1.5]
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    out, value = [], start
    while value <= high + step * 0.5:
        out.append(round(value, 10))
        value += step
    return out


def is_year_column(name: str, values: list) -> bool:
    """A column of years: its name says so, or every number is a whole year 1800–2200."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    whole = [v for v in numbers if math.isfinite(v) and float(v).is_integer()]
    named = bool(YEAR_NAME.search(name))
    in_range = (
        bool(numbers) and len(whole) == len(numbers) and all(1800 <= v <= 2200 for v in whole)
    )
    return bool(numbers) and len(whole) == len(numbers) and (named or in_range)


def column_texts(name: str, values: list, digits: int = 4) -> list[str]:
    """A table column as text with one rule for the whole column: years bare ('2014'); other
    numbers with the decimals that give its largest value `digits` significant digits,
    separators and a true minus sign; text as it is."""
    if is_year_column(name, values):
        return [str(int(v)) if isinstance(v, int | float) and not isinstance(v, bool)
                and math.isfinite(v) else plain(v) for v in values]  # fmt: skip
    numbers = [abs(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
               and math.isfinite(v)]  # fmt: skip
    if not numbers:
        return [plain(v) for v in values]
    top = max(numbers)
    whole = all(float(v).is_integer() for v in numbers)
    magnitude = math.floor(math.log10(top)) if top else 0
    decimals = 0 if whole else max(0, digits - 1 - magnitude)
    out = []
    for v in values:
        if isinstance(v, int | float) and not isinstance(v, bool):
            if not math.isfinite(v):
                out.append("")
                continue
            text = f"{abs(v):,.{decimals}f}"  # the column's decimals kept, zeros included
            zero = text.strip("0.,") == ""
            out.append(("" if zero or v >= 0 else MINUS) + text)
        else:
            out.append(plain(v))
    return out
