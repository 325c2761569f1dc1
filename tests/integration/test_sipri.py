"""SIPRI workbook parsing: layout found by content, markers, colour flags, changed layouts."""

from __future__ import annotations

import io
import math
import tracemalloc
import zipfile

import pandas as pd
import pytest

from fetchers.jobs.refresh import refresh
from fetchers.sources import sipri, sipri_workbook
from fetchers.sources.bounded import TooLarge
from fetchers.store.errors import BadResponse
from tests.conftest import make_settings
from tests.support import sipri_book


def parse(content: bytes, catalogue):
    return sipri_workbook.parse_workbook(content, "file:///test.xlsx", catalogue)


def cell(frame, indicator, country, year):
    row = frame[(frame.indicator == indicator) & (frame.country == country) & (frame.year == year)]
    assert len(row) == 1
    return row.iloc[0]


def test_values_units_and_flags(catalogue):
    result = parse(sipri_book.build(), catalogue)
    frame = result.frame
    assert set(frame["indicator"]) == {i.id for i in catalogue.for_source("sipri")}
    # Ukraine is not catalogued
    assert set(frame["country"]) == {"CHN", "RUS", "USA", "IND", "DEU", "JPN"}
    plain = cell(frame, "SIPRI.MILEX.CURRENT_USD", "USA", 2015)
    assert plain["value"] == sipri_book.synthetic("Current US$", "United States of America", 2015)
    assert plain["flag"] == ""
    assert cell(frame, "SIPRI.MILEX.CURRENT_USD", "CHN", 2015)["flag"] == "estimate"
    assert cell(frame, "SIPRI.MILEX.SHARE_GDP", "RUS", 2024)["flag"] == "uncertain"
    missing = cell(frame, "SIPRI.MILEX.SHARE_GDP", "RUS", 2010)
    assert math.isnan(missing["value"]) and missing["flag"] == "missing"
    assert cell(frame, "SIPRI.MILEX.PER_CAPITA", "RUS", 2011)["flag"] == "not_existing"
    share = cell(frame, "SIPRI.MILEX.SHARE_GOVT", "CHN", 2020)
    assert share["value"] == sipri_book.synthetic("Share of Govt. spending", "China", 2020)
    assert (
        cell(frame, "SIPRI.MILEX.CONSTANT_USD", "USA", 2020)["unit"]
        == "US$ m, constant 2031 prices"
    )
    assert result.release == "2025 edition (data to 2024)"
    assert len(result.sha256) == 64


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"drop_sheet": "Share of GDP"},
            "no sheet for 'Military expenditure (SIPRI), share of GDP'",
        ),
        ({"move_header": True}, "has no header row ('Country' in column A)"),
    ],
)
def test_changed_layout_is_named(catalogue, kwargs, message):
    with pytest.raises(BadResponse) as info:
        parse(sipri_book.build(**kwargs), catalogue)
    assert message in str(info.value)


def test_not_a_workbook(catalogue):
    with pytest.raises(BadResponse, match="not an xlsx workbook"):
        parse(b"<html>Service unavailable</html>", catalogue)


def test_refresh_over_http_then_a_broken_workbook_keeps_data(
    tmp_path, httpserver, catalogue, store
):
    httpserver.expect_request("/milex.xlsx").respond_with_data(
        sipri_book.build(), content_type="application/vnd.ms-excel"
    )
    settings = make_settings(tmp_path, SIPRI_MILEX_URL=httpserver.url_for("/milex.xlsx"))
    first = refresh("sipri", settings, catalogue, store)
    assert first.status == "ok", first.error
    before = store.observations()
    httpserver.clear()
    httpserver.expect_request("/milex.xlsx").respond_with_data(
        sipri_book.build(drop_sheet="Per capita")
    )
    failed = refresh("sipri", settings, catalogue, store)
    assert failed.status == "failed"
    assert failed.error.startswith(
        "workbook layout changed: no sheet for 'Military expenditure (SIPRI) per capita'"
    )
    pd.testing.assert_frame_equal(store.observations(), before)


