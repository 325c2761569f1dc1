"""Vintages on a real SQLite store holding two releases: what the store held at each moment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fetchers.store import snapshot as snapshots
from fetchers.store.vintage import VintageError, as_of, first_moment, parse_as_of
from tests.support.releases import FIRST_VALUES, GDP, store_release, two_releases

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
FIRST = datetime(2026, 1, 5, 10, tzinfo=UTC)


def values(snap) -> dict:
    rows = snap.observations
    return {(r.country, r.year): r.value for r in rows.itertuples() if r.indicator == GDP}


def test_before_the_revision_the_old_value_and_no_added_year(store):
    first, _ = two_releases(store)
    current = snapshots.read(store)
    then = as_of(current, parse_as_of("2026-01-20", first_moment(current.runs), NOW))
    assert values(then) == {("CHN", 2024): 17.0e12, ("RUS", 2023): 2.0e12, ("RUS", 2024): 2.2e12}
    assert set(then.observations["run_id"]) == {first}
    assert list(then.runs["id"]) == [first]
    assert then.history.empty
    assert list(then.meta["release"]) == ["2026-01-01"]
    assert list(then.meta["run_id"]) == [first]


def test_after_the_revision_everything_current(store):
    first, second = two_releases(store)
    current = snapshots.read(store)
    now = as_of(current, parse_as_of("2026-02-05T10:00:00Z", first_moment(current.runs), NOW))
    assert values(now)[("RUS", 2024)] == pytest.approx(2.1318e12)
    assert values(now)[("RUS", 2025)] == 2.3e12
    assert list(now.runs["id"]) == [first, second]
    assert len(now.history) == 1
    assert now.rows().equals(current.rows())


def test_a_second_before_the_second_release_finished(store):
    _, second = two_releases(store)
    current = snapshots.read(store)
    then = as_of(current, datetime(2026, 2, 5, 9, 59, 59, tzinfo=UTC))
    assert values(then)[("RUS", 2024)] == 2.2e12
    assert second not in set(then.runs["id"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("yesterday", "neither a date"),
        ("2026-02-30", "not a calendar date"),
        ("2026-04-01", "in the future"),
        ("2026-03-01T13:00:00Z", "in the future"),
        ("2025-12-31", "before the store's first data (2026-01-05T10:00:00Z)"),
        ("2026-01-05T09:59:59+00:00", "before the store's first data"),
        ("2026" * 30, "too long"),
        ("", "must be a date"),
        (None, "must be a date"),
        ("20260101", "neither a date"),
    ],
)
def test_bad_as_of_is_refused_with_a_reason(text, words):
    with pytest.raises(VintageError) as caught:
        parse_as_of(text, FIRST, NOW)
    assert words in str(caught.value)


def test_dates_and_timestamps():
    assert parse_as_of("2026-01-20", FIRST, NOW) == datetime(2026, 1, 20, 23, 59, 59, tzinfo=UTC)
    assert parse_as_of("2026-03-01", FIRST, NOW) == NOW  # today: now, not the day's end
    assert parse_as_of("2026-02-01T12:00:00+02:00", FIRST, NOW) == datetime(
        2026, 2, 1, 10, tzinfo=UTC
    )
    assert parse_as_of("2026-02-01T12:00:00", FIRST, NOW) == datetime(2026, 2, 1, 12, tzinfo=UTC)


def test_an_empty_store_has_no_vintage():
    with pytest.raises(VintageError, match="no data yet"):
        parse_as_of("2026-01-20", None, NOW)


def test_a_value_added_then_revised_belongs_to_the_release_that_added_it(store):
    # Three releases: the first adds Russia 2024, the second leaves it, the third revises it.
    first = store_release(store, FIRST_VALUES, "2026-01-01", "2026-01-05T10:00:00Z")
    store_release(store, {**FIRST_VALUES, ("CHN", 2023): 16.0e12}, "2026-01-15",
                  "2026-01-15T10:00:00Z")  # fmt: skip
    store_release(store, {**FIRST_VALUES, ("CHN", 2023): 16.0e12, ("RUS", 2024): 2.1e12},
                  "2026-02-01", "2026-02-05T10:00:00Z")  # fmt: skip
    assert store.history()["old_run_id"].tolist() == [first]
    then = as_of(snapshots.read(store), datetime(2026, 1, 20, tzinfo=UTC))
    row = then.observations.query("country == 'RUS' and year == 2024").iloc[0]
    assert (row["value"], row["run_id"]) == (2.2e12, first)
