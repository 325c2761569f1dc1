"""Exports show progress: while a file builds the status says what is being made, the report
buttons are off, and when the file arrives the status says so and the buttons are back."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from dashboard.page.downloads import DRAWING_IMAGE, preparing

TIMEOUT = 20_000
REPORT_BUTTONS = "button[id^='export-']"
# Every state of the status line from now on, each with whether all report buttons were
# disabled at that moment: recorded by the page itself, so no state is missed between two polls.
RECORD_JS = """
(selector) => {
    window.exportStates = [];
    const status = document.getElementById('export-status');
    const buttons = Array.from(document.querySelectorAll(selector));
    const note = () => window.exportStates.push(
        [status.textContent, buttons.every(b => b.disabled)]
    );
    const observer = new MutationObserver(note);
    observer.observe(status, {childList: true, subtree: true, characterData: true});
    buttons.forEach(b => observer.observe(b, {attributes: true, attributeFilter: ['disabled']}));
}
"""


def open_page(page, url):
    page.goto(url)
    expect(page.locator(".gap-chart .main-svg").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(REPORT_BUTTONS)).to_have_count(5)


def download(page, click) -> tuple[Path, list[list]]:
    """Click, wait for the file; (its path, the status states seen while it was built)."""
    page.evaluate(RECORD_JS, REPORT_BUTTONS)
    with page.expect_download(timeout=120_000) as info:
        click()
    path = Path(info.value.path())
    expect(page.locator("#export-status")).to_contain_text("Downloaded")
    return path, page.evaluate("window.exportStates")


def test_the_report_says_it_is_being_prepared_until_the_pdf_arrives(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD&from=2000&to=2020")
    pdf, states = download(page, lambda: page.click("#export-pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    sentence = preparing("pdf")
    assert sentence == "Preparing the report (charts, PDF)…"
    assert [sentence, True] in states, states  # the sentence, with every report button off
    assert states[-1][0].startswith("Downloaded") and states[-1][1] is False, states
    for button in page.locator(REPORT_BUTTONS).all():
        expect(button).to_be_enabled()


def test_the_report_pack_and_a_chart_image_show_their_own_sentences(app, page, console):
    open_page(page, app.url + "?ind=NY.GDP.MKTP.CD&from=2000&to=2020")
    pack, states = download(page, lambda: page.click("#export-zip"))
    assert pack.read_bytes().startswith(b"PK")
    assert [preparing("zip"), True] in states, states
    png, states = download(
        page, lambda: page.locator(".chart-buttons button", has_text="PNG").first.click()
    )
    assert png.read_bytes().startswith(b"\x89PNG")
    assert DRAWING_IMAGE in [text for text, _ in states], states
    expect(page.locator("#export-status")).to_contain_text(".png")
