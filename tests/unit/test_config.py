"""Settings and the catalogue: defaults, bad values, every problem reported, all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.catalogue import CatalogueError, load_catalogue
from config.setting_table import SETTINGS
from config.settings import SettingsError, load_settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_defaults(tmp_path):
    settings = load_settings(environ={}, env_file=tmp_path / "none")
    assert settings.host == "127.0.0.1"
    assert settings.port == 8050
    assert settings.dash_debug is False
    assert settings.worldbank_api_url == "https://api.worldbank.org/v2"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("data/asymmetry-monitor.sqlite3")


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=9000\nHOST=0.0.0.0\n")
    settings = load_settings(environ={"PORT": "9100"}, env_file=env_file)
    assert (settings.host, settings.port) == ("0.0.0.0", 9100)


def test_every_bad_value_is_named(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(
            environ={"PORT": "0", "HTTP_TIMEOUT": "soon", "DASH_DEBUG": "maybe"},
            env_file=tmp_path / "none",
        )
    message = str(info.value)
    assert "PORT='0': expected a whole number from 1 to 65535" in message
    assert "HTTP_TIMEOUT='soon'" in message
    assert "DASH_DEBUG='maybe': expected true or false" in message


def test_the_configuration_guide_is_generated_from_the_settings():
    guide = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert guide == settings_markdown(), "run: python -m config.settings > docs/configuration.md"
    for setting in SETTINGS:  # every setting, with its help
        assert f"| `{setting.name}` |" in guide and setting.help.split(".")[0][:40] in guide


def test_catalogue_has_the_required_indicators():
    catalogue = load_catalogue()
    required = [
        "NY.GDP.MKTP.CD",
        "NY.GDP.MKTP.PP.CD",
        "NY.GDP.PCAP.CD",
        "NE.EXP.GNFS.CD",
        "NE.IMP.GNFS.CD",
        "NE.TRD.GNFS.ZS",
        "BX.KLT.DINV.CD.WD",
        "BM.KLT.DINV.CD.WD",
        "MS.MIL.XPND.CD",
        "MS.MIL.XPND.GD.ZS",
        "SP.POP.TOTL",
        "GB.XPD.RSDV.GD.ZS",
    ]
    assert set(required) <= {i.id for i in catalogue.for_source("worldbank")}
    assert catalogue.focus == ("CHN", "RUS")
    assert catalogue.default_view[0] == "NY.GDP.MKTP.CD"
    assert "USA" in catalogue.iso3


def test_catalogue_roles_comparators_and_world_aggregate():
    catalogue = load_catalogue()
    roles = {c.iso3: c.role for c in catalogue.countries}
    assert [c for c, r in roles.items() if r == "comparator"] == ["USA", "IND", "DEU", "JPN"]
    assert roles["WLD"] == "aggregate"
    world = catalogue.country("WLD")
    assert (world.m49, world.sipri_name) == (0, "")  # Comtrade's world partner; SIPRI skips it
    assert catalogue.aggregate == world
    codes = {c.iso3: (c.m49, c.sipri_name) for c in catalogue.countries}
    assert codes["IND"] == (356, "India") and codes["DEU"] == (276, "Germany")
    assert codes["JPN"] == (392, "Japan")


def test_catalogue_reports_every_problem_with_its_entry(tmp_path):
    bad = tmp_path / "indicators.toml"
    bad.write_text(
        """
default_view = ["W"]

[[country]]
iso3 = "chn"
name = "China"
role = "focus"

[[indicator]]
id = "X"
source = "nowhere"
title = "X"
unit = "u"
basis = "b"
theme = "economy"
licence = "l"

[[indicator]]
id = "Y"
source = "worldbank"
theme = "weather"
colour = "red"
kind = "amount"
basis = "US$"
scale = -1
tags = ["sideways"]
ppp_twins = ["Z"]

[[derived]]
id = "D"
title = "D"
unit = "%"
kind = "share"
basis = "none"
subject = "d"
theme = "economy"
inputs = ["Q"]
organisation = "o"
note = "n"
"""
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(bad)
    message = str(info.value)
    assert str(bad) in message
    assert "[[country]] #1: iso3 'chn'" in message
    assert "exactly two entries must have role = 'focus'" in message
    assert "[[indicator]] #1 (X): source 'nowhere'" in message
    assert "[[indicator]] #2 (Y): missing title, unit, subject, licence" in message
    assert "[[indicator]] #1 (X): kind '' is not one of money" in message
    assert "[[indicator]] #2 (Y): basis 'US$' is not one of market exchange rates" in message
    assert "[[indicator]] #2 (Y): scale -1 is not a positive number" in message
    assert "[[indicator]] #2 (Y): tag(s) sideways not among" in message
    assert "Y: 'Z' is not a catalogued or derived indicator" in message
    assert "default_view: 'W' is not a catalogued or derived indicator" in message
    assert "[[derived]] #1 (D): inputs ['Q'] are not catalogued indicators" in message
    assert "[[derived]] #1 (D): share_of names what a kind = 'share' is a share of" in message
    assert "[[indicator]] #2 (Y): unknown field(s) colour" in message
    assert "[[indicator]] #2 (Y): theme 'weather'" in message


def test_catalogue_syntax_error_names_the_file(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("[[indicator]\n")
    with pytest.raises(CatalogueError, match=r"broken\.toml: cannot read catalogue"):
        load_catalogue(bad)


def test_rate_limit_is_checked_by_flask_limiters_parser(tmp_path):
    read = lambda **env: load_settings(environ=env, env_file=tmp_path / "none")  # noqa: E731
    assert read().rate_limit == "600/minute"
    assert read(RATE_LIMIT="10/second;600/minute").rate_limit == "10/second;600/minute"
    assert read(RATE_LIMIT="off").rate_limit == ""
    with pytest.raises(SettingsError, match="RATE_LIMIT='often'"):
        read(RATE_LIMIT="often")
    with pytest.raises(SettingsError, match="RATE_LIMIT_STORAGE_URI='redis'"):
        read(RATE_LIMIT_STORAGE_URI="redis")


def test_a_catalogue_the_app_cannot_read_from_is_refused_with_every_gap(tmp_path):
    from config.catalogue import CATALOGUE_FILE

    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    text = text.replace('role = "aggregate"', 'role = "comparator"')  # no world aggregate
    text = text.replace('flow = "X"', 'flow = "E"', 1)  # not a Comtrade flow
    text = text.replace('"cross-check"', '"world share"')  # the cross-check loses its pair
    text = text.replace('arithmetic = "partner share"', 'arithmetic = "sum"')
    path = tmp_path / "indicators.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    message = str(caught.value)
    for gap in ("role = 'aggregate'", "flow 'E'", "tagged 'cross-check'", "arithmetic 'sum'"):
        assert gap in message
