"""`python -m dashboard export`: every format, permalinks, and clear failures."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from fetchers.store import Store
from tests.integration.test_cli import cli
from tests.support.seed import seed


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    url = f"sqlite:///{folder / 'seeded.sqlite3'}"
    seed(Store.open(url), load_catalogue())
    return {"DATABASE_URL": url}


def test_permalink_selects_the_same_data_as_the_page(env, tmp_path):
    link = (
        "http://127.0.0.1:8050/?ind=MS.MIL.XPND.CD,SIPRI.MILEX.CURRENT_USD&c=USA&from=2000&to=2015"
    )
    out = tmp_path / "view.csv"
    result = cli(
        "dashboard", "export", "--format", "csv", "--out", str(out), "--url", link, env=env
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    assert set(frame["indicator"]) == {"MS.MIL.XPND.CD", "SIPRI.MILEX.CURRENT_USD"}
    assert set(frame["country"]) == {"CHN", "RUS", "USA"}
    assert (frame["year"].min(), frame["year"].max()) == (2000, 2015)
    assert "estimate" in set(frame["flag"].fillna(""))


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [("xlsx", b"PK"), ("png", b"\x89PNG"), ("svg", b"<svg"), ("html", b"<!DOCTYPE")],
)
def test_formats(env, tmp_path, fmt, magic):
    out = tmp_path / f"x.{fmt}"
    args = (
        ["--indicator", "NY.GDP.MKTP.CD"]
        if fmt in ("png", "svg")
        else ["--url", "/?ind=NY.GDP.MKTP.CD"]
    )
    result = cli("dashboard", "export", "--format", fmt, "--out", str(out), *args, env=env)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(magic)


def test_zip_and_report_pdf(env, tmp_path):
    out = tmp_path / "pack.zip"
    result = cli(
        "dashboard",
        "export",
        "--format",
        "zip",
        "--out",
        str(out),
        "--url",
        "/?ind=NY.GDP.MKTP.CD",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "report.pdf" in zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist()
    pdf = tmp_path / "report.pdf"
    result = cli(
        "dashboard",
        "export",
        "--format",
        "pdf",
        "--out",
        str(pdf),
        "--url",
        "/?ind=NY.GDP.MKTP.CD",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--indicator", "NOPE"], 2, "unknown indicator(s) NOPE"),
        (["--countries", "XYZ"], 2, "unknown country code(s) XYZ"),
        (["--from", "2020", "--to", "2000"], 2, "--from 2020 is after --to 2000"),
        (["--url", "/?mode=pie"], 2, "the --url permalink has problems"),
        (["--from", "1900", "--to", "1910"], 1, "the selection is empty"),
        (["--format", "png"], 1, "name one --indicator for an image"),
    ],
)
def test_bad_requests_exit_non_zero_with_a_message(env, tmp_path, args, code, message):
    result = cli("dashboard", "export", "--out", str(tmp_path / "x"), *args, env=env)
    assert result.returncode == code
    assert message in result.stderr


def test_unwritable_path(env, tmp_path):
    result = cli("dashboard", "export", "--out", str(tmp_path / "missing" / "x.csv"), env=env)
    assert result.returncode == 1
    assert "cannot write" in result.stderr
