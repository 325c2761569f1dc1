"""Hostile requests against the real app (Flask test client over a seeded SQLite store)."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest

from dashboard.model import state
from dashboard.server import security
from dashboard.server.app import create_app
from tests.support.seed import seed


@pytest.fixture
def client(settings, store, catalogue):
    seed(store, catalogue)
    return create_app(settings).server.test_client()


def callbacks_reading(client, component: str) -> list[dict]:
    """The app's server callbacks that take `component` (e.g. 'view.data') as an input."""
    deps = client.get("/_dash-dependencies").get_json()
    return [
        d
        for d in deps
        if not d.get("clientside_function")
        and any(f"{i['id']}.{i['property']}" == component for i in d["inputs"])
    ]


def payload(dep: dict, value: object, target: str) -> dict:
    """A callback request as the browser sends it, with `value` for the `target` input."""
    inputs = [
        {"id": i["id"], "property": i["property"],
         "value": value if f"{i['id']}.{i['property']}" == target else 1}
        for i in dep["inputs"]
    ]  # fmt: skip
    states = [{"id": s["id"], "property": s["property"], "value": None} for s in dep["state"]]
    return {"output": dep["output"], "outputs": _outputs(dep["output"]), "inputs": inputs,
            "changedPropIds": [target], "state": states}  # fmt: skip


def _outputs(spec: str) -> list[dict] | dict:
    parts = [p for p in spec.strip(".").split("...") if p]
    outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outs if spec.startswith("..") else outs[0]


HOSTILE_VIEWS = [
    {"indicators": ["NY.GDP.MKTP.CD"] * 10_000, "year_from": 1990, "year_to": 2020},
    {"indicators": "x" * 100_000},
    {"indicators": [{"$ne": 1}], "mode": ["ratio"], "year_from": "DROP TABLE runs"},
    {"year_from": 10**40, "year_to": -1, "base_year": None, "categories": 5},
    ["not", "a", "dict"],
    "string",
]


HOSTILE_LINKS = [5, ["?ind=x"], {"search": 1}, "?" + "ind=NY.GDP.MKTP.CD&" * 5_000, "?%%%", None]
# Every client-set value the server reads: the link, each section's key, a chart's request.
TARGETS = [
    *[("url.search", link) for link in HOSTILE_LINKS],
    *[(f"{key}.data", view) for key in ("analysis-key", "table-key", "sources-key")
      for view in HOSTILE_VIEWS],
    *[("chart-request.data", view) for view in HOSTILE_VIEWS],
]  # fmt: skip


@pytest.mark.parametrize(("target", "value"), TARGETS)
def test_hostile_client_values_get_a_quick_answer_never_a_500(client, target, value):
    # Bounded work is asserted through what is built (no timed assertions in the suite: the
    # benchmark measures time): a valid view of at most MAX_INDICATORS charts, a bounded answer.
    readers = callbacks_reading(client, target)
    assert readers, f"no server callback reads {target}"
    for dep in readers:
        response = client.post("/_dash-update-component", json=payload(dep, value, target))
        assert response.status_code < 500, response.get_data(as_text=True)[:300]
        assert len(response.get_data()) < 600_000
        assert response.get_data(as_text=True).count('"gap-chart"') <= state.MAX_INDICATORS


def test_an_oversized_body_is_refused_with_413(client):
    body = json.dumps({"x": "y" * 400_000})
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Server" not in headers


@pytest.mark.parametrize(
    ("fmt", "indicator"),
    [
        ("bogus", "NY.GDP.MKTP.CD"),
        ("zip", "NY.GDP.MKTP.CD"),
        ("png", "NOT.AN.ID"),
        ("png", 7),
        ("zip", None),
        ("csv", "NOT.AN.ID"),
    ],
)
def test_crafted_chart_requests_are_refused_in_words(client, fmt, indicator):
    (dep,) = [d for d in client.get("/_dash-dependencies").get_json()
              if d["output"].startswith("..download-image.data")]  # fmt: skip
    request = {"fmt": fmt, "indicator": indicator, "at": 1}
    saved = {"indicators": ["NY.GDP.MKTP.CD"], "year_from": 2000, "year_to": 2010}
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": [{"id": "chart-request", "property": "data", "value": request}],
        "changedPropIds": ["chart-request.data"],
        "state": [{"id": "view", "property": "data", "value": saved}],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "not available for this view" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}},
        {"x": 1},
        [],
        "text",
        {"output": "table-reload.data", "inputs": "not a list"},
    ],
)
def test_requests_that_match_no_callback_are_the_clients_error(client, body):
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400
    assert "does not match a callback" in response.get_json()["error"]


def tracebacks(caplog) -> list[str]:
    """Flask's "Exception on <path>" records (a 500 with its traceback) among the captured."""
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Exception on")]


def refusals(caplog) -> list[str]:
    """The one-line refusals security.py logs."""
    return [r.getMessage() for r in caplog.records if r.name == "dashboard.server.security"]


def _a_callback(client) -> dict:
    """The table's rows callback, as the page would call it."""
    (dep,) = [d for d in callbacks_reading(client, "table-key.data")][:1]
    return payload(dep, {"indicators": ["NY.GDP.MKTP.CD"]}, "table-key.data")


def _bad_envelopes(good: dict) -> list[dict]:
    return [
        {**good, "inputs": []},
        {**good, "outputs": "x"},
        {**good, "outputs": ["x"]},
        {**good, "inputs": [1] * len(good["inputs"])},
        {**good, "inputs": [{"id": "a"}] * len(good["inputs"])},
        {**good, "state": "x"},
        {**good, "state": [*good["state"], {"id": "x", "property": "y"}]},
        {**good, "changedPropIds": "x"},
        {**good, "changedPropIds": [1]},
    ]


