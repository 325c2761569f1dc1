"""The table's server-side rows: AG Grid's filter and sort models, one block at a time."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.page import rows

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


HOSTILE_REQUESTS = [
    "not a dict",
    ["startRow", 0],
    {"startRow": "10", "endRow": "x"},
    {"startRow": math.nan, "endRow": math.inf},
    {"startRow": [1], "endRow": {"a": 1}},
    {"startRow": -5, "endRow": -1},
    {"startRow": 10**40, "endRow": 10**41},
    {"startRow": True, "endRow": 2.5},
    {"filterModel": ["country_name"]},
    {"filterModel": {"country_name": "rus"}},
    {"filterModel": {"value": {"filterType": "number", "operator": "OR", "conditions": []}}},
    {"filterModel": {"value": {"conditions": "x"}}},
    {"filterModel": {"value": {"conditions": [1, None, "x"]}}},
    {"filterModel": {"value": {"filterType": "number", "type": "equals", "filter": "abc"}}},
    {"filterModel": {"value": {"filterType": "number", "type": "inRange", "filter": 1}}},
    {"filterModel": {"value": {"filterType": "number", "type": ["equals"], "filter": 1}}},
    {"filterModel": {"country_name": {"type": "contains", "filter": {"$ne": 1}}}},
    {"filterModel": {"country_name": {"type": {}, "filter": "x"}}},
    {"sortModel": ["value", 1, None, {"colId": ["value"]}, {"sort": "desc"}]},
    {"sortModel": {"colId": "value"}},
    {"sortModel": [{"colId": "value"}, {"colId": "value", "sort": "desc"}]},
]


@pytest.mark.parametrize("request_", HOSTILE_REQUESTS)
def test_a_malformed_row_request_reads_as_defaults_never_raises(request_):
    out = rows.block(TABLE, request_)
    assert out["rowCount"] == len(TABLE)  # no filter it could not read was applied
    assert len(out["rowData"]) <= rows.BLOCK


def test_a_number_filter_sent_as_text_is_read_as_a_number():
    text_number = {"value": {"filterType": "number", "type": "greaterThan", "filter": "4.5"}}
    assert list(rows.filtered(TABLE, text_number)["value"]) == [5.0, 6.0]


def test_row_bounds_out_of_range_fall_back_to_the_first_block():
    table = pd.DataFrame({"year": range(120)})
    out = rows.block(table, {"startRow": "50", "endRow": 70.0})
    assert [r["year"] for r in out["rowData"]] == list(range(0, 50))  # "50" is not a number
    out = rows.block(table, {"startRow": 60.0, "endRow": 70})
    assert [r["year"] for r in out["rowData"]] == list(range(60, 70))
