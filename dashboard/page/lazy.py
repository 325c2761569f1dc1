"""Sections below the fold load as they near the screen: one observer, one key per section."""

from __future__ import annotations

import json
from collections.abc import Mapping

from dash import Dash, Input, Output, State

from dashboard.model.state import FIELDS, ViewState

# Each section: the view's fields it depends on (the field table says which). Its key (those
# fields and the data version) is set in the browser once the section has come near the screen,
# and only when it changed; the section's server callbacks take the key alone, so a page load
# asks for what is in view first and a new mode or scale asks nothing of these sections.
SECTIONS: Mapping[str, tuple[str, ...]] = {  # ids: the section's place is marked data-lazy=id
    s: tuple(f.name for f in FIELDS if s in f.sections) for s in ("analysis", "table", "sources")
}
MARGIN = "50% 0px"  # near: within half a screen's height above or below what is visible

# The list of sections now near the screen, kept by one IntersectionObserver. It starts with the
# first charts: before they are drawn the page is short and every section would count as near.
# A section off screen keeps what it showed and asks again when it comes back with a new key.
# Without IntersectionObserver (very old browsers) every section counts as near.
SEEN_JS = """
function (charts) {
    const ids = %(ids)s;
    if (!charts) { return window.dash_clientside.no_update; }
    if (!("IntersectionObserver" in window)) { return ids; }
    if (!window._amNear) {
        window._amNear = [];
        const observer = new IntersectionObserver(function (entries) {
            entries.forEach(function (entry) {
                const id = entry.target.dataset.lazy;
                const at = window._amNear.indexOf(id);
                if (entry.isIntersecting && at < 0) { window._amNear.push(id); }
                if (!entry.isIntersecting && at >= 0) { window._amNear.splice(at, 1); }
            });
            dash_clientside.set_props("seen", {data: window._amNear.slice()});
        }, {rootMargin: "%(margin)s"});
        ids.forEach(function (id) {
            const node = document.querySelector('[data-lazy="' + id + '"]');
            if (node) { observer.observe(node); } else { window._amNear.push(id); }
        });
    }
    return window._amNear.slice();
}
"""

KEY_JS = """
function (view, version, seen, known) {
    const noUpdate = window.dash_clientside.no_update;
    if (!view || !seen || !seen.includes(%(section)s)) { return noUpdate; }
    const key = {version: version === undefined ? null : version};
    %(fields)s.forEach(function (f) { key[f] = view[f]; });
    return JSON.stringify(key) === JSON.stringify(known) ? noUpdate : key;
}
"""


def key_id(section: str) -> str:
    """The store holding a section's key."""
    return f"{section}-key"


def marker(section: str) -> dict:
    """The attribute that marks a component as the section's visible place on the page."""
    return {"data-lazy": section}


def depends(section: str, view: ViewState) -> tuple:
    """The values of the view's fields a section depends on: what its content is cached by."""
    return tuple(getattr(view, f) for f in SECTIONS[section])


def key_js(section: str) -> str:
    """The clientside function computing a section's key."""
    return KEY_JS % {"section": json.dumps(section), "fields": json.dumps(SECTIONS[section])}


def register(app: Dash) -> None:
    """The observer and each section's key, all in the browser."""
    app.clientside_callback(
        SEEN_JS % {"ids": json.dumps(list(SECTIONS)), "margin": MARGIN},
        Output("seen", "data"),
        Input("charts", "children"),  # from the first charts on, when the page has its length
    )
    for section in SECTIONS:
        app.clientside_callback(
            key_js(section),
            Output(key_id(section), "data"),
            Input("view", "data"),
            # The data version the charts were drawn from: a section follows what the charts
            # show, whether new data came with the poll or with a redraw for another reason.
            Input("drawn-version", "data"),
            Input("seen", "data"),
            State(key_id(section), "data"),
        )
