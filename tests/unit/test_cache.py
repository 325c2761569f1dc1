"""The render memo: one build per key, least recently used entries dropped first."""

from __future__ import annotations

from dashboard.cache import Memo


def test_a_key_is_built_once_and_the_oldest_is_dropped():
    built: list[str] = []
    memo: Memo[str] = Memo(size=2)

    def build(key: str):
        return lambda: built.append(key) or key.upper()

    assert memo.get("a", build("a")) == "A"
    assert memo.get("a", build("a")) == "A"
    memo.get("b", build("b"))
    memo.get("a", build("a"))  # "a" is now the most recent
    memo.get("c", build("c"))  # drops "b"
    memo.get("b", build("b"))
    assert built == ["a", "b", "c", "b"]
    assert len(memo) == 2
