"""The one number formatter: units in words, bn/tn, separators, signs; never e-notation."""

from __future__ import annotations

import pytest

from config.catalogue import load_catalogue
from dashboard.model import numbers

MINUS = numbers.MINUS
CATALOGUE = load_catalogue()


def unit(indicator: str, stored: str = "") -> numbers.Unit:
    """The catalogue's unit of `indicator` (with a stored unit's edition base year)."""
    return numbers.unit_for(CATALOGUE.indicator(indicator), stored)


@pytest.mark.parametrize(
    ("value", "indicator", "text"),
    [
        (1.95e13, "NY.GDP.MKTP.CD", "US$ 19.5 tn"),
        (3.6156e11, "NY.GDP.MKTP.CD", "US$ 362 bn"),
        (300_000, "SIPRI.MILEX.CURRENT_USD", "US$ 300 bn"),
        (317_560.4, "SIPRI.MILEX.CONSTANT_USD", "US$ 318 bn"),
        (-4.56e9, "BX.KLT.DINV.CD.WD", f"{MINUS}US$ 4.56 bn"),
        (0.0171, "SIPRI.MILEX.SHARE_GDP", "1.71% of GDP"),
        (12.34, "MS.MIL.XPND.GD.ZS", "12.3% of GDP"),
        (144_236_933, "SP.POP.TOTL", "144 m people"),
        (1_411_750_000, "SP.POP.TOTL", "1.41 bn people"),
        (13_861.97, "SIPRI.MILEX.PER_CAPITA", "US$ 13,862 per person"),
        (999.6e9, "NY.GDP.MKTP.CD", "US$ 1 tn"),
        (3.5e13, "NY.GDP.MKTP.PP.CD", "Int$ 35 tn"),
        (0, "NY.GDP.MKTP.CD", "US$ 0"),
        (float("nan"), "NY.GDP.MKTP.CD", "no value"),
        (0.214, "SIPRI.MILEX.SHARE_GOVT", "21.4% of general government expenditure"),
        (2.5, "NY.GDP.MKTP.KD.ZG", "2.5% a year"),  # a rate: no ratio of rates
        (92.3, "PA.NUS.FCRF", "92.3 LCU per US$, period average"),
    ],
)
def test_amount_reads_in_words(value, indicator, text):
    assert numbers.amount(value, unit(indicator)) == text


def test_no_scientific_notation_over_forty_orders_of_magnitude():
    for power in range(-15, 25):
        for item in CATALOGUE.indicators:
            text = numbers.amount(1.2345 * 10.0**power, numbers.unit_for(item))
            assert "e+" not in text and "e-" not in text, text


def test_units_say_their_basis_from_the_catalogue_fields():
    assert unit("NY.GDP.MKTP.CD").basis == "current US$, market exchange rates"
    assert unit("NY.GDP.MKTP.CD").fx_sensitive
    constant = "SIPRI.MILEX.CONSTANT_USD"
    assert unit(constant, "US$ m, constant 2023 prices").basis == "constant 2023 US$"
    assert unit(constant).basis == "constant US$"
    assert not unit(constant).fx_sensitive
    assert unit("SIPRI.MILEX.SHARE_GDP").basis == "% of GDP"
    assert unit("SIPRI.MILEX.SHARE_GDP").percent
    assert "purchasing power parity" in unit("NY.GDP.MKTP.PP.CD").basis
    assert unit("CMT.PARTNER_SHARE").suffix == "% of the country's goods trade"


def test_a_constant_price_edition_round_trips_its_base_year():
    item = CATALOGUE.indicator("SIPRI.MILEX.CONSTANT_USD")
    assert item.stored_unit("2023") == "US$ m, constant 2023 prices"
    assert item.base_year(item.stored_unit("2023")) == "2023"
    assert item.base_year(item.unit) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [(46.7, "+47%"), (-3.24, f"{MINUS}3.2%"), (-0.04, "0%"), (0.0, "0%"), (1234.0, "+1,234%")],
)
def test_percent_change_has_a_sign_and_never_minus_zero(value, text):
    assert numbers.percent_change(value) == text


def test_points_and_times():
    assert numbers.points(3.6) == "+3.6 pp"
    assert numbers.points(-0.04) == "0 pp"
    assert [numbers.times(r) for r in (7.61, 0.456, 12.34, 150.2)] == [
        "7.6×",
        "0.46×",
        "12.3×",
        "150×",
    ]


def test_sig_keeps_the_integer_part_and_drops_minus_zero():
    assert numbers.sig(123_456.7) == "123,457"
    assert numbers.sig(-0.0004, 1) == f"{MINUS}0.0004"
    assert numbers.sig(1e-12, 3) == "0.000000000001"
    assert numbers.scaled(2.5e6) == "2.5 m"


def test_ticks_are_round_and_cover_the_range():
    assert numbers.ticks(0, 19.5e12) == [0, 5e12, 10e12, 15e12, 20e12]
    assert numbers.ticks(0.5, 11)[:2] == [0, 2.5] and numbers.ticks(0.5, 11)[-1] >= 10
    log = numbers.ticks(2e10, 2e13, log=True)
    assert log[0] <= 2e10 * 1.5 and log[-1] >= 2e13 / 1.5
    assert {f"{v:.0e}"[0] for v in log} <= {"1", "3"}  # 1-3-10 over three decades
    assert numbers.ticks(1.6, 3.6, log=True) == [1.5, 2, 3, 4, 5]  # within a decade: dense
    assert numbers.ticks(float("nan"), 1) == []


def test_plain_keeps_working_for_the_report():
    assert numbers.plain(1.95e13) == "19,500,000,000,000"
    assert numbers.plain(3.6156e11) == "361,560,000,000"
    assert numbers.plain(-0.00001) == f"{MINUS}0.00001"
    assert numbers.share(3.456) == "3.5%" and numbers.share(45.6) == "46%"
    assert numbers.plain("text") == "text"


def test_a_table_column_follows_one_rule_years_bare_and_a_true_minus():
    from dashboard.model.numbers import MINUS, column_texts

    assert column_texts("year", [2014, 2025.0, None]) == ["2014", "2025", ""]
    assert column_texts("from", [1998, 2014]) == ["1998", "2014"]
    assert column_texts("anything", [2014, 2020]) == ["2014", "2020"]  # whole years 1800–2200
    # One precision for the column, from its largest value: 4 significant digits of 12.34.
    assert column_texts("ratio", [12.3456, 0.5, -1.25]) == ["12.35", "0.50", f"{MINUS}1.25"]
    assert column_texts("value", [1234567, -2000]) == ["1,234,567", f"{MINUS}2,000"]
    assert column_texts("note", ["x", None]) == ["x", ""]
