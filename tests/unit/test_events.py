"""The event register: validation and the required events."""

from __future__ import annotations

from datetime import date

import pytest

from config.events import EventsError, load_events


def test_events_file_errors_are_listed(tmp_path):
    bad = tmp_path / "events.toml"
    bad.write_text(
        'categories = ["A"]\n[[event]]\ndate = "2014-13-01"\ntitle = "x"\nlabel = "x"\n'
        'category = "B"\nsummary = "s"\nsource = "javascript:alert(1)"\n'
    )
    with pytest.raises(EventsError) as info:
        load_events(bad)
    message = str(info.value)
    assert "category 'B' is not in categories" in message
    assert "source 'javascript:alert(1)' is not an http(s) URL" in message
    assert "date '2014-13-01' is not a date" in message


def test_required_events_are_on_the_timeline_with_the_right_dates():
    events = {e.label: e for e in load_events().events}
    assert events["Crimea"].start == date(2014, 3, 18)
    assert events["US NSS"].start == date(2017, 12, 18)
    assert events["MSC report"].start.strftime("%Y-%m") == "2018-02"
    assert events["Gas deal"].start == date(2014, 5, 21)
    assert events["Reset"].start.year == 2009
    assert events["No limits"].start == date(2022, 2, 4)
    assert events["Invasion"].start == date(2022, 2, 24)
    xi = events["Xi, 1st term"]
    assert (xi.start, xi.end) == (date(2012, 11, 15), date(2017, 10, 25))
    assert all(e.source.startswith(("http://", "https://")) for e in events.values())
