"""Server-side rows for the data table: AG Grid's filter and sort models over a frame, one block.

The request comes from the browser, so every part of it is checked: a value of the wrong shape
is read as its default (no filter, no sort, the first block), never trusted into pandas.
"""

from __future__ import annotations

import math

import pandas as pd

BLOCK = 50  # rows per request: the grid's page and cache block
MAX_ROW = 10_000_000  # far past any table of ours; a larger start is read as the first block


def block(table: pd.DataFrame, request: object) -> dict:
    """AG Grid's getRowsResponse for a getRowsRequest: rows start..end after filter and sort."""
    request = request if isinstance(request, dict) else {}
    start = _row(request.get("startRow"), 0)
    end = min(max(_row(request.get("endRow"), start + BLOCK), start), start + BLOCK)
    rows = sort(filtered(table, request.get("filterModel")), request.get("sortModel"))
    part = rows.iloc[start:end]
    return {"rowData": records(part), "rowCount": len(rows)}


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts, missing values as null."""
    return table.astype(object).where(table.notna(), None).to_dict("records")


def sort(table: pd.DataFrame, model: object) -> pd.DataFrame:
    """Sorted by the grid's sort model (entries it cannot read are ignored); stable."""
    entries = model if isinstance(model, list) else []
    keys = [
        (m["colId"], m.get("sort") != "desc")
        for m in entries
        if isinstance(m, dict) and isinstance(m.get("colId"), str) and m["colId"] in table
    ]
    keys = list(dict(keys).items())  # a column named twice sorts once, as first asked
    if not keys:
        return table
    columns, ascending = zip(*keys, strict=True)
    return table.sort_values(list(columns), ascending=list(ascending), kind="stable",
                             na_position="last")  # fmt: skip


def filtered(table: pd.DataFrame, model: object) -> pd.DataFrame:
    """Rows that pass every column's filter (AG Grid's text and number filters, one condition
    or several joined by AND/OR); a filter that cannot be read filters nothing."""
    keep = pd.Series(True, index=table.index)
    for column, spec in (model if isinstance(model, dict) else {}).items():
        if column in table and isinstance(spec, dict):
            keep &= _passes(table[column], spec)
    return table[keep]


def _passes(values: pd.Series, spec: dict) -> pd.Series:
    if "conditions" not in spec:
        return _condition(values, spec)
    conditions = spec["conditions"] if isinstance(spec["conditions"], list) else []
    parts = [_condition(values, c) for c in conditions if isinstance(c, dict)]
    if not parts:
        return pd.Series(True, index=values.index)
    out = parts[0]
    for part in parts[1:]:
        out = (out | part) if spec.get("operator") == "OR" else (out & part)
    return out


def _condition(values: pd.Series, spec: dict) -> pd.Series:
    kind, wanted = spec.get("type", "contains"), spec.get("filter")
    everything = pd.Series(True, index=values.index)
    if not isinstance(kind, str):
        return everything
    if kind == "blank":
        return values.isna() | (values.astype(str) == "")
    if kind == "notBlank":
        return values.notna() & (values.astype(str) != "")
    if spec.get("filterType") == "number":
        return _number_condition(values, kind, _number(wanted), _number(spec.get("filterTo")))
    if not isinstance(wanted, str | int | float) or isinstance(wanted, bool):
        wanted = "" if wanted is None else None
    if wanted is None:
        return everything
    text = values.fillna("").astype(str).str.lower()
    needle = str(wanted).lower()
    tests = {
        "contains": lambda: text.str.contains(needle, regex=False),
        "notContains": lambda: ~text.str.contains(needle, regex=False),
        "equals": lambda: text == needle,
        "notEqual": lambda: text != needle,
        "startsWith": lambda: text.str.startswith(needle),
        "endsWith": lambda: text.str.endswith(needle),
    }
    return tests[kind]() if kind in tests else everything


def _number_condition(
    values: pd.Series, kind: str, wanted: float | None, upper: float | None
) -> pd.Series:
    number = pd.to_numeric(values, errors="coerce")
    tests = {
        "equals": lambda: number == wanted,
        "notEqual": lambda: number != wanted,
        "lessThan": lambda: number < wanted,
        "lessThanOrEqual": lambda: number <= wanted,
        "greaterThan": lambda: number > wanted,
        "greaterThanOrEqual": lambda: number >= wanted,
        "inRange": lambda: (number >= wanted) & (number <= upper),
    }
    if kind not in tests or wanted is None or (kind == "inRange" and upper is None):
        return pd.Series(True, index=values.index)
    return tests[kind]().fillna(False)


def _number(raw: object) -> float | None:
    """A filter's number: a finite number, or text holding one (the grid may send either)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _row(raw: object, default: int) -> int:
    """A row index from the request: a whole number from 0 to MAX_ROW, else `default`."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return default
    if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
        return default
    value = int(raw)
    return value if 0 <= value <= MAX_ROW else default
