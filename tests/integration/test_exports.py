"""Pure exports on small SYNTHETIC frames, kaleido images, and the snapshot of a seeded store."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from config.events import load_events
from dashboard.exports import formats, renderers
from dashboard.exports.exporter import EmptySelection, Exporter
from dashboard.model.analysis.tables import header as words
from dashboard.model.model import Model
from tests.support.seed import seed

WHEN = datetime(2099, 1, 2, 3, 4, tzinfo=UTC)
OBS = pd.DataFrame(
    {
        "source": ["worldbank", "worldbank", "sipri"],
        "indicator": ["NY.GDP.MKTP.CD", "NY.GDP.MKTP.CD", "SIPRI.MILEX.CURRENT_USD"],
        "country": ["CHN", "RUS", "RUS"],
        "partner": ["", "", ""],
        "year": [2014, 2014, 2014],
        "value": [10.5, None, 3.25],
        "unit": ["current US$", "current US$", "US$ m, current prices"],
        "flag": ["", "missing", "estimate"],
        "run_id": [1, 3, 2],
    }
)
RUNS = pd.DataFrame(  # run 3 is newer than run 1: China's value keeps run 1's provenance
    {
        "id": [1, 2, 3],
        "source": ["worldbank", "sipri", "worldbank"],
        "kind": ["fetch", "snapshot", "fetch"],
        "release": ["2099-01-01", "2099 edition", "2099-04-01"],
        "finished_at": ["T1", "T2", "T3"],
    }
)


def test_tidy_export_columns_provenance_and_missing_rows():
    frame = formats.tidy_export(OBS, RUNS)
    assert list(frame.columns[:7]) == [
        "source",
        "indicator",
        "country",
        "year",
        "value",
        "unit",
        "flag",
    ]
    assert len(frame) == 2  # the missing value is left out
    by_source = frame.set_index("source")
    assert by_source.loc["sipri", "source_release"] == "2099 edition"
    assert by_source.loc["sipri", "origin"] == "snapshot"
    assert (
        by_source.loc["worldbank", "source_release"],
        by_source.loc["worldbank", "fetched_at"],
    ) == (
        "2099-01-01",
        "T1",
    )
    text = formats.to_csv_bytes(frame).decode()
    assert 'sipri,SIPRI.MILEX.CURRENT_USD,RUS,2014,3.25,"US$ m, current prices",estimate' in text


def test_xlsx_has_data_metadata_and_events_sheets(catalogue):
    meta = formats.metadata_frame([catalogue.indicator("NY.GDP.MKTP.CD")], pd.DataFrame())
    events = formats.events_frame(load_events().events[:2])
    book = openpyxl.load_workbook(
        io.BytesIO(
            formats.to_xlsx_bytes(
                {"Data": formats.tidy_export(OBS, RUNS), "Metadata": meta, "Events": events}
            )
        )
    )
    assert book.sheetnames == ["About", "Data", "Metadata", "Events"]
    assert book["Data"]["E2"].value == 10.5
    headers = [c.value for c in book["Metadata"][1]]
    assert headers == [formats.header(c) for c in formats.METADATA_COLUMNS]  # in words
    assert book["Metadata"]["H2"].value == "CC BY 4.0"
    assert book["Events"]["A2"].value == load_events().events[0].start.isoformat()


def test_zip_manifest_hashes_match_files():
    body = formats.zip_bytes({"a.csv": b"x,y\n", "b.txt": b"hello"}, {"app": "test"})
    archive = zipfile.ZipFile(io.BytesIO(body))
    manifest = json.loads(archive.read("metadata.json"))
    assert set(manifest["files"]) == {"a.csv", "b.txt"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_file_names_are_safe_and_dated():
    assert formats.file_name(["GDP"], WHEN, "zip") == "asymmetry-monitor_gdp_2099-01-02.zip"
    name = formats.file_name(["../../etc/passwd <x>", "b"], WHEN, "csv")
    assert name == "asymmetry-monitor_etc-passwd-x-and-1-more_2099-01-02.csv"
    assert "/" not in formats.slug("a/b\\c")


def test_images_have_type_size_and_footer():
    fig = go.Figure(go.Scatter(x=[2000, 2001], y=[1, 2]))
    fig = renderers.with_footer(
        fig, formats.footer_text(["World Bank"], {"World Bank": "2099-01-01"}, WHEN)
    )
    png = renderers.image_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * renderers.IMAGE_SIZE[0], 2 * renderers.IMAGE_SIZE[1])
    svg = renderers.image_bytes(fig, "svg").decode()
    assert svg.startswith("<svg") and "World Bank (release 2099-01-01)" in svg
    assert renderers.image_bytes(fig, "pdf")[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="image format"):
        renderers.image_bytes(fig, "gif")


@pytest.fixture
def snapshot(store, settings, catalogue):
    seed(store, catalogue)
    return Exporter(Model(store, settings, catalogue, load_events()), settings)


def test_snapshot_csv_equals_the_store(snapshot, store):
    view = replace(
        snapshot.model.default,
        indicators=("NY.GDP.MKTP.CD", "CMT.PARTNER_SHARE"),
        year_from=2000,
        year_to=2010,
    )
    name, body = snapshot.build(view, "csv")
    assert name.startswith("asymmetry-monitor_gdp-and-1-more_") and name.endswith(".csv")
    frame = pd.read_csv(io.BytesIO(body))
    assert set(frame["indicator"]) == {
        "NY.GDP.MKTP.CD",
        "CMT.TOTAL.X",
        "CMT.TOTAL.M",
    }  # no derived rows
    assert frame["year"].between(2000, 2010).all()
    stored = store.observations(indicators=["NY.GDP.MKTP.CD"]).set_index(["country", "year"])[
        "value"
    ]
    for row in frame[frame.indicator == "NY.GDP.MKTP.CD"].to_dict("records"):
        assert row["value"] == stored[(row["country"], row["year"])]


def test_snapshot_zip_holds_everything(snapshot):
    view = replace(snapshot.model.default, indicators=("NY.GDP.MKTP.CD", "MS.MIL.XPND.CD"))
    _, body = snapshot.build(view, "zip")
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    assert {
        "data.csv",
        "data.xlsx",
        "report.html",
        "report.pdf",
        "CITATION.txt",
        "metadata.json",
    } <= names
    assert {"chart_gdp.png", "chart_gdp.svg", "chart_military-expenditure.png"} <= names
    assert {f"analysis/{formats.slug(sheet)}.csv" for sheet in ANALYSIS_SHEETS} <= names
    need = pd.read_csv(io.BytesIO(archive.read("analysis/need.csv")))
    assert len(need) and any("÷" in c for c in need.columns)  # the need ratio, in words
    manifest = json.loads(archive.read("metadata.json"))
    assert manifest["permalink"].startswith(
        "http://127.0.0.1:8050/?ind=NY.GDP.MKTP.CD,MS.MIL.XPND.CD"
    )
    assert manifest["sources"]["worldbank"]["release"] == "2099-01-15"
    for file, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(file)).hexdigest() == digest
    report = archive.read("report.html").decode()
    assert "Plotly.newPlot" in report and "<script src=" not in report  # plotly.js inlined
    assert archive.read("report.pdf")[:5] == b"%PDF-"
    assert (
        "World Bank, World Development Indicators; release 2099-01-15"
        in archive.read("CITATION.txt").decode()
    )


def test_snapshot_refuses_an_empty_selection(snapshot):
    view = replace(
        snapshot.model.default, indicators=("NY.GDP.MKTP.CD",), year_from=1960, year_to=1961
    )
    with pytest.raises(EmptySelection):
        snapshot.build(view, "csv")


ANALYSIS_SHEETS = [
    "Need",
    "Claims",
    "Event windows",
    "Basis",
    "Release diff",
    "Cross-source",
    "World share",
]


def test_xlsx_carries_the_analysis_sheets_recomputed_from_the_store(snapshot, store):
    view = replace(snapshot.model.default, indicators=("NY.GDP.MKTP.CD",))
    _, body = snapshot.build(view, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert book.sheetnames[:4] == ["About", "Data", "Metadata", "Events"]
    assert set(ANALYSIS_SHEETS) <= set(book.sheetnames)

    def h(field):  # the analysis sheets' headers in words (analysis.tables, then the workbook's)
        return formats.header(words(field, ("China", "Russia")))

    need = pd.read_excel(io.BytesIO(body), sheet_name="Need").set_index(h("year"))
    # Russia's share of China's trade, recomputed from China's own Comtrade rows.
    trade = store.observations(countries=["CHN"], sources=["trade"])
    china = trade.groupby(["partner", "year"])["value"].sum()
    expected = china["RUS"] / china["WLD"] * 100
    shown = need["Russia's share of China's goods trade (%)"]
    for year in (2000, 2015):
        assert shown[year] == pytest.approx(expected[year])
    # Cross-source: World Bank MS.MIL.XPND.CD against SIPRI current US$ m × 10⁶.
    cross = pd.read_excel(io.BytesIO(body), sheet_name="Cross-source")
    row = cross[cross[h("country")].isin(["CHN", "China"]) & (cross[h("year")] == 2015)].iloc[0]
    values = store.observations(
        indicators=["MS.MIL.XPND.CD", "SIPRI.MILEX.CURRENT_USD"], countries=["CHN"]
    )
    values = values[values["year"] == 2015].set_index("indicator")["value"]
    sipri = values["SIPRI.MILEX.CURRENT_USD"] * 1e6
    assert row[h("sipri_usd")] == pytest.approx(sipri)
    assert row[h("relative_difference_pct")] == pytest.approx(
        abs(values["MS.MIL.XPND.CD"] - sipri) / sipri * 100
    )
    # The world aggregate gives each country's share of the world total.
    world = pd.read_excel(io.BytesIO(body), sheet_name="World share")
    gdp = store.observations(indicators=["NY.GDP.MKTP.CD"], countries=["RUS", "WLD"])
    gdp = gdp[gdp["year"] == 2010].set_index("country")["value"]
    share = world[
        (world[h("indicator")] == "NY.GDP.MKTP.CD")
        & world[h("country")].isin(["RUS", "Russia"])
        & (world[h("year")] == 2010)
    ][h("share_pct")]
    assert share.iloc[0] == pytest.approx(gdp["RUS"] / gdp["WLD"] * 100)


def test_html_report_has_the_analysis_sections(snapshot):
    view = replace(snapshot.model.default, indicators=("NY.GDP.MKTP.CD",))
    _, body = snapshot.build(view, "html")
    text = body.decode()
    for heading in (
        "Claim tracker",
        "Asymmetry of need",
        "Event windows",
        "Basis switch",
        "Release diff",
        "Cross-source check",
        "Share of the world",
    ):
        assert f">{heading}<" in text, heading
    assert "Descriptive, not causal" in text
    assert "goods trade; Russia" in text  # the need KPI sentence
    tables = re.sub(r"<script.*?</script>", "", text, flags=re.S)  # plotly.js holds "e+"
    assert "Share of the world" in tables and "e+" not in tables  # no e-notation in the tables
