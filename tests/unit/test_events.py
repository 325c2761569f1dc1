"""The event register: validation rules and the events the charts need, with honest sources."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest

from config.events import (
    DATA_KIND,
    KINDS,
    MAX_ENCYCLOPEDIA_SHARE,
    Event,
    EventsError,
    load_events,
)

TODAY = date(2026, 11, 29)


def entry(title="x", label="x", source="https://example.org/doc", extra=""):
    return (
        f'[[event]]\ndate = "2014-03-18"\ntitle = "{title}"\nlabel = "{label}"\ncategory = "A"\n'
        f'summary = "s"\nsource = "{source}"\naccessed = 2026-11-01\n{extra}'
    )


def errors(tmp_path, text):
    path = tmp_path / "events.toml"
    path.write_text('categories = ["A"]\n' + text, encoding="utf-8")
    with pytest.raises(EventsError) as info:
        load_events(path, today=TODAY)
    return str(info.value)


@pytest.fixture(scope="module")
def register():
    return load_events().events


def find(events, *words):
    """The one event whose title contains every word (case-insensitive)."""
    found = [e for e in events if all(w.lower() in e.title.lower() for w in words)]
    assert len(found) == 1, (words, [e.title for e in found])
    return found[0]


# Validation, on tiny files.


def test_events_file_errors_are_listed(tmp_path):
    message = errors(
        tmp_path,
        '[[event]]\ndate = "2014-13-01"\ntitle = "x"\nlabel = "x"\n'
        'category = "B"\nsummary = "s"\nsource = "javascript:alert(1)"\n',
    )
    assert "category 'B' is not in categories" in message
    assert "source 'javascript:alert(1)' is not an http(s) URL" in message
    assert "date '2014-13-01' is not a date" in message
    assert "accessed is missing" in message


def test_every_new_rule_is_reported_at_once(tmp_path):
    message = errors(
        tmp_path,
        entry(title="Same", extra='kind = "weather"\n')
        + entry(title="Same", label="A label far too long for the chart")
        + '[[event]]\nstart = "2015-01-01"\nend = "2014-01-01"\ntitle = "Backwards"\n'
        'label = "b"\ncategory = "A"\nsummary = "s"\nsource = "https://example.org"\n'
        "accessed = 2027-01-01\n"
        + entry(title="Bad access", extra="").replace(
            "accessed = 2026-11-01", 'accessed = "last week"'
        ),
    )
    assert "kind 'weather' is not one of political, economic, exchange-rate" in message
    assert "title 'Same' is used by 2 entries" in message
    assert "is longer than 16 characters" in message
    assert "period ends (2014-01-01) before it starts (2015-01-01)" in message
    assert "accessed 2027-01-01 is in the future" in message
    assert "accessed 'last week' is not a date" in message


def test_a_tier_must_be_key_or_context_and_a_data_break_is_never_key(tmp_path):
    message = errors(
        tmp_path,
        entry(title="a", extra='tier = "main"\n')
        + entry(title="b", extra='tier = "key"\nkind = "data"\n'),
    )
    assert "tier 'main' is not one of key, context" in message
    assert "(b): a data break cannot be a key event" in message


def test_a_date_with_a_time_of_day_is_refused_with_a_message(tmp_path):
    text = entry(title="timed").replace('date = "2014-03-18"', "date = 2014-03-18T10:30:00")
    message = errors(
        tmp_path, text + entry(title="clock").replace('date = "2014-03-18"', "date = 10:30:00")
    )
    assert "(timed): date '2014-03-18T10:30:00' has a time of day; give the date only" in message
    assert "(clock): date '10:30:00' is a time, not a date" in message


def test_a_date_after_today_is_refused(tmp_path):
    future = entry(title="later").replace('date = "2014-03-18"', 'date = "2099-01-01"')
    period = entry(title="span").replace(
        'date = "2014-03-18"', 'start = "2020-01-01"\nend = "2030-01-01"'
    )
    message = errors(tmp_path, future + period)
    assert "(later): date 2099-01-01 is in the future (after 2026-11-29)" in message
    assert "(span): end 2030-01-01 is in the future" in message


def test_tier_and_kind_default_to_context_and_political(tmp_path):
    path = tmp_path / "events.toml"
    path.write_text(
        'categories = ["A"]\n' + entry(extra='tier = "key"\n') + entry(title="y"), encoding="utf-8"
    )
    events = load_events(path, today=TODAY).events
    assert [(e.title, e.is_key, e.is_data) for e in events] == [
        ("x", True, False),
        ("y", False, False),
    ]


def test_encyclopedia_share_above_ten_percent_fails(tmp_path):
    wiki = "https://en.wikipedia.org/wiki/Crimea"
    text = "".join(
        entry(title=f"t{n}", source=wiki if n < 2 else "https://ex.org") for n in range(10)
    )
    assert "2 of 10 entries cite an encyclopedia" in errors(tmp_path, text)


def test_one_encyclopedia_in_ten_is_allowed(tmp_path):
    wiki = "https://de.wikipedia.org/wiki/Krim"
    path = tmp_path / "events.toml"
    text = "".join(
        entry(title=f"t{n}", source=wiki if n == 0 else "https://ex.org") for n in range(10)
    )
    path.write_text('categories = ["A"]\n' + text, encoding="utf-8")
    events = load_events(path, today=TODAY).events
    assert sum(e.encyclopedia for e in events) == 1
    assert all(e.kind == "political" and e.accessed == date(2026, 11, 1) for e in events)


def test_encyclopedia_hosts():
    def cite(url):
        return Event(date(2014, 1, 1), date(2014, 1, 1), "t", "l", "c", "s", url)

    assert cite("https://en.wikipedia.org/wiki/X").encyclopedia
    assert cite("https://www.britannica.com/event/X").encyclopedia
    assert not cite("http://en.kremlin.ru/supplement/5770").encyclopedia
    assert not cite("https://notwikipedia.org.example.com/").encyclopedia


# The shipped register.


def test_encyclopedia_share_is_at_most_one_in_ten(register):
    assert sum(e.encyclopedia for e in register) <= MAX_ENCYCLOPEDIA_SHARE * len(register)


def test_every_entry_cites_a_url_with_host_and_an_access_date(register):
    for event in register:
        url = urlparse(event.source)
        assert url.scheme in ("http", "https") and url.hostname, event.title
        assert isinstance(event.accessed, date) and event.accessed <= date.today(), event.title
        assert event.kind in KINDS
        assert len(event.label) <= 16


def test_titles_are_unique_and_periods_run_forward(register):
    titles = [e.title for e in register]
    assert len(titles) == len(set(titles))
    assert all(e.end >= e.start for e in register)


def test_the_register_covers_the_charts_from_1991(register):
    assert register[0].start.year <= 1991
    assert 40 <= len(register) <= 60


def test_required_events_are_on_the_timeline_with_the_right_dates(register):
    events = {e.label: e for e in register}
    assert events["Crimea"].start == date(2014, 3, 18)
    assert events["US NSS"].start == date(2017, 12, 18)
    assert events["MSC report"].start == date(2018, 2, 8)
    assert events["Gas deal"].start == date(2014, 5, 21)
    assert events["Reset"].start.year == 2009
    assert events["No limits"].start == date(2022, 2, 4)
    assert events["Invasion"].start == date(2022, 2, 24)
    xi = events["Xi, 1st term"]
    assert (xi.start, xi.end) == (date(2012, 11, 15), date(2017, 10, 25))
    assert all(e.source.startswith(("http://", "https://")) for e in events.values())


def test_the_events_that_explain_the_data(register):
    assert find(register, "Silk Road", "Astana").start == date(2013, 9, 7)
    assert find(register, "Belt and Road Forum").start == date(2017, 5, 15)
    assert find(register, "Power of Siberia").start == date(2019, 12, 2)
    assert find(register, "rouble collapses").start == date(2014, 12, 16)
    assert find(register, "default").start == date(1998, 8, 17)
    assert find(register, "Good-Neighbourliness").start == date(2001, 7, 16)
    xi_visit = find(register, "Xi", "Moscow")
    assert (xi_visit.start.year, xi_visit.start.month) == (2023, 3)
    georgia = find(register, "Georgia")
    assert (georgia.start.year, georgia.start.month) == (2008, 8)
    assert find(register, "Lehman").start == date(2008, 9, 15)


def test_economic_and_exchange_rate_moves_are_marked(register):
    for words in (("default",), ("Lehman",), ("Power of Siberia",), ("World Trade",)):
        assert find(register, *words).kind == "economic", words
    for words in (("rouble collapses",), ("rouble", "record low"), ("rouble", "seven-year")):
        assert find(register, *words).kind == "exchange-rate", words


def test_no_sanctions_band_ends_in_2014(register):
    bands = [e for e in register if e.is_period and e.category == "Russia–West"]
    assert not [e for e in bands if e.end.year == 2014]
    sanctions = [e for e in register if "sanction" in e.title.lower()]
    assert len(sanctions) >= 3 and not any(e.is_period for e in sanctions)


def test_the_nss_entry_quotes_the_document(register):
    nss = find(register, "National Security Strategy")
    assert '"revisionist powers' in nss.summary
    assert "strategic competitor" not in (nss.title + nss.summary).lower()


def test_phase_one_is_a_dated_event_and_the_tariffs_stay(register):
    phase_one = find(register, "Phase One")
    assert not phase_one.is_period
    assert "stay in place" in phase_one.summary


def test_the_key_events_are_the_ones_the_dashboard_exists_for(register):
    key = {e.label: e.start for e in register if e.is_key}
    assert key == {
        "EU sanctions": date(2014, 3, 17),
        "Crimea": date(2014, 3, 18),
        "US NSS": date(2017, 12, 18),
        "MSC report": date(2018, 2, 8),
        "Invasion": date(2022, 2, 24),
    }


def test_data_breaks_are_their_own_layer(register):
    breaks = {e.label: e for e in register if e.is_data}
    assert set(breaks) == {"Redenomination", "Customs blackout", "PPP benchmark"}
    assert breaks["Redenomination"].start == date(1998, 1, 1)
    assert breaks["Customs blackout"].start == date(2022, 4, 21)
    assert breaks["PPP benchmark"].start == date(2024, 5, 30)
    assert all(
        e.category == "data" and e.kind == DATA_KIND and not e.is_key for e in breaks.values()
    )
    assert all(e.is_data == (e.category == "data") for e in register)


def test_the_events_an_analyst_expects_from_2017_to_2025(register):
    expected = {
        ("National Defense Strategy",): date(2018, 1, 19),
        ("Section 301 report",): date(2018, 3, 22),
        ("CAATSA", "Equipment Development Department"): date(2018, 9, 20),
        ("Vostok-2018",): date(2018, 9, 11),
        ("first joint", "bomber patrol"): date(2019, 7, 23),
        ("systemic rival",): date(2019, 3, 12),
        ("NATO", "2022 Strategic Concept"): date(2022, 6, 29),
        ("price cap",): date(2022, 12, 5),
        ("position paper",): date(2023, 2, 24),
        ("Executive Order 14114",): date(2023, 12, 22),
    }
    for words, day in expected.items():
        assert find(register, *words).start == day, words


# Wire reports carried by another site are labelled with the site that carries them.
CARRIERS = {
    "foxbusiness.com": "Fox Business",
    "tbsnews.net": "The Business Standard",
    "news18.com": "News18",
    "nationalpost.com": "National Post",
}


def test_source_labels_name_the_site_of_their_link(register):
    for event in register:
        if event.source_title.startswith(("Reuters,", "AFP,")):
            assert "reuters.com" in event.source_host or "afp.com" in event.source_host, event.title
        for host, name in CARRIERS.items():
            if event.source_host.endswith(host):
                assert event.source_title.startswith(name), event.title
