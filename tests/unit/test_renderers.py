"""The shared kaleido server: started once, with nothing on its page fetched from the network."""

from __future__ import annotations

import kaleido

from dashboard.exports import renderers


def test_the_kaleido_server_starts_once_without_mathjax(monkeypatch):
    started: list[dict] = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda **kw: started.append(kw))
    monkeypatch.setattr(renderers, "_kaleido_started", False)
    renderers._start_kaleido()
    renderers._start_kaleido()
    # MathJax would come from a CDN each time kaleido reloads its tab, i.e. for every image.
    assert started == [{"n": 2, "mathjax": False, "silence_warnings": True}]
