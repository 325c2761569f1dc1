"""An export is built from one store snapshot: a refresh committing mid-build changes none of it."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from config.events import load_events
from dashboard.exports.exporter import Exporter
from dashboard.model.model import Model
from tests.support.seed import seed, worldbank_result

GDP = "NY.GDP.MKTP.CD"


@pytest.fixture
def exporter(store, settings, catalogue, monkeypatch) -> Exporter:
    """An exporter over a seeded store whose World Bank data double halfway through a build."""
    seed(store, catalogue)
    built = Exporter(Model(store, settings, catalogue, load_events()), settings)
    events = built.events

    def events_then_refresh(view):  # read between the data and the report: a refresh commits
        out = events(view)
        if not store.runs()["release"].eq("2099-12-31").any():
            doubled = replace(worldbank_result(catalogue, scale=2.0), release="2099-12-31")
            store.write_run(store.start_run("worldbank"), doubled)
        return out

    monkeypatch.setattr(built, "events", events_then_refresh)
    return built


def test_a_zip_built_while_a_refresh_commits_holds_one_version(exporter, store):
    before = store.data_version()
    stored = store.observations(indicators=[GDP]).set_index(["country", "year"])["value"]
    view = replace(exporter.model.default, indicators=(GDP,))
    _, body = exporter.build(view, "zip")
    assert store.data_version() > before  # the refresh did commit during the build
    archive = zipfile.ZipFile(io.BytesIO(body))
    manifest = json.loads(archive.read("metadata.json"))
    assert manifest["data_version"] == before
    assert manifest["sources"]["worldbank"]["release"] != "2099-12-31"
    assert "licence" in manifest["sources"]["worldbank"]
    data = pd.read_csv(io.BytesIO(archive.read("data.csv")))
    for row in data[data["indicator"] == GDP].to_dict("records"):
        assert row["value"] == stored[(row["country"], row["year"])]  # the values from before
    sheet = pd.read_excel(io.BytesIO(archive.read("data.xlsx")), sheet_name="Data")
    assert sheet.filter(like="alue").iloc[:, 0].dropna().isin(stored.values).all()
    assert "2099-12-31" not in archive.read("report.html").decode("utf-8")


def test_charts_whose_titles_slug_alike_both_reach_the_zip(exporter, monkeypatch):
    charts = exporter.charts

    def twins(snap, view, exported):  # two charts titled "GDP" and "GDP!"
        (one,) = charts(snap, replace(view, indicators=(GDP,)), exported)
        return [(GDP, "GDP", one[2]), (GDP, "GDP!", one[2])]

    monkeypatch.setattr(exporter, "charts", twins)
    _, body = exporter.build(replace(exporter.model.default, indicators=(GDP,)), "zip")
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert {"chart_gdp.png", "chart_gdp-2.png", "chart_gdp.svg", "chart_gdp-2.svg"} <= set(names)
