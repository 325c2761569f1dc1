"""Sections below the fold: what each depends on comes from the view's field table."""

from __future__ import annotations

from dataclasses import replace

from dashboard.model import state
from dashboard.page import layout, lazy
from tests.support.components import text_of

DEFAULT = state.default_state(("NY.GDP.MKTP.CD",), ("USA",), ("economy",), 2026)


def test_each_section_depends_on_the_fields_the_table_names_and_never_on_mode_or_scale():
    assert set(lazy.SECTIONS) == {s for f in state.FIELDS for s in f.sections}
    assert lazy.SECTIONS["sources"] == ("indicators", "as_of")
    assert not any({"mode", "scale"} & set(fields) for fields in lazy.SECTIONS.values())


def test_a_sections_content_is_kept_until_a_field_it_depends_on_changes():
    table = lazy.depends("table", DEFAULT)
    assert lazy.depends("table", replace(DEFAULT, mode="share", windows=("Crimea",))) == table
    assert lazy.depends("table", replace(DEFAULT, year_from=2000)) != table
    assert lazy.depends("analysis", replace(DEFAULT, window_years=5)) != lazy.depends(
        "analysis", DEFAULT
    )


def test_a_lazy_section_says_it_loads_until_its_content_arrives():
    section = layout.lazy_section(
        "Data",
        "table",
        "The data table loads as you scroll to it.",
        place="table-section",
        id="data",
    )
    assert (section.id, getattr(section, "aria-label")) == ("data", "Data")
    place = section["table-section"]
    assert getattr(place, "data-lazy") == "table"
    assert text_of(place) == "The data table loads as you scroll to it."
    assert text_of(section).startswith("Data")  # its heading
