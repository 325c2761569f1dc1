"""What a watcher is told: the line on releases since a visit, and the release calendar."""

from __future__ import annotations

from datetime import date

from config.catalogue import load_catalogue
from dashboard.model import watching
from fetchers.store import snapshot
from tests.support.releases import FIRST_AT, SECOND_AT, two_releases


def test_a_visit_before_a_revision_is_told_the_revision_in_one_line(store, settings):
    two_releases(store)
    snap = snapshot.read(store)
    line, link = watching.since_line(snap, FIRST_AT, load_catalogue(), settings)
    assert line.startswith("Since your last visit: World Bank WDI 2026-02-01: 1 values revised")
    assert "Russia's GDP" in line and "2024" in line and "−3.1%" in line
    assert "as_of=" in link
    assert watching.since_line(snap, SECOND_AT, load_catalogue(), settings) == ("", "")
    assert watching.since_line(snap, "", load_catalogue(), settings) == ("", "")  # first visit


def test_the_calendar_names_each_sources_last_and_next_release(store):
    two_releases(store)
    rows = watching.calendar_rows(snapshot.read(store), load_catalogue(), date(2026, 2, 10))
    worldbank = next(r for r in rows if r["Source"] == "World Bank WDI")
    assert worldbank["Last release"] == "2026-02-01" and worldbank["Overdue"] == ""
    assert worldbank["Next expected"] > "2026-02-01"
    assert {r["Source"] for r in rows} >= {"World Bank WDI"}
