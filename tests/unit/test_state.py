"""URL state: round trip, defaults, and hostile or malformed query strings."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from dashboard.model import state

INDICATORS = ("NY.GDP.MKTP.CD", "MS.MIL.XPND.CD", "CMT.PARTNER_SHARE")
CATEGORIES = ("Russia–West", "economy")
FIRST_VIEW = ("NY.GDP.MKTP.CD", "SIPRI.MILEX.CONSTANT_USD", "CMT.PARTNER_SHARE")  # as a catalogue
DEFAULT = state.default_state(INDICATORS, ("USA",), CATEGORIES, 2026, FIRST_VIEW)


def parse(search):
    return state.parse(search, DEFAULT, INDICATORS, ("USA",), CATEGORIES)


def test_round_trip():
    view = replace(DEFAULT, indicators=("MS.MIL.XPND.CD",), comparators=("USA",), mode="indexed",
                   scale="log", year_from=2000, year_to=2020, base_year=2010, categories=("economy",))  # fmt: skip
    search = state.serialise(view, DEFAULT)
    assert "ind=MS.MIL.XPND.CD" in search and "mode=indexed" in search
    assert parse(search) == (view, [])


def test_a_link_spells_every_field_as_links_always_have():
    # Links already shared must keep working: the parameters, their order and their spelling.
    view = replace(DEFAULT, indicators=("MS.MIL.XPND.CD", "NY.GDP.MKTP.CD"), comparators=("USA",),
                   year_from=2000, year_to=2020, mode="indexed", scale="log", base_year=2010,
                   categories=("economy",), as_of="2026-01-20", windows=("Crimea", "NSS"),
                   window_years=2, window_basis="nominal")  # fmt: skip
    search = state.serialise(view, DEFAULT)
    assert search == (
        "?ind=MS.MIL.XPND.CD,NY.GDP.MKTP.CD&c=USA&from=2000&to=2020&mode=indexed&scale=log"
        "&base=2010&ev=economy&as_of=2026-01-20&win=Crimea,NSS&wn=2&wb=nominal"
    )
    assert parse(search) == (view, [])
    # The event windows and the vintage are left out while they are the default's.
    assert state.serialise(replace(DEFAULT, mode="share"), DEFAULT) == (
        "?ind=NY.GDP.MKTP.CD,CMT.PARTNER_SHARE&c=&from=1990&to=2026&mode=share&scale=linear"
        "&base=2014&ev=Russia%E2%80%93West,economy"
    )


def test_the_field_table_spells_each_field_of_the_view_once_in_its_order():
    assert [f.name for f in state.FIELDS] == [f.name for f in fields(state.ViewState)]
    assert len(set(state.PARAMS)) == len(state.PARAMS)
    assert state.CONTROLS == ("f-indicators", "f-countries", "f-years", "f-mode", "f-scale",
                              "f-base", "f-events")  # fmt: skip


def test_the_filter_controls_hold_the_view_and_give_it_back():
    view = replace(DEFAULT, comparators=("USA",), year_from=2000, year_to=2010, base_year=2005)
    values = state.control_values(view)
    assert values == [list(DEFAULT.indicators), ["USA"], [2000, 2010], "ratio", "linear", 2005,
                      list(CATEGORIES)]  # fmt: skip
    assert from_data(state.from_controls(values)) == (view, [])
    assert from_data(state.saved(view)) == (view, [])  # the page's store of the view, as JSON
    assert state.saved(view)["comparators"] == ["USA"]
    # The browser's values are checked later, like a link; a year range that is not a pair and
    # controls the page never sent (None) set nothing.
    assert state.from_controls([None, ["USA"], [2000], "share"]) == {
        "comparators": ["USA"],
        "mode": "share",
    }
    assert state.from_controls("not a list") == {}


def test_default_view_has_a_clean_url():
    assert state.serialise(DEFAULT, DEFAULT) == ""
    assert parse("") == (DEFAULT, [])


@pytest.mark.parametrize(
    ("search", "note"),
    [
        (
            "?ind=<script>alert(1)</script>",
            "Unknown indicator '<script>alert(1)</script>' ignored.",
        ),
        ("?mode=pie", "mode='pie' is not one of"),
        ("?from=19x0", "from='19x0' is not a year"),
        ("?from=2020&to=2000", "year range is reversed"),
        ("?evil=1", "Unknown link parameter 'evil' ignored."),
        ("?base=99999999999999999999", "base='99999999999999999999' is not a year"),
    ],
)
def test_bad_input_falls_back_with_a_note(search, note):
    view, notes = parse(search)
    assert any(note in n for n in notes), notes
    assert view.mode == DEFAULT.mode


def test_partly_valid_link_keeps_the_valid_part():
    view, notes = parse("?ind=MS.MIL.XPND.CD,NOPE&mode=ratio")
    assert view.indicators == ("MS.MIL.XPND.CD",)
    assert view.mode == "ratio"
    assert notes == ["Unknown indicator 'NOPE' ignored."]


def test_long_values_are_cut_in_notes():
    _, notes = parse("?mode=" + "x" * 500)
    assert len(notes[0]) < 120


def from_data(data):
    return state.from_data(data, DEFAULT, INDICATORS, ("USA",), CATEGORIES)


def test_saved_view_is_checked_like_a_link():
    view, notes = from_data(
        {"indicators": ["CMT.PARTNER_SHARE", "NY.GDP.MKTP.CD"], "year_from": 2001, "mode": "ratio"}
    )
    assert view.indicators == ("CMT.PARTNER_SHARE", "NY.GDP.MKTP.CD")  # the reader's order
    assert (view.year_from, view.mode, notes) == (2001, "ratio", [])


@pytest.mark.parametrize(
    "data",
    [
        {"indicators": ["NY.GDP.MKTP.CD"] * 10_000},
        {"indicators": [{"x": 1}, 3, None], "mode": ["absolute"], "year_from": "1990; DROP"},
        {"year_from": True, "year_to": 10**30, "base_year": -5, "scale": None},
        {"categories": "x" * 100_000, "comparators": 42},
        "not a dict",
        None,
    ],
)
def test_hostile_saved_views_give_a_bounded_valid_state(data):
    view, notes = from_data(data)
    assert set(view.indicators) <= set(INDICATORS) and len(view.indicators) <= state.MAX_INDICATORS
    assert len(set(view.indicators)) == len(view.indicators)
    assert view.mode in ("absolute", "ratio", "indexed", "share")
    assert state.FIRST_YEAR <= view.year_from <= view.year_to <= state.LAST_YEAR
    assert all(len(n) < 200 for n in notes)
    assert notes or data == {"indicators": ["NY.GDP.MKTP.CD"] * 10_000}  # only repeats: no note


def test_duplicates_are_dropped_and_the_count_capped():
    many = [f"I{n}" for n in range(20)]
    view, notes = state.from_data({"indicators": many}, DEFAULT, tuple(many), (), CATEGORIES)
    assert view.indicators == tuple(many[: state.MAX_INDICATORS])
    assert any("At most" in n for n in notes)


def test_a_field_of_the_wrong_type_keeps_its_default():
    view, notes = from_data({"categories": 7, "comparators": {"x": 1}})
    assert (view.categories, view.comparators) == (DEFAULT.categories, DEFAULT.comparators)
    assert len(notes) == 2


@pytest.mark.parametrize("search", ["?wn=²", "?from=²⁰²⁰", "?to=２０２０", "?base=٢٠١٤"])
def test_digits_that_are_not_ascii_are_refused_with_a_note_not_a_traceback(search):
    view, notes = parse(search)
    assert view == DEFAULT and len(notes) == 1 and "using" in notes[0]
