"""URL state: round trip, defaults, and hostile or malformed query strings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard import state

INDICATORS = ("NY.GDP.MKTP.CD", "MS.MIL.XPND.CD", "CMT.PARTNER_SHARE")
CATEGORIES = ("Russia–West", "economy")
DEFAULT = state.default_state(INDICATORS, ("USA",), CATEGORIES, 2026)


def parse(search):
    return state.parse(search, DEFAULT, INDICATORS, ("USA",), CATEGORIES)


def test_round_trip():
    view = replace(DEFAULT, indicators=("MS.MIL.XPND.CD",), comparators=("USA",), mode="indexed",
                   scale="log", year_from=2000, year_to=2020, base_year=2010, categories=("economy",))  # fmt: skip
    search = state.serialise(view, DEFAULT)
    assert "ind=MS.MIL.XPND.CD" in search and "mode=indexed" in search
    assert parse(search) == (view, [])


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
