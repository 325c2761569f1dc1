"""The dashboard in headless chromium: charts with events, filters in the URL, live updates."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import App
from tests.support.seed import worldbank_result

TIMEOUT = 20_000


def open_page(page, url):
    page.goto(url)
    expect(page.locator(".gap-chart").first).to_be_visible(timeout=TIMEOUT)


def test_page_renders_charts_with_event_markers(app, page, console):
    open_page(page, app.url)
    expect(page.locator("#charts")).to_contain_text("GDP", timeout=TIMEOUT)
    chart = page.locator(".gap-chart").first
    expect(chart.locator("text", has_text="Crimea")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#kpis")).to_contain_text("China ÷ Russia")
    expect(page.locator("#timeline")).to_contain_text("2017-12-18")
    expect(page.locator("#freshness")).to_contain_text("World Bank WDI: fetched")
    expect(page.locator(".ag-row").first).to_be_visible(timeout=TIMEOUT)


def test_indicator_filter_changes_charts_and_url_and_the_link_restores_it(
    app, page, context, console
):
    open_page(page, app.url)
    page.click("#f-indicators")
    page.click('label.dash-dropdown-option:has(input[value="SP.POP.TOTL"])')
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"ind=[^&]*SP\.POP\.TOTL"), timeout=TIMEOUT)
    expect(page.locator("#charts")).to_contain_text("Population", timeout=TIMEOUT)
    page.get_by_text("China ÷ Russia", exact=True).click()
    expect(page).to_have_url(re.compile("mode=ratio"), timeout=TIMEOUT)
    link = page.url

    other = context.new_page()
    other.goto(link)
    expect(other.locator(".gap-chart").first).to_be_visible(timeout=TIMEOUT)
    expect(other.locator("#charts")).to_contain_text("Population", timeout=TIMEOUT)
    expect(other.locator("#f-mode input[value='ratio']")).to_be_checked()
    expect(
        other.locator(".gap-chart").first.locator("text", has_text="China ÷ Russia (times)")
    ).to_have_count(1)
    assert other.url == link


def test_malformed_url_shows_defaults_and_a_note(app, page, console):
    open_page(page, app.url + "?ind=%3Cimg%20src=x%20onerror=alert(1)%3E&mode=pie&from=abc")
    note = page.locator("#note")
    expect(note).to_contain_text("Unknown indicator '<img src=x onerror=alert(1)>' ignored.")
    expect(note).to_contain_text("mode='pie' is not one of")
    expect(page.locator("#note img")).to_have_count(0)
    expect(page.locator("#f-mode input[value='absolute']")).to_be_checked()
    expect(page.locator("#charts")).to_contain_text("GDP")


def test_new_data_appears_without_reload(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD")
    kpi = page.locator("#kpis")
    expect(kpi).to_contain_text("3.00×", timeout=TIMEOUT)  # synthetic: China = 3 × Russia
    doubled = worldbank_result(app.catalogue, scale=1.0)
    doubled.frame.loc[(doubled.frame.country == "CHN"), "value"] *= 2
    app.store.write_run(app.store.start_run("worldbank"), doubled)
    expect(kpi).to_contain_text("6.00×", timeout=TIMEOUT)


def test_empty_store_says_so(tmp_path, page, console):
    empty = App(tmp_path, seeded=False)
    try:
        page.goto(empty.url)
        expect(page.locator("#charts")).to_contain_text("No data stored yet", timeout=TIMEOUT)
        expect(page.locator("#banner")).to_contain_text("python -m fetchers import FILE")
    finally:
        empty.stop()


def test_downloads_from_the_page(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD&from=2000&to=2020")
    with page.expect_download(timeout=60_000) as info:
        page.click("#export-csv")
    download = info.value
    assert re.fullmatch(
        r"asymmetry-monitor_gdp_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("source,indicator,country,year,value,unit,flag")
    assert all(",NY.GDP.MKTP.CD," in line for line in lines[1:])
    with page.expect_download(timeout=60_000) as info:
        page.locator("button", has_text="SVG").first.click()
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "World Bank, World Development Indicators" in svg
    for button, magic in (("#export-xlsx", b"PK"), ("#export-html", b"<!DOCTYPE"), ("#export-pdf", b"%PDF-"),
                          ("#export-zip", b"PK")):  # fmt: skip
        with page.expect_download(timeout=120_000) as info:
            page.click(button)
        assert Path(info.value.path()).read_bytes().startswith(magic), button
        assert info.value.suggested_filename.endswith(button.removeprefix("#export-"))
    for label, magic in (("PNG", b"\x89PNG"), ("PDF", b"%PDF-")):
        with page.expect_download(timeout=60_000) as info:
            page.locator("button", has_text=label).last.click()
        assert Path(info.value.path()).read_bytes().startswith(magic), label
    expect(page.locator("#export-status")).to_contain_text("Downloaded")


def test_first_start_without_network_says_the_fetch_failed_and_when_it_retries(
    tmp_path, page, console
):
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port: connection refused
    offline = App(
        tmp_path, seeded=False, SCHEDULER="true", HTTP_RETRIES="0", WORLDBANK_API_URL=f"{dead}/v2",
        SIPRI_MILEX_URL=f"{dead}/milex.xlsx", TRADE_API_URL=f"{dead}/v1",
    )  # fmt: skip
    try:
        page.goto(offline.url)
        banner = page.locator("#banner")
        expect(banner).to_contain_text("World Bank WDI: the last refresh failed", timeout=TIMEOUT)
        expect(banner).to_contain_text("connection refused")
        expect(banner).to_contain_text("Next attempt around")
        expect(page.locator("#freshness")).to_contain_text("never fetched")
    finally:
        offline.stop()
