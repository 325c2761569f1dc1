"""Events from hand-made runs and history frames: releases, refusals, outages, overdue, calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from fetchers.store.changes import REFUSED, changes, for_run, permalink
from fetchers.store.release_calendar import calendar
from fetchers.store.revisions import Revision, largest

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
GDP = "NY.GDP.MKTP.CD"


def run(id, source="worldbank", status="ok", finished="2026-02-05T10:00:00Z", **more):
    return {"id": id, "source": source, "kind": more.get("kind", "fetch"), "status": status,
            "release": more.get("release", "2026-02-01"), "started_at": finished,
            "finished_at": finished, "error": more.get("error", ""), "notes": more.get("notes", ""),
            "added": more.get("added", 0), "changed": more.get("changed", 0)}  # fmt: skip


def revision(id, run_id, country, year, old, new, indicator=GDP):
    return {"id": id, "run_id": run_id, "source": "worldbank", "indicator": indicator,
            "country": country, "partner": "", "year": year, "old_value": old,
            "new_value": new, "old_flag": "", "new_flag": ""}  # fmt: skip


def hours(source):
    return {"worldbank": 24, "sipri": 168}.get(source, 0)


def events(runs, history=(), now=NOW):
    frame = pd.DataFrame(list(history), columns=list(revision(0, 0, "", 0, 0, 0)))
    return changes(pd.DataFrame(runs), frame, catalogue_(), hours, now, "example.org")


def catalogue_():
    from config.catalogue import load_catalogue

    return load_catalogue()


def test_a_release_names_its_counts_and_largest_revisions():
    runs = [run(1, finished="2026-01-05T10:00:00Z", release="2026-01-01", added=3),
            run(2, added=1, changed=2)]  # fmt: skip
    history = [
        revision(1, 2, "RUS", 2024, 2.2e12, 2.1318e12),
        revision(2, 2, "CHN", 2024, 17e12, 17.017e12),
    ]
    found = events(runs, history)
    assert [c.kind for c in found] == ["release", "release"]
    newest = found[0]
    assert newest.id == "tag:example.org,2026-02-05:run/2/release"
    assert newest.title == "World Bank WDI: new release 2026-02-01"
    assert newest.updated == newest.as_of == "2026-02-05T10:00:00Z"
    assert (newest.added, newest.revised) == (1, 2)
    assert newest.summary == (
        "1 values added; 2 revised; the largest Russia's GDP 2024: 2.2 tn → 2.132 tn (−3.1%); "
        "China's GDP 2024: 17 tn → 17.02 tn (+0.1%)."
    )


def test_ids_are_the_same_on_every_reading():
    runs = [run(1), run(2, finished="2026-02-06T10:00:00Z")]
    assert [c.id for c in events(runs)] == [c.id for c in events(runs)]


def test_a_value_that_appears_or_vanishes_ranks_first():
    history = pd.DataFrame(
        [revision(1, 2, "RUS", 2023, 1.0, 1.5), revision(2, 2, "RUS", 2024, None, 3.0)]
    )
    ranked = largest(history, catalogue_())
    assert [(r.year, r.change) for r in ranked] == [(2024, None), (2023, 0.5)]
    assert ranked[0].text() == "Russia's GDP 2024: — → 3"


def test_a_refused_release_is_an_event_and_other_failures_are_not():
    runs = [run(1, finished="2026-02-01T00:00:00Z"),
            run(2, status="failed", error=REFUSED, finished="2026-02-28T00:00:00Z"),
            run(3, status="failed", error="the source did not answer", finished="2026-02-28T06:00:00Z")]  # fmt: skip
    kinds = {c.kind: c for c in events(runs)}
    assert set(kinds) == {"release", "refused"}
    assert kinds["refused"].id == "tag:example.org,2026-02-28:run/2/refused"
    assert "stored data were kept" in kinds["refused"].summary


def test_a_source_down_past_twice_its_interval_from_its_first_failure():
    runs = [run(1, finished="2026-02-20T00:00:00Z"),
            run(2, status="failed", error="x", finished="2026-02-27T06:00:00Z"),
            run(3, status="interrupted", error="y", finished="2026-02-28T06:00:00Z")]  # fmt: skip
    assert [c.kind for c in events(runs, now=datetime(2026, 3, 1, 5, tzinfo=UTC))] == ["release"]
    down = [c for c in events(runs, now=datetime(2026, 3, 1, 6, tzinfo=UTC)) if c.kind == "down"]
    assert len(down) == 1
    assert down[0].updated == "2026-03-01T06:00:00Z"  # 48 h after the first failure
    assert down[0].id == "tag:example.org,2026-02-27:run/2/down"
    assert "2 in a row" in down[0].summary


def test_a_success_ends_the_outage():
    runs = [run(1, status="failed", error="x", finished="2026-01-01T00:00:00Z"),
            run(2, status="unchanged", finished="2026-02-27T00:00:00Z")]  # fmt: skip
    assert [c.kind for c in events(runs)] == []


def test_calendar_expects_the_next_release_from_the_cadence():
    runs = pd.DataFrame([
        run(1, release="2025-06-01", finished="2025-06-02T00:00:00Z"),
        run(2, source="sipri", kind="snapshot", release="2020 edition", finished="2026-01-01T00:00:00Z"),
    ])  # fmt: skip
    entries = {e.source: e for e in calendar(runs, catalogue_(), date(2026, 3, 1))}
    wb = entries["worldbank"]
    assert (wb.released_on, wb.expected, wb.overdue) == (date(2025, 6, 1), date(2025, 9, 29), True)
    assert entries["sipri"].overdue is False  # the bundled snapshot's age is no sign
    assert entries["sipri"].expected == date(2021, 4, 30)
    assert entries["trade"].last_release == "" and entries["trade"].expected is None


def test_an_overdue_release_is_dated_when_it_became_overdue():
    runs = [run(1, release="2025-06-01", finished="2025-06-02T00:00:00Z")]
    overdue = [c for c in events(runs) if c.kind == "overdue"]
    assert overdue[0].updated == "2026-01-28T00:00:00Z"  # the day after 2 x 120 days from 1 June
    assert overdue[0].id == "tag:example.org,2026-01-28:overdue/worldbank/2025-06-01"


def test_the_bundled_snapshot_is_no_release_event():
    assert events([run(1, kind="snapshot")]) == []


def test_for_run_keeps_its_own_events_and_its_sources_standing():
    runs = [run(1, release="2025-06-01", finished="2025-06-02T00:00:00Z"),
            run(2, source="sipri", release="2025 edition", finished="2025-06-03T00:00:00Z")]  # fmt: skip
    found = events(runs)
    assert {(c.kind, c.source) for c in for_run(found, pd.DataFrame(runs), 1)} == {
        ("release", "worldbank"), ("overdue", "worldbank")}  # fmt: skip


def test_words_for_numbers_are_the_pages():
    sipri = Revision("SIPRI.MILEX.CURRENT_USD", "M", "RUS", "Russia", 2024, 1.0e5, 1.1e5, 1e6)
    assert sipri.text() == "Russia's M 2024: 100 bn → 110 bn (+10%)"  # US$ m scaled
    fall = Revision("X", "X", "RUS", "Russia", 2024, -4.5e9, 12345.0)
    assert fall.text() == "Russia's X 2024: −4.5 bn → 12,345 (+100%)"  # a true minus sign
    small = Revision("X", "X", "CHN", "China", 2020, 0.031, 0.030)
    assert small.text() == "China's X 2020: 0.031 → 0.03 (−3.2%)"
    gone = Revision("X", "X", "CHN", "China", 2020, 1.0, None)
    assert gone.text() == "China's X 2020: 1 → —"


def test_permalink_pins_the_vintage_and_keeps_the_view():
    assert permalink("https://am.example/", "2026-02-05T10:00:00Z") == (
        "https://am.example/?as_of=2026-02-05T10:00:00Z"
    )
    assert permalink("https://am.example", "2026-02-05", "?ind=A,B&as_of=old") == (
        "https://am.example/?ind=A,B&as_of=2026-02-05"
    )
    assert permalink("https://am.example", "") == "https://am.example/"


def test_a_claims_last_verdict_change_is_an_event():
    from fetchers.store.changes import verdict_changes

    claims = pd.DataFrame(
        [{"id": "gdp-gap", "text": "China's economy outgrows Russia's", "status": "holds",
          "summary": "The ratio grew from 5.1 to 9.8.", "last_changed_run": 2,
          "last_changed_release": "worldbank 2026-02-01", "last_changed_at": "2026-02-05T10:00:00Z"},
         {"id": "steady", "text": "Unchanged", "status": "holds", "summary": "",
          "last_changed_run": "", "last_changed_release": "", "last_changed_at": ""}]
    )  # fmt: skip
    found = verdict_changes(claims, pd.DataFrame([run(2)]), catalogue_(), "example.org")
    assert [(c.kind, c.id, c.source, c.as_of) for c in found] == [
        ("verdict", "tag:example.org,2026-02-05:run/2/claim/gdp-gap/holds", "worldbank",
         "2026-02-05T10:00:00Z")]  # fmt: skip
    assert found[0].title == "Claim now holds: China's economy outgrows Russia's"
