"""The analysis section in headless chromium: every panel, the need sentence, plain numbers."""

from __future__ import annotations

import re

from playwright.sync_api import expect

TIMEOUT = 60_000  # the analysis is built on a cold start, on a busy CI machine
HEADINGS = (
    "Asymmetry of need",
    "Claim tracker",
    "Event windows",
    "Basis switch",
    "Release diff",
    "Cross-source check",
    "Share of the world",
)


def test_the_analysis_section_shows_every_panel(app, page, console):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app.url)
    page.locator(".gap-chart .main-svg").first.wait_for(timeout=TIMEOUT)
    page.wait_for_load_state(
        "networkidle"
    )  # scrolled once the page above has drawn, as a reader does
    section = page.locator("#analysis")
    section.scroll_into_view_if_needed()  # below the fold, it loads as it nears the screen
    expect(section.locator("#analysis-world")).to_be_visible(timeout=TIMEOUT)
    for heading in HEADINGS:
        expect(section.get_by_role("heading", name=heading)).to_be_visible()
    expect(section.locator(".need-kpi")).to_contain_text("China takes")
    expect(section.locator(".need-kpi")).to_contain_text("of China's")
    expect(section).to_contain_text("Descriptive, not causal")
    expect(section.locator(".claim").first).to_be_visible()
    expect(section.locator("#analysis-need-chart .main-svg").first).to_be_visible()
    expect(section.locator("#windows-table")).to_contain_text("Crimea")
    section.scroll_into_view_if_needed()
    text = section.inner_text()
    assert not re.search(r"\d[eE][+-]?\d", text), "e-notation on the page"
    # Headings come in the page's order: after the charts, before the data table.
    order = page.evaluate(
        "() => ['charts', 'analysis', 'table-section'].map(id => document.getElementById(id)"
        ".getBoundingClientRect().top)"
    )
    assert order == sorted(order), order