def test_dash_envelopes_of_the_wrong_shape_are_400_with_one_log_line(client, caplog):
    good = _a_callback(client)
    assert client.post("/_dash-update-component", json=good).status_code == 200
    for body in _bad_envelopes(good):
        caplog.clear()
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 400, (body, response.get_data(as_text=True)[:300])
        assert tracebacks(caplog) == []
        assert len(refusals(caplog)) == 1


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_deeply_nested_json_is_refused_before_it_is_parsed(client, caplog, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        caplog.clear()
        response = client.post(
            "/_dash-update-component", data=body, content_type="application/json"
        )
        # 413 when the body is past MAX_REQUEST_BYTES before it is past the depth.
        assert response.status_code == (400 if len(body) <= security.MAX_REQUEST_BYTES else 413)
        assert tracebacks(caplog) == []


def test_brackets_inside_strings_do_not_count_as_depth():
    assert security.json_depth(b'{"a": "' + b"[" * 1000 + b'\\"' + b"{" * 1000 + b'"}') == 1
    assert security.json_depth(b"[" * 70 + b"]" * 70) == 70
    # An unterminated escaped string is one linear pass (no regex backtracking to exploit).
    assert security.json_depth(b'{"a' + b'\\"' * 100_000 + b"[" * 100) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/nopkg/a.js",
        "/_dash-component-suites/dash/nofile.js",
        "/_dash-component-suites/dash/dcc/dash_core_components.v9.9.9m123.js",
        "/_dash-component-suites/dash/%00.js",
        "/_dash-component-suites/dash/dcc/",
        "/_dash-component-suites/dash_ag_grid/../x.js",
    ],
)
def test_component_suite_paths_dash_does_not_serve_are_404(client, caplog, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "registered" not in response.get_data(as_text=True)  # no list of files echoed
    assert tracebacks(caplog) == []
    assert len(refusals(caplog)) == 1


@pytest.fixture
def limited(settings, store, catalogue, monkeypatch):
    seed(store, catalogue)
    monkeypatch.setenv("RATE_LIMIT", "3/minute")  # until create_app hands its settings to harden
    return create_app(replace(settings, rate_limit="3/minute")).server.test_client()


def test_a_client_past_the_rate_limit_gets_429_in_a_sentence(limited):
    good = _a_callback(limited)
    answers = [limited.post("/_dash-update-component", json=good).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    refused = limited.post("/_dash-update-component", json=good)
    assert refused.get_json()["error"] == security.TOO_MANY
    assert "Retry-After" in refused.headers
    # Another client (as the proxy says) and the health check are not limited.
    other = {"X-Forwarded-For": "203.0.113.9"}
    assert limited.post("/_dash-update-component", json=good, headers=other).status_code == 200
    assert all(limited.get("/healthz").status_code == 200 for _ in range(10))
    assert all(limited.get("/").status_code == 200 for _ in range(5))


def test_rate_limit_off_means_no_limit(settings, store, catalogue, monkeypatch):
    seed(store, catalogue)
    monkeypatch.setenv("RATE_LIMIT", "off")
    client = create_app(replace(settings, rate_limit="")).server.test_client()
    good = _a_callback(client)
    assert {client.post("/_dash-update-component", json=good).status_code for _ in range(8)} == {
        200
    }


def test_a_body_that_drips_is_cut_off_with_408():
    # As under gunicorn: the body is read from the client's socket (environ["gunicorn.socket"]).
    server_side, client_side = socket.socketpair()
    reached = []
    app = security.BodyDeadline(lambda environ, start: reached.append(environ), seconds=0.3)
    started = []
    environ = {"gunicorn.socket": server_side, "wsgi.input": server_side.makefile("rb"),
               "CONTENT_LENGTH": "100", "REMOTE_ADDR": "198.51.100.7"}  # fmt: skip
    client_side.sendall(b'{"output": ')  # then nothing more: a client dripping or gone quiet
    body = app(environ, lambda status, headers: started.append(status))
    assert started == ["408 Request Timeout"] and reached == []
    assert b"took too long" in b"".join(body)
    server_side.close()
    client_side.close()


def test_a_body_that_arrives_whole_reaches_the_app():
    server_side, client_side = socket.socketpair()
    reached = []
    app = security.BodyDeadline(lambda environ, start: reached.append(environ["wsgi.input"].read()))
    client_side.sendall(b'{"a": 1}')
    environ = {"gunicorn.socket": server_side, "wsgi.input": server_side.makefile("rb"),
               "CONTENT_LENGTH": "8"}  # fmt: skip
    app(environ, lambda status, headers: None)
    assert reached == [b'{"a": 1}']
    server_side.close()
    client_side.close()


def test_a_chunked_body_that_drips_is_cut_off_too():
    server_side, client_side = socket.socketpair()
    started = []
    app = security.BodyDeadline(lambda environ, start: [b"reached"], seconds=0.3)
    environ = {"gunicorn.socket": server_side, "wsgi.input": server_side.makefile("rb"),
               "HTTP_TRANSFER_ENCODING": "chunked"}  # fmt: skip
    client_side.sendall(b"partial")
    body = app(environ, lambda status, headers: started.append(status))
    assert started == ["408 Request Timeout"] and body != [b"reached"]
    server_side.close()
    client_side.close()
