"""The registry of sources: name → fetch function."""

from __future__ import annotations

from collections.abc import Callable

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers import sipri, trade, worldbank
from fetchers.http import Http
from fetchers.tidy import Previous, SourceResult

# fetch(settings, catalogue, http, previous): `previous` is what the store holds of the last good
# run (release, validators, years, --full), for no-change and incremental refreshes.
Fetch = Callable[[Settings, Catalogue, Http, Previous], SourceResult]

SOURCES: dict[str, Fetch] = {
    "worldbank": worldbank.fetch,
    "sipri": sipri.fetch,
    "trade": trade.fetch,
}