def test_local_path_is_read(tmp_path, catalogue, store):
    path = tmp_path / "SIPRI-Milex-data-1949-2024.xlsx"
    path.write_bytes(sipri_book.build())
    settings = make_settings(tmp_path, SIPRI_MILEX_URL=str(path))
    summary = refresh("sipri", settings, catalogue, store)
    assert summary.ok, summary.error
    assert store.last_runs()["release"].item() == "2025 edition (data to 2024)"


NEWER = "/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"
OLDER = "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024_2.xlsx"


def test_page_links_are_ranked_by_end_year_then_version():
    page = sipri_book.database_page(
        OLDER,
        "/sites/default/files/SIPRI-Milex-data-1949-2025_v1.10.xlsx",
        NEWER,
        "SIPRI-Milex-data-1948-2023.xlsx",
    ).encode()
    newest = sipri.newest_workbook(page, "https://www.sipri.org/databases/milex")
    assert (
        newest == "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.10.xlsx"
    )


def test_newest_edition_from_the_page_then_unchanged(tmp_path, httpserver, catalogue, store):
    httpserver.expect_request("/databases/milex").respond_with_data(
        sipri_book.database_page(OLDER, NEWER), content_type="text/html"
    )
    httpserver.expect_request(NEWER).respond_with_data(
        sipri_book.build(), content_type="application/vnd.ms-excel"
    )
    settings = make_settings(tmp_path, SIPRI_MILEX_PAGE=httpserver.url_for("/databases/milex"))
    first = refresh("sipri", settings, catalogue, store)
    assert first.status == "ok", first.error
    downloads = [r for r, _ in httpserver.log if r.method == "GET" and r.path == NEWER]
    assert len(downloads) == 1
    assert store.last_runs().set_index("source").loc["sipri", "release"] == (
        "2025 edition (data to 2024)"
    )
    again = refresh("sipri", settings, catalogue, store)
    assert again.status == "unchanged", again.error
    assert [r.method for r, _ in httpserver.log[-2:]] == ["GET", "HEAD"]  # page, then HEAD only
    assert len([r for r, _ in httpserver.log if r.method == "GET" and r.path == NEWER]) == 1
    run = store.last_runs().set_index("source").loc["sipri"]
    assert (run["status"], run["release"]) == ("unchanged", "2025 edition (data to 2024)")
    full = refresh("sipri", settings, catalogue, store, full=True)
    assert full.status == "ok"


def test_page_without_a_workbook_link_fails_saying_so(tmp_path, httpserver, catalogue, store):
    httpserver.expect_request("/databases/milex").respond_with_data(
        sipri_book.database_page("/sites/default/files/milex-notes.pdf"), content_type="text/html"
    )
    settings = make_settings(tmp_path, SIPRI_MILEX_PAGE=httpserver.url_for("/databases/milex"))
    failed = refresh("sipri", settings, catalogue, store)
    assert failed.status == "failed"
    assert failed.error == (
        "SIPRI's database page changed: it links no SIPRI-Milex-data-*.xlsx workbook"
    )


def test_missing_local_file_names_no_path(tmp_path, catalogue, store):
    settings = make_settings(tmp_path, SIPRI_MILEX_URL=str(tmp_path / "secret" / "milex.xlsx"))
    failed = refresh("sipri", settings, catalogue, store)
    assert failed.error == "the local file could not be read"


def zip_bomb(unpacked_mb: int) -> bytes:
    """An xlsx-shaped zip whose one sheet unpacks to `unpacked_mb` MB of zeros, written in
    1 MB pieces so the test itself never holds the unpacked size."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book,
        book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        for _ in range(unpacked_mb):
            sheet.write(b"\0" * (1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(catalogue, monkeypatch):
    bomb = zip_bomb(100)
    assert len(bomb) < 200_000
    opened = []
    monkeypatch.setattr(sipri_workbook.openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as info:
            parse(bomb, catalogue)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert opened == []  # refused from the zip's directory, never unpacked
    assert peak < 5 * 1024 * 1024
    assert info.value.reason.startswith("the unpacked workbook from the source was larger than")


def test_a_small_workbook_that_unpacks_too_far_for_its_size_is_refused(catalogue):
    # 5 MB of zeros packs to ~5 KB: a ratio no real workbook has, though 5 MB is no burden.
    with pytest.raises(TooLarge):
        parse(zip_bomb(5), catalogue)
