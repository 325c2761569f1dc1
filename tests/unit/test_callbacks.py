"""The page's wiring as the browser is told it: the filters follow the field table, and every
function it runs in the browser is in the page's own scripts."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from dash import Dash, html

from dashboard.model import state
from dashboard.page import callbacks, downloads

ASSETS = Path(callbacks.__file__).with_name("assets")


def client():
    """A test client of an app with the page's callbacks (none of them is called here)."""
    app = Dash(__name__, assets_folder=str(ASSETS))
    app.layout = html.Div()
    callbacks.register(app, SimpleNamespace(timeline=SimpleNamespace(events=())))
    downloads.register(app, snapshot=None)
    return app.server.test_client()


def test_a_link_sets_the_filters_in_the_field_tables_order():
    wiring = client().get("/_dash-dependencies").get_json()
    (from_link,) = [c for c in wiring if c["inputs"] == [{"id": "url", "property": "search"}]
                    and "note.children" in c["output"]]  # fmt: skip
    outputs = from_link["output"].strip(".").split("...")
    assert outputs[: len(state.CONTROLS)] == [f"{c}.value" for c in state.CONTROLS]


def test_every_function_the_browser_runs_is_in_a_script_the_page_loads():
    web = client()
    page = web.get("/").get_data(as_text=True)
    scripts = "\n".join(
        web.get(f"/assets/{name}").get_data(as_text=True)
        for name in re.findall(r'src="/assets/([\w.-]+\.js)', page)
    )
    functions = [c["clientside_function"] for c in web.get("/_dash-dependencies").get_json()]
    # Dash's own namespace holds the functions still written inline (the lazy sections' keys).
    named = [f for f in functions if f and f["namespace"] != "_dashprivate_clientside_funcs"]
    assert {f["namespace"] for f in named} == {"page", "timeline"}
    assert len(named) == 6
    for function in named:
        assert re.search(rf"^ {{4}}{function['namespace']}: {{$", scripts, re.M), function
        assert f" {function['function_name']}: function (" in scripts, function
