"""The table's server-side rows: AG Grid's filter and sort models, one block at a time."""

from __future__ import annotations

import math

import pandas as pd

from dashboard import rows

TABLE = pd.DataFrame(
    {
        "country_name": ["China", "Russia", "China", "Russia", "India"],
        "year": [2020, 2020, 2021, 2021, 2021],
        "value": [5.0, 1.0, 6.0, math.nan, 3.0],
    }
)


def test_a_block_is_at_most_fifty_rows_and_counts_them_all():
    table = pd.DataFrame({"year": range(120)})
    out = rows.block(table, {"startRow": 50, "endRow": 500})
    assert [r["year"] for r in out["rowData"]] == list(range(50, 100))
    assert out["rowCount"] == 120
    assert rows.block(table, None)["rowData"][0] == {"year": 0}


def test_sort_is_server_side_over_every_row_missing_last():
    out = rows.block(TABLE, {"startRow": 0, "endRow": 2, "sortModel": [
        {"colId": "value", "sort": "desc"}]})  # fmt: skip
    assert [r["value"] for r in out["rowData"]] == [6.0, 5.0]
    ordered = rows.sort(
        TABLE, [{"colId": "value", "sort": "asc"}, {"colId": "nope", "sort": "asc"}]
    )
    assert list(ordered["value"].fillna(-1)) == [1.0, 3.0, 5.0, 6.0, -1]
    assert rows.records(ordered)[-1]["value"] is None


def test_text_and_number_filters_and_their_combinations():
    text = {"country_name": {"filterType": "text", "type": "contains", "filter": "rus"}}
    assert list(rows.filtered(TABLE, text)["year"]) == [2020, 2021]
    number = {"value": {"filterType": "number", "type": "greaterThan", "filter": 2}}
    assert list(rows.filtered(TABLE, number)["value"]) == [5.0, 6.0, 3.0]
    either = {"year": {"filterType": "number", "operator": "OR", "conditions": [
        {"filterType": "number", "type": "equals", "filter": 2020},
        {"filterType": "number", "type": "inRange", "filter": 2030, "filterTo": 2040}]}}  # fmt: skip
    assert rows.block(TABLE, {"filterModel": {**either, **text}})["rowCount"] == 1
    blank = {"value": {"filterType": "number", "type": "blank"}}
    assert list(rows.filtered(TABLE, blank)["country_name"]) == ["Russia"]
