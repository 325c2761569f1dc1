"""The export callbacks' progress: each report button says its own sentence and disables them all."""

from __future__ import annotations

from dash import Dash, html

from dashboard.page import downloads
from dashboard.page.layout import BUSY_CLASS, EXPORTS, STATUS_CLASS

FORMATS = [fmt for fmt, _ in EXPORTS]


def wiring() -> list[dict]:
    """The callbacks as the browser is told them (GET /_dash-dependencies)."""
    app = Dash(__name__)
    app.layout = html.Div()
    downloads.register(app, snapshot=None)  # the snapshot is only used when a callback runs
    response = app.server.test_client().get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def test_every_export_button_has_a_sentence_that_names_what_is_made():
    assert set(downloads.PREPARING) == set(FORMATS)
    assert downloads.preparing("pdf") == "Preparing the report (charts, PDF)…"
    assert all(downloads.preparing(fmt).endswith("…") for fmt in FORMATS)
    assert downloads.preparing("tar") == "Preparing the export…"  # a format added later


def test_while_an_export_builds_its_sentence_shows_and_every_report_button_is_off():
    by_button = {c["inputs"][0]["id"]: c for c in wiring()}
    for fmt in FORMATS:
        running = by_button[f"export-{fmt}"]["running"]
        assert running["running"] == {
            **{f"export-{other}.disabled": True for other in FORMATS},
            "export-status.children": downloads.preparing(fmt),
            "export-status.className": BUSY_CLASS,
        }
        assert running["runningOff"] == {
            **{f"export-{other}.disabled": False for other in FORMATS},
            "export-status.children": "",
            "export-status.className": STATUS_CLASS,
        }


def test_a_chart_file_says_it_is_being_prepared_and_is_asked_for_without_pattern_ids():
    (chart,) = [c for c in wiring() if c["output"].startswith("..download-image.")]
    assert chart["running"]["running"] == {
        "export-status.children": downloads.DRAWING_IMAGE,
        "export-status.className": BUSY_CLASS,
    }
    # The charts' buttons reach it through one store: no pattern-matched ids on the page.
    assert [i["id"] for i in chart["inputs"]] == ["chart-request"]
    assert all(isinstance(i["id"], str) for c in wiring() for i in c["inputs"])


def test_an_export_asked_for_before_the_view_has_loaded_says_so():
    assert downloads.build(None, None, "pdf")[1] == "The view is still loading."
    assert downloads.drawn_csv(None, {}, "NY.GDP.MKTP.CD")[1] == "The view is still loading."
