"""Server-side rows for the data table: AG Grid's filter and sort models over a frame, one block."""

from __future__ import annotations

import pandas as pd

BLOCK = 50  # rows per request: the grid's page and cache block


def block(table: pd.DataFrame, request: dict | None) -> dict:
    """AG Grid's getRowsResponse for a getRowsRequest: rows start..end after filter and sort."""
    request = request or {}
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, min(int(request.get("endRow") or start + BLOCK), start + BLOCK))
    rows = sort(filtered(table, request.get("filterModel") or {}), request.get("sortModel") or [])
    part = rows.iloc[start:end]
    return {"rowData": records(part), "rowCount": len(rows)}


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts, missing values as null."""
    return table.astype(object).where(table.notna(), None).to_dict("records")


def sort(table: pd.DataFrame, model: list[dict]) -> pd.DataFrame:
    """Sorted by the grid's sort model (columns it does not know are ignored); stable."""
    keys = [(m["colId"], m.get("sort") != "desc") for m in model if m.get("colId") in table]
    if not keys:
        return table
    columns, ascending = zip(*keys, strict=True)
    return table.sort_values(list(columns), ascending=list(ascending), kind="stable",
                             na_position="last")  # fmt: skip


def filtered(table: pd.DataFrame, model: dict) -> pd.DataFrame:
    """Rows that pass every column's filter (AG Grid's text and number filters, one condition
    or two joined by AND/OR)."""
    keep = pd.Series(True, index=table.index)
    for column, spec in model.items():
        if column in table:
            keep &= _passes(table[column], spec)
    return table[keep]


def _passes(values: pd.Series, spec: dict) -> pd.Series:
    if "conditions" in spec:
        parts = [_condition(values, c) for c in spec["conditions"]]
        out = parts[0]
        for part in parts[1:]:
            out = (out | part) if spec.get("operator") == "OR" else (out & part)
        return out
    return _condition(values, spec)


def _condition(values: pd.Series, spec: dict) -> pd.Series:
    kind, wanted = spec.get("type", "contains"), spec.get("filter")
    if kind == "blank":
        return values.isna() | (values.astype(str) == "")
    if kind == "notBlank":
        return values.notna() & (values.astype(str) != "")
    if spec.get("filterType") == "number":
        number = pd.to_numeric(values, errors="coerce")
        tests = {
            "equals": lambda: number == wanted,
            "notEqual": lambda: number != wanted,
            "lessThan": lambda: number < wanted,
            "lessThanOrEqual": lambda: number <= wanted,
            "greaterThan": lambda: number > wanted,
            "greaterThanOrEqual": lambda: number >= wanted,
            "inRange": lambda: (number >= wanted) & (number <= spec.get("filterTo")),
        }
        if kind not in tests or wanted is None:
            return pd.Series(True, index=values.index)
        return tests[kind]().fillna(False)
    text = values.fillna("").astype(str).str.lower()
    needle = str(wanted or "").lower()
    tests = {
        "contains": lambda: text.str.contains(needle, regex=False),
        "notContains": lambda: ~text.str.contains(needle, regex=False),
        "equals": lambda: text == needle,
        "notEqual": lambda: text != needle,
        "startsWith": lambda: text.str.startswith(needle),
        "endsWith": lambda: text.str.endswith(needle),
    }
    return tests[kind]() if kind in tests else pd.Series(True, index=values.index)
