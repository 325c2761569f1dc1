"""Hostile requests against the real app (Flask test client over a seeded SQLite store)."""

from __future__ import annotations

import json

import pytest

from dashboard import state
from dashboard.app import create_app
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
