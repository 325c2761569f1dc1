"""Analysis tables in words: headers, names beside codes, one precision per column."""

from __future__ import annotations

import pandas as pd

from dashboard.model.analysis.tables import COLUMNS, header, in_words, rounded

PAIR = ("China", "Russia")


def test_headers_are_words_with_a_true_minus_and_ids_kept_for_machines():
    assert header("gap_change_pp", PAIR) == "Change in the growth gap (China − Russia), pp"
    assert header("indicator", PAIR) == "indicator_id"
    assert header("first_ratio", PAIR) == "China ÷ Russia on basis 1"
    assert not [h for h, _ in COLUMNS.values() if "-" in h.replace("_", "")]  # U+2212 only
    table = in_words(pd.DataFrame({"country": ["CHN"], "share_pct": [1.0]}), PAIR, {"CHN": "China"})
    assert list(table.columns) == ["Country", "country_iso3", "Share of the world (%)"]
    assert table.iloc[0].tolist() == ["China", "CHN", 1.0]


def test_each_number_column_has_one_precision():
    table = rounded(pd.DataFrame({"need_ratio": [6.2549], "share_pct": [1.23456], "year": [2024]}))
    assert table.iloc[0].tolist() == [6.25, 1.23, 2024]
