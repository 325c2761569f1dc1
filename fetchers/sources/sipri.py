"""SIPRI's newest Military Expenditure workbook: found on SIPRI's page, downloaded if it changed."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.sources.http import Http
from fetchers.sources.sipri_workbook import SOURCE, parse_workbook
from fetchers.store.errors import HTTPStatusError, Kind, LayoutChanged, SourceUnavailable
from fetchers.store.tidy import Previous, SourceResult, make_frame

log = logging.getLogger(__name__)
# SIPRI renames the workbook each edition: SIPRI-Milex-data-1949-2024_2.xlsx, …-1949-2025_v1.2.xlsx
WORKBOOK_NAME = re.compile(
    r"SIPRI-Milex-data-(\d{4})-(\d{4})(?:_v?(\d+(?:\.\d+)*))?\.xlsx", re.IGNORECASE
)
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def fetch(settings: Settings, catalogue: Catalogue, http: Http, previous: Previous) -> SourceResult:
    """The newest workbook (from SIPRI's page, or SIPRI_MILEX_URL), unless it is the stored one."""
    # Load inputs.
    location = settings.sipri_milex_url
    if location and not location.startswith(("http://", "https://")):
        return parse_workbook(_read_local(location), Path(location).resolve().as_uri(), catalogue)
    urls: tuple[str, ...] = ()
    if not location:
        page = http.get(SOURCE, settings.sipri_milex_page)
        location, urls = newest_workbook(page.content, page.url), (page.url,)
    try:
        headers = http.head(SOURCE, location)
    except HTTPStatusError as exc:  # a server without HEAD: compare the URL alone
        log.info("%s: HEAD refused (%s); comparing the URL only", SOURCE, exc)
        headers = {}
    validators = _validators(location, headers)
    if validators == dict(previous.validators) and not previous.full:
        log.info("%s: %s is the stored workbook; nothing to download", SOURCE, location)
        return SourceResult(
            SOURCE, make_frame([]), (), (*urls, location), "", previous.release,
            unchanged=True, validators=validators,
        )  # fmt: skip
    fetched = http.get(SOURCE, location)

    # Process data (and the job saves the result).
    result = parse_workbook(fetched.content, fetched.url, catalogue)
    return replace(result, urls=(*urls, fetched.url), validators=validators)


def newest_workbook(page: bytes, page_url: str) -> str:
    """The page's link to the newest SIPRI-Milex-data-*.xlsx: highest end year, then version."""
    found = []
    for href in HREF.findall(page.decode("utf-8", "replace")):
        url = urljoin(page_url, href.strip())
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        match = WORKBOOK_NAME.fullmatch(name)
        if match:
            version = tuple(int(p) for p in (match.group(3) or "0").split("."))
            found.append(((int(match.group(2)), version), url))
    if not found:
        raise LayoutChanged(
            SOURCE,
            page_url,
            "SIPRI's database page changed: it links no SIPRI-Milex-data-*.xlsx workbook",
        )
    return max(found)[1]


def _read_local(location: str) -> bytes:
    """A workbook from a local path (offline use and tests)."""
    path = Path(location).expanduser()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceUnavailable(
            SOURCE, path.as_uri() if path.is_absolute() else "", f"cannot read workbook: {exc}",
            kind=Kind.FILE,
        ) from exc  # fmt: skip


def _validators(url: str, headers: Mapping[str, str]) -> dict[str, str]:
    """What tells the next run the linked file is the same: its URL, size and date if sent."""
    found = {
        "url": url,
        "content_length": headers.get("Content-Length", ""),
        "last_modified": headers.get("Last-Modified", ""),
    }
    return {k: v for k, v in found.items() if v}
