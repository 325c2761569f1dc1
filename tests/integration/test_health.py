"""/healthz answers with the store's state, and 503 with one line when the store cannot answer."""

from __future__ import annotations

from flask import Flask

from dashboard.server.health import register
from fetchers.store.snapshot import Snapshots
from fetchers.store.store import Store
from tests.integration.test_store import result


def client(store: Store):
    server = Flask(__name__)
    register(server, Snapshots(store))
    return server.test_client()


def test_health_reports_the_data_version_and_last_good_run(store: Store):
    assert client(store).get("/healthz").get_json() == {
        "status": "ok", "data_version": 0, "read_only": False, "sources": {},
    }  # fmt: skip
    run = store.start_run("worldbank")
    store.write_run(run, result({2013: 1.0}))
    store.fail_run(store.start_run("worldbank"), "worldbank: HTTP 503 (http://10.0.0.1:8080/x)")
    answer = client(store).get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["data_version"] == 2  # the release, then the failure
    source = body["sources"]["worldbank"]
    assert (source["last_status"], source["release"]) == ("failed", "2099-01-01")
    assert source["last_ok_at"].endswith("Z")
    assert "10.0.0.1" not in answer.get_data(as_text=True)


def test_health_is_503_when_the_store_cannot_answer(store: Store):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE history")
        conn.exec_driver_sql("DROP TABLE indicator_meta")
        conn.exec_driver_sql("DROP TABLE observations")
        conn.exec_driver_sql("DROP TABLE runs")
        conn.exec_driver_sql("DROP TABLE data_version")
    answer = client(store).get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "error", "reason": "the store did not answer"}


def test_health_is_503_with_the_last_version_read_when_the_store_stops_answering(store: Store):
    store.write_run(store.start_run("worldbank"), result({2013: 1.0}))
    server = Flask(__name__)
    register(server, Snapshots(store))
    assert server.test_client().get("/healthz").get_json()["data_version"] == 1
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE data_version")
    answer = server.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["data_version"] == 1  # the page goes on showing what it read
