"""The dashboard in headless chromium: story first, readable charts, filters in the URL, live."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import App
from tests.support.seed import worldbank_result

TIMEOUT = 20_000
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}
# Pairs of event-label boxes that intersect, per chart, measured in the page.
OVERLAPS_JS = """
() => Array.from(document.querySelectorAll('.gap-chart')).flatMap(chart => {
    const boxes = Array.from(chart.querySelectorAll('.annotation'))
        .map(a => [a.textContent, a.getBoundingClientRect()]);
    const hits = [];
    boxes.forEach(([text, r], i) => boxes.slice(i + 1).forEach(([other, o]) => {
        if (r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom) {
            hits.push(text + ' | ' + other);
        }
    }));
    return hits;
})
"""


def open_page(page, url):
    page.goto(url)
    expect(page.locator(".gap-chart .main-svg").first).to_be_visible(timeout=TIMEOUT)


def open_filters(page):
    page.click("#filters-toggle")
    expect(page.locator("#f-indicators")).to_be_visible(timeout=TIMEOUT)


@pytest.mark.parametrize("size", SIZES)
def test_first_screen_tells_the_story_with_a_chart_and_readable_numbers(app, browser, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_page(page, app.url)
    page.wait_for_timeout(1000)  # the charts re-lay their labels for the measured width
    story = page.locator(".story-line").first
    expect(story).to_contain_text(
        "China's GDP is 3.0× Russia's at market exchange rates (2024), as in 2014"
    )
    assert page.locator(".story-line").nth(1).is_visible()  # every sentence, on a phone too
    assert story.bounding_box()["y"] + story.bounding_box()["height"] <= height
    chart = page.locator(".gap-chart").first.bounding_box()
    # The key figures come first (a sideways strip on a phone); the first chart follows at once.
    assert chart["y"] < (height - 200 if size == "desktop" else height), chart
    assert page.evaluate("document.body.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERLAPS_JS) == []
    labels = page.locator(".gap-chart").first.locator(".annotation")
    texts = {labels.nth(n).text_content() for n in range(labels.count())}
    assert {"Crimea", "EU sanctions", "US NSS", "MSC report", "Invasion"} <= texts  # key events
    text = page.inner_text("body")
    assert not re.search(r"\de[+-]\d", text), "scientific notation on the page"
    assert not re.search(r"[-−]\d[\d.,]*×", text), "a negative ratio on the page"
    expect(page.locator("#filters-panel")).to_be_hidden()  # one button, not a screenful
    assert errors == []
    page.close()


def test_page_renders_charts_kpis_timeline_and_sources(app, page, console):
    open_page(page, app.url)
    expect(page.locator("#charts")).to_contain_text("GDP", timeout=TIMEOUT)
    ticks = page.locator(".gap-chart").first.locator(".ytick").all_text_contents()
    assert ticks and all(t.endswith("×") for t in ticks), ticks  # the gap leads: China ÷ Russia
    expect(page.locator("#kpis")).to_contain_text("China ÷ Russia")
    expect(page.locator("#kpis")).to_contain_text("from 3.00× in 2014 to 3.00× (0%)")
    expect(page.locator("#timeline-list")).to_contain_text("2017-12-18")
    expect(page.locator("#freshness")).to_contain_text("World Bank WDI release")
    page.locator("#table-section").scroll_into_view_if_needed()  # below the fold: loads near
    expect(page.locator(".ag-row").first).to_be_visible(timeout=TIMEOUT)
    page.locator("#sources").scroll_into_view_if_needed()
    expect(page.locator("#sources")).to_contain_text("Release: 2099-01-15", timeout=TIMEOUT)


def test_sections_below_the_fold_load_as_they_near_the_screen(app, page, console):
    asked: list[str] = []
    page.on(
        "request",
        lambda r: (
            asked.append(json.loads(r.post_data)["output"])
            if "_dash-update-component" in r.url
            else None
        ),
    )
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app.url)
    expect(page.locator(".gap-chart .main-svg").first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_load_state("networkidle")
    lazy = ("analysis.children", "table-section.children", "sources.children")
    assert not [a for a in asked if a in lazy], asked  # the page load asked for the charts only
    expect(page.locator("#analysis")).to_contain_text("loads as you scroll")
    page.locator("#analysis").scroll_into_view_if_needed()
    expect(page.locator("#analysis-world")).to_be_visible(timeout=TIMEOUT)
    assert "analysis.children" in asked
    page.locator("#sources").scroll_into_view_if_needed()
    expect(page.locator("#sources")).to_contain_text("Release: 2099-01-15", timeout=TIMEOUT)
    expect(page.locator("#table .ag-row").first).to_be_visible(timeout=TIMEOUT)


def test_table_pages_and_sorts_on_the_server(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD")
    page.locator("#table-section").scroll_into_view_if_needed()
    rows = page.locator("#table .ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#table .ag-paging-row-summary-panel")).to_contain_text(
        re.compile(r"1\s+to\s+50\s+of\s+\d+"), timeout=TIMEOUT
    )
    year = page.locator('#table .ag-center-cols-container .ag-row[row-index="0"] [col-id="year"]')
    expect(year).to_have_text("1990", timeout=TIMEOUT)
    header = page.locator('#table .ag-header-cell[col-id="year"] .ag-header-cell-label')
    header.click()  # ascending
    header.click()  # descending: the server sorts every row, not just this page
    expect(year).to_have_text("2024", timeout=TIMEOUT)
    page.locator("#table .ag-paging-button[aria-label='Next Page']").click()
    expect(page.locator("#table .ag-paging-row-summary-panel")).to_contain_text(
        re.compile(r"51\s+to"), timeout=TIMEOUT
    )
    expect(rows.first).to_be_visible(timeout=TIMEOUT)


def test_indicator_filter_changes_charts_and_url_and_the_link_restores_it(
    app, page, context, console
):
    open_page(page, app.url)
    open_filters(page)
    page.click("#f-indicators")
    page.click('label.dash-dropdown-option:has(input[value="SP.POP.TOTL"])')
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"ind=[^&]*SP\.POP\.TOTL"), timeout=TIMEOUT)
    expect(page.locator("#charts")).to_contain_text("Population", timeout=TIMEOUT)
    page.locator("#f-mode").get_by_text("Values", exact=True).click()
    expect(page).to_have_url(re.compile("mode=absolute"), timeout=TIMEOUT)
    link = page.url

    other = context.new_page()
    other.goto(link)
    expect(other.locator(".gap-chart").first).to_be_visible(timeout=TIMEOUT)
    expect(other.locator("#charts")).to_contain_text("Population", timeout=TIMEOUT)
    expect(other.locator("#f-mode input[value='absolute']")).to_be_checked()
    expect(other.locator(".gap-chart").first).to_contain_text("US$ 100")  # levels, not ratios
    assert other.url == link


def test_charts_keep_the_order_the_link_gives(app, page, console):
    open_page(page, app.url + "?ind=SP.POP.TOTL,NY.GDP.MKTP.CD")
    titles = page.locator(".gap-chart .gtitle")
    expect(titles.first).to_have_text("Population", timeout=TIMEOUT)
    expect(titles.nth(1)).to_have_text("GDP")
    assert "ind=SP.POP.TOTL,NY.GDP.MKTP.CD" in page.url


def test_malformed_url_shows_defaults_and_a_note(app, page, console):
    open_page(page, app.url + "?ind=%3Cimg%20src=x%20onerror=alert(1)%3E&mode=pie&from=abc")
    note = page.locator("#note")
    expect(note).to_contain_text("Unknown indicator '<img src=x onerror=alert(1)>' ignored.")
    expect(note).to_contain_text("mode='pie' is not one of")
    expect(page.locator("#note img")).to_have_count(0)
    expect(page.locator("#f-mode input[value='ratio']")).to_be_checked()  # the default
    expect(page.locator("#charts")).to_contain_text("GDP")


def test_a_partly_valid_link_is_kept_as_given_with_its_note_and_drawn_once(app, page, console):
    renders: list[str] = []
    page.on(
        "request",
        lambda r: (
            renders.append(r.url)
            if "_dash-update-component" in r.url and "charts.children" in (r.post_data or "")
            else None
        ),
    )
    link = app.url + "?mode=ratio&ind=SP.POP.TOTL,BOGUS"
    open_page(page, link)
    expect(page.locator("#charts")).to_contain_text("Population", timeout=TIMEOUT)
    expect(page.locator("#f-mode input[value='ratio']")).to_be_checked()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#note")).to_contain_text("Unknown indicator 'BOGUS' ignored.")
    assert page.url == link  # the filters took the link's view: the link is not rewritten
    assert len(renders) == 1, renders


def test_new_data_appears_without_reload(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD")
    kpi = page.locator("#kpis")
    expect(kpi).to_contain_text("3.00×", timeout=TIMEOUT)  # synthetic: China = 3 × Russia
    page.wait_for_load_state("networkidle")  # scrolled once the page above has drawn
    first = page.locator('#table .ag-row[row-index="0"] [col-id="value"]')
    deadline = time.monotonic() + 60
    while not first.count() and time.monotonic() < deadline:  # a reader keeps the table in view
        page.evaluate("() => document.getElementById('table-section').scrollIntoView()")
        page.wait_for_timeout(500)
    expect(first).not_to_have_text("", timeout=TIMEOUT)
    country = "() => dash_ag_grid.getApi('table').getDisplayedRowAtIndex(0).data.country_name"
    assert page.evaluate(country) == "China"
    before = first.inner_text()
    doubled = worldbank_result(app.catalogue, scale=1.0)
    doubled.frame.loc[(doubled.frame.country == "CHN"), "value"] *= 2
    app.store.write_run(app.store.start_run("worldbank"), doubled)
    expect(kpi).to_contain_text("6.00×", timeout=TIMEOUT)
    expect(page.locator(".story-line").first).to_contain_text("China's GDP is 6.0× Russia's")
    expect(first).not_to_have_text(before, timeout=TIMEOUT)  # the table's rows, reloaded


def test_copy_link_and_the_drawn_series_as_csv(app, page, context, console):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD&mode=ratio&from=2000&to=2010")
    page.click("#copy-link")
    expect(page.locator("#copy-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    with page.expect_download(timeout=60_000) as info:
        page.locator(".chart-buttons button", has_text="Data (CSV)").first.click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:6] == ["indicator", "title", "series", "mode", "year", "value"]
    assert len(lines) == 12  # 2000–2010, one ratio series
    assert all("China ÷ Russia,ratio," in line for line in lines[1:])
    assert "times (China ÷ Russia)" in lines[1] and "World Bank" in lines[1]


def test_empty_store_says_so(tmp_path, page, console):
    empty = App(tmp_path, seeded=False, SNAPSHOT="off")
    try:
        page.goto(empty.url)
        expect(page.locator("#charts")).to_contain_text("No data stored yet", timeout=TIMEOUT)
        expect(page.locator("#banner")).to_contain_text("python -m fetchers import FILE")
    finally:
        empty.stop()


def test_downloads_from_the_page(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD&from=2000&to=2020&mode=absolute")
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
    assert "current US$, market exchange rates" in svg and "US$ 100" in svg
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


def test_first_start_without_network_is_one_calm_line_with_details(tmp_path, page, console):
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port: connection refused
    offline = App(
        tmp_path, seeded=False, SCHEDULER="true", HTTP_RETRIES="0", SNAPSHOT="off",
        WORLDBANK_API_URL=f"{dead}/v2", SIPRI_MILEX_URL=f"{dead}/milex.xlsx",
        TRADE_API_URL=f"{dead}/v1",
    )  # fmt: skip
    try:
        page.goto(offline.url)
        header = page.locator("#freshness")
        expect(header).to_contain_text("connection refused", timeout=TIMEOUT)
        expect(header).to_contain_text("next try")
        assert "http://" not in header.inner_text() and "Traceback" not in header.inner_text()
        expect(page.locator("#banner .alert")).to_have_count(1)  # the empty store's note only
        page.locator("#freshness summary").click()
        expect(header.locator("li")).to_have_count(3)
        expect(header).to_contain_text("World Bank WDI: no data yet; last try")
    finally:
        offline.stop()
