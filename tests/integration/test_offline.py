"""`python -m fetchers import PATH`: WDI CSV, API CSV, API JSON and a SIPRI workbook, offline."""

from __future__ import annotations

import json

import pytest

from fetchers.sources.bounded import TooLarge
from fetchers.sources.offline import read_file
from fetchers.store.store import Store
from tests.integration.test_cli import cli
from tests.integration.test_sipri import zip_bomb
from tests.support import sipri_book

WDI_CSV = (
    "Country Name,Country Code,Indicator Name,Indicator Code,2019,2020,2021\n"
    "China,CHN,GDP (current US$),NY.GDP.MKTP.CD,101.5,102.25,\n"
    "Russian Federation,RUS,GDP (current US$),NY.GDP.MKTP.CD,11.5,12,13\n"
    "Aruba,ABW,GDP (current US$),NY.GDP.MKTP.CD,1,2,3\n"
    "China,CHN,Some other indicator,XX.OTHER,1,2,3\n"
)  # SYNTHETIC values
API_CSV = (
    '"Data Source","World Development Indicators",\n\n'
    '"Last Updated Date","2099-02-03",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2020","2021",\n'
    '"Russian Federation","RUS","Population, total","SP.POP.TOTL","7","8",\n'
)  # SYNTHETIC values


def env(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'offline.sqlite3'}"}


def test_import_wdi_csv_then_export(tmp_path):
    path = tmp_path / "WDICSV.csv"
    path.write_text(WDI_CSV)
    result = cli("fetchers", "import", str(path), env=env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "worldbank: ok, 6 rows" in result.stdout
    out = cli("dashboard", "export", "--out", "-", "--countries", "CHN", env=env(tmp_path))
    assert "worldbank,NY.GDP.MKTP.CD,CHN,2020,102.25,current US$," in out.stdout


def test_import_api_csv_carries_release(tmp_path):
    path = tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2.csv"
    path.write_text(API_CSV)
    result = cli("fetchers", "import", str(path), env=env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "release 2099-02-03" in result.stdout
    meta = Store.open(env(tmp_path)["DATABASE_URL"]).indicator_meta()
    assert meta.set_index("indicator").loc["SP.POP.TOTL", "release"] == "2099-02-03"


def test_import_api_json(tmp_path):
    payload = [
        {"page": 1, "pages": 1, "per_page": 50, "total": 1, "lastupdated": "2099-03-04"},
        [
            {
                "indicator": {"id": "SP.POP.TOTL", "value": "Population, total"},
                "country": {"id": "CN", "value": "China"},
                "countryiso3code": "CHN",
                "date": "2020",
                "value": 42,
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            }
        ],
    ]
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(payload))
    result = cli("fetchers", "import", str(path), env=env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "worldbank: ok, 1 rows" in result.stdout


def test_import_sipri_workbook_and_export_flags(tmp_path):
    path = tmp_path / "milex.xlsx"
    path.write_bytes(sipri_book.build())
    result = cli("fetchers", "import", str(path), env=env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = cli(
        "dashboard", "export", "--out", "-", "--indicator", "SIPRI.MILEX.CURRENT_USD",
        "--countries", "CHN", env=env(tmp_path),
    )  # fmt: skip
    assert ",estimate," in out.stdout
    status = cli("fetchers", "status", env=env(tmp_path))
    assert "sipri: last run ok" in status.stdout


def test_import_rejects_unknown_and_broken_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = cli("fetchers", "import", str(text), env=env(tmp_path))
    assert result.returncode == 1
    assert "unrecognised file" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(sipri_book.build(drop_sheet="Current US$"))
    result = cli("fetchers", "import", str(broken), env=env(tmp_path))
    assert result.returncode == 1
    assert "no sheet for 'Military expenditure (SIPRI), current US$'" in result.stderr
    missing = cli("fetchers", "import", str(tmp_path / "nope.csv"), env=env(tmp_path))
    assert missing.returncode == 1
    assert "cannot read file" in missing.stderr


def test_import_refuses_a_zip_bomb_before_opening_it(tmp_path, catalogue):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(80))
    with pytest.raises(TooLarge):
        read_file(path, catalogue)
