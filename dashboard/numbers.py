"""Numbers for people: thousands separators, never scientific notation."""

from __future__ import annotations

import math


def plain(value: object, digits: int = 4) -> str:
    """A number with about `digits` significant digits and separators; text passes through."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 10**digits):
        return f"{int(value):,}"
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text.strip("-0.,") == "" else text
