"""The feed, the calendar and the data URLs over a real store holding two releases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from flask import Flask

from config.events import load_events
from dashboard.__main__ import main as dashboard_main
from dashboard.exports.exporter import Exporter
from dashboard.model.model import Model
from dashboard.server import feeds
from tests.support.releases import GDP, two_releases

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
VIEW = f"ind={GDP}&from=2020&to=2025"


@pytest.fixture
def client(settings, catalogue, store):
    two_releases(store)
    model = Model(store, settings, catalogue, load_events())
    server = Flask("test")
    feeds.register(server, model, Exporter(model, settings), now=lambda: NOW)
    return server.test_client()


def csv_values(body: bytes) -> dict:
    lines = body.decode().splitlines()
    head = lines[0].split(",")
    rows = [dict(zip(head, line.split(","), strict=True)) for line in lines[1:]]
    return {
        (r["country"], int(r["year"])): float(r["value"]) for r in rows if r["indicator"] == GDP
    }


def test_as_of_before_the_revision_returns_the_old_value(client):
    then = client.get(f"/data.csv?{VIEW}&as_of=2026-01-20")
    assert then.status_code == 200, then.data
    assert csv_values(then.data) == {
        ("CHN", 2024): 17.0e12,
        ("RUS", 2023): 2.0e12,
        ("RUS", 2024): 2.2e12,
    }
    assert "2026-01-01" in then.data.decode()  # the release of the run that held the value then
    now = csv_values(client.get(f"/data.csv?{VIEW}").data)
    assert now[("RUS", 2024)] == 2.1318e12 and now[("RUS", 2025)] == 2.3e12


def test_data_csv_equals_the_cli_export_of_the_same_view(
    client, settings, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    out = tmp_path / "cli.csv"
    code = dashboard_main(
        ["export", "--format", "csv", "--url", f"http://x/?{VIEW}", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    assert client.get(f"/data.csv?{VIEW}").data == out.read_bytes()


def test_etag_is_the_data_version_and_a_match_is_304(client):
    first = client.get(f"/data.csv?{VIEW}")
    etag = first.headers["ETag"]
    assert etag.startswith('"v') and "-" not in etag
    assert client.get(f"/data.csv?{VIEW}", headers={"If-None-Match": etag}).status_code == 304
    pinned = client.get(f"/data.json?{VIEW}&as_of=2026-01-20")
    assert pinned.headers["ETag"] == etag[:-1] + '-2026-01-20T23:59:59Z"'
    again = client.get(
        f"/data.json?{VIEW}&as_of=2026-01-20", headers={"If-None-Match": pinned.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("as_of=2026-04-01", "in the future"),
        ("as_of=2025-12-01", "before the store's first data"),
        ("as_of=last+week", "neither a date"),
        ("ind=NOPE", "Unknown indicator"),
        ("mode=sideways", "mode="),
        ("from=2020&to=1990", "reversed"),
        ("x=1", "Unknown link parameter"),
        ("ind=" + "A," * 3000, "longer than"),
    ],
)
def test_bad_input_is_a_clear_400(client, query, words):
    for path in ("/data.csv", "/data.json", "/data.metadata.json"):
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 400
        assert words in answer.get_json()["error"]


def test_data_json_holds_the_csv_rows_with_provenance(client):
    body = client.get(f"/data.json?{VIEW}&as_of=2026-01-20").get_json()
    assert body["as_of"] == "2026-01-20T23:59:59Z"
    assert body["permalink"].endswith("as_of=2026-01-20T23:59:59Z")
    assert {(r["country"], r["year"], r["value"], r["source_release"]) for r in body["rows"]} == {
        ("CHN", 2024, 17.0e12, "2026-01-01"), ("RUS", 2023, 2.0e12, "2026-01-01"),
        ("RUS", 2024, 2.2e12, "2026-01-01")}  # fmt: skip


def test_metadata_carries_the_release_then_and_a_citation_pinned_to_it(client):
    body = client.get(f"/data.metadata.json?{VIEW}&as_of=2026-01-20").get_json()
    assert [i["source_release"] for i in body["indicators"]] == ["2026-01-01"]
    assert "as_of=2026-01-20T23:59:59Z" in body["citation"]["bibtex"]
    assert "release 2026-01-01" in body["citation"]["apa"]
    current = client.get(f"/data.metadata.json?{VIEW}").get_json()
    assert [i["source_release"] for i in current["indicators"]] == ["2026-02-01"]
    assert current["as_of"] is None  # the data are today's, and the citation pins them
    assert "as_of=2026-02-05T10:00:00Z" in current["citation"]["bibtex"]


def test_the_feed_is_atom_with_the_revised_series_named(client):
    answer = client.get("/feed.atom")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    root = ET.fromstring(answer.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    releases = [e for e in entries if e.find(f"{ATOM}category").get("term") == "release"]
    newest = releases[0]
    assert newest.find(f"{ATOM}updated").text.startswith("2026-02-05T10:00:00")
    assert "Russia's GDP 2024: 2.2 tn → 2.132 tn (−3.1%)" in newest.find(f"{ATOM}summary").text
    assert newest.find(f"{ATOM}link").get("href").endswith("/?as_of=2026-02-05T10:00:00Z")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:") for i in ids)
    assert ids == [
        e.find(f"{ATOM}id").text
        for e in ET.fromstring(client.get("/feed.atom").data).findall(f"{ATOM}entry")
    ]
    etag = answer.headers["ETag"]
    assert client.get("/feed.atom", headers={"If-None-Match": etag}).status_code == 304


def test_the_calendar_is_icalendar(client):
    answer = client.get("/calendar.ics")
    text = answer.data.decode()
    assert answer.mimetype == "text/calendar"
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "DTSTART;VALUE=DATE:20260201" in text  # the World Bank release stored
    assert "DTSTART;VALUE=DATE:20260601" in text  # + its 120-day cadence
    assert "SUMMARY:World Bank WDI: next release expected" in text


def test_ics_text_is_escaped_and_folded():
    assert feeds._text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = feeds._fold("X" * 80 + "é" * 40)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "X" * 80 + "é" * 40
