"""Watching in the browser: Cite this view, what changed since the last visit, the calendar."""

from __future__ import annotations

import json

from playwright.sync_api import expect

TIMEOUT = 30_000


def test_cite_gives_every_format_with_the_pinned_permalink(app, page, console):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(app.url)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Cite").click()
    cite = page.locator("#cite-text")
    expect(cite).to_contain_text("@misc", timeout=TIMEOUT)
    for name in ("APA", "Chicago", "BibTeX", "RIS"):
        expect(cite.get_by_role("heading", name=name)).to_be_visible()
    assert "as_of=" in cite.inner_text()  # the citation points at numbers that will not change


def test_a_returning_reader_is_told_what_changed_and_the_calendar_shows(app, page, console):
    page.set_viewport_size({"width": 1400, "height": 900})
    seen = json.dumps({"version": 0, "at": "2000-01-01T00:00:00Z"})
    page.add_init_script(f"window.localStorage.setItem('last-seen', {json.dumps(seen)});")
    page.goto(app.url)
    since = page.locator("#since")
    expect(since).to_contain_text("Since your last visit:", timeout=TIMEOUT)
    expect(since.get_by_role("link", name="see the release diff")).to_have_attribute(
        "href", "#analysis-release-diff"
    )
    stored = page.evaluate("() => JSON.parse(window.localStorage.getItem('last-seen'))")
    assert stored["at"] > "2000-01-01"  # remembered for the next visit
    page.locator("#sources").scroll_into_view_if_needed()
    expect(page.locator("#calendar")).to_contain_text("Release calendar", timeout=TIMEOUT)
    expect(page.locator("#calendar")).to_contain_text("World Bank WDI")
