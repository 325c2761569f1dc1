"""WCAG 2.2 AA by axe-core in headless chromium, at desktop and phone size, lazy sections loaded."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

SIZES = {"desktop": (1400, 900), "phone": (390, 844)}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TIMEOUT = 20_000


def loaded(page, url):
    """The page with its charts drawn and every lazy section loaded (scrolled through)."""
    page.goto(url)
    expect(page.locator(".gap-chart .main-svg").first).to_be_visible(timeout=TIMEOUT)
    for section in ("#analysis", "#table-section", "#sources"):
        page.locator(section).scroll_into_view_if_needed()
        expect(
            page.locator(section).locator(".text-muted", has_text="loads as you scroll")
        ).to_have_count(0, timeout=TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_no_serious_critical_or_moderate_violation(app, browser, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    loaded(page, app.url)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    found = [
        (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
        for v in results.response["violations"]
        if v["impact"] in ("moderate", "serious", "critical")
    ]
    assert found == [], found


def test_every_chart_has_a_name_and_a_text_alternative(app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    loaded(page, app.url)
    figures = page.locator("figure[aria-label^='Chart: ']")
    assert figures.count() >= 1
    for n in range(figures.count()):
        caption = figures.nth(n).locator("figcaption")
        assert caption.inner_text().strip()
        assert caption.locator("a[href='#data']").count() == 1


def test_keyboard_reaches_filters_copy_link_and_exports_with_visible_focus(app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    loaded(page, app.url)
    wanted = {"filters-toggle", "copy-link", "export-csv", "export-xlsx", "export-zip",
              "export-pdf", "export-html"}  # fmt: skip
    reached = set()
    for _ in range(300):  # past the key figures, chart buttons and legends
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.id, s.outlineStyle, s.outlineWidth]; }"
        )
        if focused[0] in wanted:
            assert focused[1] != "none" and focused[2] != "0px", focused
            reached.add(focused[0])
        if reached == wanted:
            break
    assert reached == wanted
