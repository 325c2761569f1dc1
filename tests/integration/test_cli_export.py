"""`python -m dashboard export`: every format, permalinks, and clear failures."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from config.catalogue import load_catalogue
from fetchers.store.store import Store
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


def test_ratio_csv_is_the_drawn_ratio_recomputed_from_the_stored_values(env, tmp_path):
    out = tmp_path / "ratio.csv"
    result = cli("dashboard", "export", "--mode", "ratio", "--format", "csv", "--out", str(out),
                 "--indicator", "NY.GDP.MKTP.CD", "--from", "2000", "--to", "2020", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    assert set(frame["mode"]) == {"ratio"} and set(frame["indicator"]) == {"NY.GDP.MKTP.CD"}
    stored = Store.open(env["DATABASE_URL"]).observations(sources=["worldbank"])
    gdp = stored[stored["indicator"] == "NY.GDP.MKTP.CD"].pivot(
        index="year", columns="country", values="value"
    )
    expected = (gdp["CHN"] / gdp["RUS"]).dropna().loc[2000:2020]
    got = frame.dropna(subset=["value"]).set_index("year")["value"]
    assert list(got.index) == list(expected.index)
    assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)
    assert "÷" in frame["series"].iloc[0]


def test_an_option_that_would_change_nothing_is_refused(env, tmp_path):
    result = cli("dashboard", "export", "--mode", "ratio", "--format", "xlsx",
                 "--out", str(tmp_path / "x.xlsx"), env=env)  # fmt: skip
    assert result.returncode == 2
    assert "--mode ratio" in result.stderr and not (tmp_path / "x.xlsx").exists()


def test_out_through_a_symlink_keeps_the_link_and_the_files_mode(env, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    args = ["--indicator", "NY.GDP.MKTP.CD", "--from", "2019", "--to", "2020"]
    result = cli("dashboard", "export", "--out", str(link), *args, env=env)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and real.read_text().startswith("source,")
    assert oct(real.stat().st_mode & 0o777) == oct(0o600)


def test_a_long_valid_name_is_written(env, tmp_path):
    out = tmp_path / ("n" * 230 + ".csv")  # 234 characters: within the 255 a name may have
    args = ["--indicator", "NY.GDP.MKTP.CD", "--from", "2019", "--to", "2020"]
    result = cli("dashboard", "export", "--out", str(out), *args, env=env)
    assert result.returncode == 0, result.stderr
    assert out.exists() and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_as_of_exports_the_values_the_store_held_then(tmp_path):
    from tests.support.releases import FIRST_VALUES, GDP, two_releases

    url = f"sqlite:///{tmp_path / 'two.sqlite3'}"
    two_releases(Store.open(url))
    args = ["dashboard", "export", "--format", "csv", "--out", "-", "--indicator", GDP]
    args += ["--countries", "CHN,RUS"]
    then = cli(*args, "--as-of", "2026-01-20", env={"DATABASE_URL": url})
    assert then.returncode == 0, then.stderr
    frame = pd.read_csv(io.StringIO(then.stdout)).set_index(["country", "year"])
    assert frame.loc[("RUS", 2024), "value"] == FIRST_VALUES[("RUS", 2024)]
    assert ("RUS", 2025) not in frame.index and set(frame["source_release"]) == {"2026-01-01"}
    now = pd.read_csv(io.StringIO(cli(*args, env={"DATABASE_URL": url}).stdout))
    assert now.set_index(["country", "year"]).loc[("RUS", 2024), "value"] == 2.1318e12
    refused = cli(*args, "--as-of", "2099-01-01", env={"DATABASE_URL": url})
    assert refused.returncode == 2 and "--as-of 2099-01-01" in refused.stderr
