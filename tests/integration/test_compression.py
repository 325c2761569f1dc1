"""The app compresses its answers (scripts, layout, callbacks) for clients that accept it."""

from __future__ import annotations

import gzip

from config.settings import Settings
from dashboard.server.app import create_app


def test_json_answers_are_compressed_when_asked(settings: Settings):
    client = create_app(settings).server.test_client()
    client.get("/")
    plain = client.get("/_dash-layout")  # the page's components as JSON, tens of KB
    packed = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers  # clients that do not ask get plain bytes
