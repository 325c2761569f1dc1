"""Citations of a view: each format from one hand-made view; the BibTeX read back by a parser."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from dashboard.exports.citation import all_formats, apa, bibtex, chicago, cited, ris

LINK = "https://am.example/?ind=NY.GDP.MKTP.CD&as_of=2026-02-05T10:00:00Z"


@pytest.fixture
def view():
    meta = pd.DataFrame(
        [{"source": "worldbank", "source_release": "2026-02-01"},
         {"source": "worldbank", "source_release": "2026-02-01"},
         {"source": "sipri", "source_release": "2025 edition"}]
    )  # fmt: skip
    return cited(
        "GDP & military spending_ China and Russia, 1990–2025", meta, load_catalogue(), LINK,
        "2026-02-05T10:00:00Z", date(2026, 3, 1),
    )  # fmt: skip


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """A minimal BibTeX reader: @type{key, name = {balanced braces}, ...}; raises if malformed."""
    head = re.match(r"\s*@(\w+)\{([^,\s]+),", text)
    assert head, "no entry header"
    fields, pos = {}, head.end()
    while True:
        found = re.compile(r"\s*(\w+)\s*=\s*\{").match(text, pos)
        if not found:
            break
        depth, i = 1, found.end()
        while depth:
            if text[i] == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        fields[found.group(1)] = text[found.end() : i - 1]
        pos = i
        comma = re.compile(r"\s*,").match(text, pos)
        pos = comma.end() if comma else pos
    assert re.compile(r"\s*\}\s*$").match(text, pos), "entry not closed"
    return head.group(1), head.group(2), fields


def test_bibtex_parses_and_carries_releases_and_the_pinned_link(view):
    kind, key, fields = parse_bibtex(bibtex(view))
    assert kind == "misc" and key.startswith("asymmetrymonitor2026")
    assert fields["url"] == LINK
    assert fields["year"] == "2026" and fields["urldate"] == "2026-03-01"
    assert "World Bank, World Development Indicators, release 2026-02-01" in fields["note"]
    assert "release 2025 edition" in fields["note"]
    assert fields["title"] == r"{GDP \& military spending\_ China and Russia, 1990–2025}"


def test_apa_and_chicago_name_the_releases_the_date_and_the_link(view):
    assert apa(view) == (
        "Asymmetry Monitor. (2026). GDP & military spending_ China and Russia, 1990–2025 (data "
        "as of 2026-02-05 10:00:00 UTC) [Data set]. Sources: World Bank, World Development "
        "Indicators, release 2026-02-01; SIPRI Military Expenditure Database, Stockholm "
        "International Peace Research Institute, release 2025 edition. Retrieved March 1, "
        f"2026, from {LINK}"
    )
    assert chicago(view).endswith(f"Accessed March 1, 2026. {LINK}.")


def test_ris_is_one_tag_a_line_ending_with_er(view):
    lines = ris(view).splitlines()
    assert lines[0] == "TY  - DATA" and lines[-1] == "ER  - "
    assert f"UR  - {LINK}" in lines and "Y2  - 2026-03-01" in lines
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines)


def test_every_format_is_offered(view):
    assert set(all_formats(view)) == {"apa", "chicago", "bibtex", "ris"}


def test_a_different_pin_is_a_different_key(view):
    from dataclasses import replace

    other = replace(view, permalink=LINK.replace("2026-02-05", "2026-01-05"))
    assert parse_bibtex(bibtex(view))[1] != parse_bibtex(bibtex(other))[1]
