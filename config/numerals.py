"""Numbers as text, without units: significant digits, tn/bn/m, signs and a true minus sign."""

from __future__ import annotations

import math

MINUS = "\u2212"  # a typographic minus: the same width as a plus
SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))


def sig(value: float, digits: int = 3) -> str:
    """About `digits` significant digits (never fewer than the integer part), separators, no -0."""
    if value is None or math.isnan(value):
        return ""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    text = fixed(value, max(0, digits - 1 - magnitude))
    return text.rstrip("0").rstrip(".") if "." in text else text


def fixed(value: float, decimals: int) -> str:
    """`value` with `decimals` decimals, separators and a true minus; '0' when it rounds to 0."""
    text = f"{abs(value):,.{decimals}f}"
    if text.strip("0.,") == "":
        return "0"
    return (MINUS if value < 0 else "") + text


def scaled(value: float, digits: int = 3) -> str:
    """A magnitude with tn, bn or m: 1.95e13 → '19.5 tn', 144_000_000 → '144 m', 950.3 → '950'."""
    for size, word in SCALES:
        if abs(value) >= size * 0.9995:
            return f"{sig(value / size, digits)} {word}"
    return sig(value, digits)


def signed(value: float, decimals: int, suffix: str) -> str:
    """'+47%', '−3.2 pp', '0%': a sign on every change except one that rounds to zero."""
    text = fixed(abs(value), decimals)
    return f"0{suffix}" if text == "0" else f"{'+' if value > 0 else MINUS}{text}{suffix}"


def times(ratio: float, precise: bool = False) -> str:
    """A ratio: '7.6×' in a sentence, '7.61×' precise (key figures), '0.45×', '12.3×', '150×'."""
    if ratio < 1 or (precise and ratio < 10):
        return f"{ratio:.2f}×"
    if ratio < 100:
        return f"{ratio:.1f}×"
    return f"{ratio:,.0f}×"


def share(value: float) -> str:
    """A share for a sentence: '3.4%', '46%' (one decimal below 10%, whole numbers above)."""
    return f"{fixed(value, 1 if abs(value) < 10 else 0)}%"


def percent_change(value: float) -> str:
    """A change in percent: '+47%', '−3%'; under 10% with one decimal."""
    return signed(value, 1 if abs(value) < 10 else 0, "%")


def points(value: float) -> str:
    """A change of a percentage in percentage points: '+1.2 pp'."""
    return signed(value, 1, " pp")


def plain(value: object, digits: int = 4) -> str:
    """A cell as text: a number as `sig` writes it, text as it is, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return sig(value, digits)
    return str(value)
