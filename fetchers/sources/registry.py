"""The registry of sources: name → fetch function.

The names are known without importing anything; a source's module (pandas, openpyxl, requests…)
is imported only when its fetch function is looked up, so `fetchers status` and `--help` start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.catalogue import Catalogue
    from config.settings import Settings
    from fetchers.sources.http import Http
    from fetchers.store.tidy import Previous, SourceResult

# fetch(settings, catalogue, http, previous): `previous` is what the store holds of the last good
# run (release, validators, years, --full), for no-change and incremental refreshes.
Fetch = Callable[["Settings", "Catalogue", "Http", "Previous"], "SourceResult"]

NAMES = ("worldbank", "sipri", "trade")  # the registry's order: refreshes run in it


def fetcher(name: str) -> Fetch:
    """The fetch function of a source, importing its module now; KeyError for an unknown name."""
    if name == "worldbank":
        from fetchers.sources import worldbank

        return worldbank.fetch
    if name == "sipri":
        from fetchers.sources import sipri

        return sipri.fetch
    if name == "trade":
        from fetchers.sources import trade

        return trade.fetch
    raise KeyError(name)


class _Registry(Mapping[str, Fetch]):
    """A read-only mapping over NAMES whose values are looked up (imported) on access."""

    def __getitem__(self, name: str) -> Fetch:
        return fetcher(name)

    def __iter__(self) -> Iterator[str]:
        return iter(NAMES)

    def __len__(self) -> int:
        return len(NAMES)

    def __contains__(self, name: object) -> bool:
        return name in NAMES

    def __repr__(self) -> str:
        return f"SOURCES{NAMES}"


SOURCES: Mapping[str, Fetch] = _Registry()
