"""The claims file: the shipped one loads and names catalogued series; every problem is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.catalogue import load_catalogue
from config.claims import Claim, ClaimsError, load_claims


def test_shipped_claims_load_and_name_catalogued_series_and_countries():
    claims = load_claims()
    catalogue = load_catalogue()
    ids = {i.id for i in catalogue.indicators}
    assert {c.kind for c in claims} == {"gap_widened", "needs_more", "gap_not_closed"}
    for claim in claims:
        assert set(claim.series) <= ids, claim.id
        assert claim.country in ("", *catalogue.focus), claim.id


def test_a_valid_file_gives_typed_records(tmp_path: Path):
    path = tmp_path / "claims.toml"
    path.write_text(
        """
[[claim]]
id = "gdp-gap"
text = "The gap widened."
kind = "gap_widened"
series = ["G"]
start = 2014
direction = "widened"

[[claim]]
id = "turn"
text = "Not closed."
kind = "gap_not_closed"
series = ["G", "M"]
period = [2017, 2018]

[[claim]]
id = "needs"
text = "Russia needs China more."
kind = "needs_more"
country = "RUS"
""",
        encoding="utf-8",
    )
    assert load_claims(path, known={"G", "M"}) == (
        Claim("gdp-gap", "The gap widened.", "gap_widened", ("G",), 2014, "widened"),
        Claim("turn", "Not closed.", "gap_not_closed", ("G", "M"), period=(2017, 2018)),
        Claim("needs", "Russia needs China more.", "needs_more", country="RUS"),
    )


def test_every_problem_is_reported_at_once(tmp_path: Path):
    path = tmp_path / "claims.toml"
    path.write_text(
        """
[[claim]]
id = "Bad Id"
text = ""
kind = "gap_widened"
series = []
start = "2014"
direction = "sideways"
colour = "red"

[[claim]]
id = "turn"
text = "t"
kind = "gap_not_closed"
series = ["G"]
period = [2018, 2017]
country = "RUS"

[[claim]]
id = "turn"
text = "t"
kind = "needs_more"
country = "russia"

[[claim]]
id = "other"
text = "t"
kind = "guess"
""",
        encoding="utf-8",
    )
    with pytest.raises(ClaimsError) as caught:
        load_claims(path, known={"G"})
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for expected in (
        "unknown field(s) colour",
        "id 'Bad Id' is not lower-case",
        "#1 (Bad Id): text is missing",
        "series is empty",
        "start '2014' is not a year",
        "direction 'sideways'",
        "period [2018, 2017] is not [first year, last year]",
        "country not used by kind gap_not_closed",
        "country 'russia' is not an ISO3 code",
        "kind 'guess' is not one of",
    ):
        assert expected in message


def test_duplicate_ids_and_missing_fields(tmp_path: Path):
    path = tmp_path / "claims.toml"
    path.write_text(
        '[[claim]]\nid = "a"\ntext = "t"\nkind = "needs_more"\ncountry = "RUS"\n'
        '[[claim]]\nid = "a"\ntext = "t"\nkind = "needs_more"\ncountry = "CHN"\n'
        '[[claim]]\nid = "b"\ntext = "t"\nkind = "gap_widened"\n',
        encoding="utf-8",
    )
    with pytest.raises(ClaimsError) as caught:
        load_claims(path, known=())
    message = str(caught.value)
    assert "id 'a' is used by 2 entries" in message
    for field in ("series", "start", "direction"):
        assert f"{field} is required for kind gap_widened" in message


def test_unreadable_and_empty_files(tmp_path: Path):
    with pytest.raises(ClaimsError, match="cannot read"):
        load_claims(tmp_path / "absent.toml", known=())
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ClaimsError, match="at least one entry"):
        load_claims(empty, known=())


def test_rules_are_validated_and_net_flows_and_unknown_series_refused(tmp_path: Path):
    path = tmp_path / "claims.toml"
    path.write_text(
        """
[[claim]]
id = "fdi"
text = "t"
kind = "gap_widened"
series = ["G", "BX.KLT.DINV.CD.WD", "NOPE", "G"]
start = 2014
direction = "widened"
years = 0
tolerance = 1.5
min_series = 9

[[claim]]
id = "needs"
text = "t"
kind = "needs_more"
country = "RUS"
tolerance = "5%"
min_series = 1
""",
        encoding="utf-8",
    )
    with pytest.raises(ClaimsError) as caught:
        load_claims(path, known={"G", "BX.KLT.DINV.CD.WD"})
    message = str(caught.value)
    for expected in (
        "BX.KLT.DINV.CD.WD is a net flow, not evidence of a material gap",
        "series NOPE not in the indicator catalogue",
        "series lists an indicator twice",
        "years 0 is not a whole number from 1 to 20",
        "tolerance 1.5 is not a fraction from 0 to below 1",
        "min_series 9 is not from 1 to 4",
        "tolerance '5%' is not a number",
        "min_series not used by kind needs_more",
    ):
        assert expected in message


def test_the_shipped_rules_are_stated():
    by_id = {c.id: c for c in load_claims()}
    assert by_id["gap-after-2014"].years == 3 and by_id["gap-after-2014"].tolerance == 0.05
    assert by_id["gap-after-2014"].needed == 3 < len(by_id["gap-after-2014"].series)
    assert by_id["west-turn-2017"].needed == 2
