"""One exception tree for everything that can go wrong while fetching or storing data."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from urllib.parse import urlsplit

MESSAGE_MAX = 120  # characters of a service's own error message kept in the one-line reason


class Kind(StrEnum):
    """How a fetch failed, once classified; the one-line reason is built from it."""

    NETWORK = "network"  # no network, DNS failure, connection dropped
    REFUSED = "refused"  # the host refused the connection
    TIMEOUT = "timeout"
    HTTP = "http"  # an HTTP error status
    API = "api"  # the service's own error envelope (World Bank `message`, Comtrade `error`)
    BAD_BODY = "bad_body"  # not the expected format: HTML, truncated JSON, wrong fields
    LAYOUT = "layout"  # the source changed its layout (a workbook sheet, a page's links)
    EMPTY = "empty"
    INVALID = "invalid"  # the tidy frame breaks the frame's rules
    FILE = "file"  # a local file could not be read


class FetchError(Exception):
    """A source could not be fetched or understood.

    `detail` is the technical account for the log (`str(exc)`); `reason` is the one line for
    people, built from the kind, the host and the service's own short message: never a response
    body, a full URL with port or path, or a local path.
    """

    kind: Kind = Kind.BAD_BODY

    def __init__(
        self,
        source: str,
        url: str,
        detail: str,
        kind: Kind | None = None,
        status: int | None = None,
        message: str = "",
    ) -> None:
        self.source, self.url, self.detail = source, url, detail
        self.kind = kind or type(self).kind
        self.status = status
        self.message = _one_line(message)
        super().__init__(f"{source}: {detail} ({url})" if url else f"{source}: {detail}")

    @property
    def host(self) -> str:
        """The public host name of the URL (no port, path or credentials); '' for an internal
        host (an IP address, localhost, a name without a dot), which visitors must not see."""
        host = (urlsplit(self.url).hostname or "") if "://" in self.url else ""
        return "" if _internal(host) else host

    @property
    def reason(self) -> str:
        """The one line shown on the page and by `status`."""
        where = self.host or "the source"
        said = f": {self.message}" if self.message else ""
        if self.kind is Kind.NETWORK:
            return f"cannot reach {where} — no network?"
        if self.kind is Kind.REFUSED:
            return f"connection refused by {where}"
        if self.kind is Kind.TIMEOUT:
            return f"{where} did not answer within {self.message or 'the time allowed'}"
        if self.kind is Kind.HTTP:
            return f"HTTP {self.status} from {where}{said}"
        if self.kind is Kind.API:
            return f"{where} refused the request{said}"
        if self.kind is Kind.LAYOUT:
            return self.detail  # says what changed: a sheet, a header row, a page's link
        if self.kind is Kind.EMPTY:
            return f"no data: {self.detail}"
        if self.kind is Kind.INVALID:
            return self.detail
        if self.kind is Kind.FILE:
            return "the local file could not be read"
        return "the answer was not in the expected format"


class SourceUnavailable(FetchError):
    """The source did not answer: no network, DNS failure, connection refused or a timeout."""

    kind = Kind.NETWORK


class HTTPStatusError(FetchError):
    """The source answered with an HTTP error status (after retries); carries the status code."""

    kind = Kind.HTTP


class BadResponse(FetchError):
    """The source answered, but not in the format we expect (HTML, truncated JSON, wrong fields)."""


class APIError(BadResponse):
    """The service answered with its own error envelope (World Bank `message`, Comtrade `error`)."""

    kind = Kind.API


class LayoutChanged(BadResponse):
    """The source changed its layout: a workbook sheet or header, or a page without its link."""

    kind = Kind.LAYOUT


class EmptyResult(FetchError):
    """The source answered correctly but held no observations for what we asked."""

    kind = Kind.EMPTY


class ValidationError(FetchError):
    """The tidy frame built from a source breaks the frame's rules; lists every violation."""

    kind = Kind.INVALID


class StoreError(Exception):
    """The store could not be read or written."""


class RunLocked(StoreError):
    """Another live process is refreshing this source; this run did not start."""


class RunFenced(StoreError):
    """The run lost its lease to another run before it committed; nothing of it was written."""


class SuspiciousRelease(StoreError):
    """A release would remove too many stored values; it was refused and the old data kept."""


def _one_line(text: str) -> str:
    """A service's message as one short line; HTML is dropped, never shown."""
    text = " ".join(str(text or "").split())
    if text.startswith("<") or "<html" in text.lower():
        return ""
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def _internal(host: str) -> bool:
    """An IP literal, localhost or a single-label name: not a public service's name."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return host == "localhost" or "." not in host
