"""One exception tree for everything that can go wrong while fetching or storing data."""

from __future__ import annotations


class FetchError(Exception):
    """A source could not be fetched or understood; carries the source, the URL and what failed."""

    def __init__(self, source: str, url: str, detail: str) -> None:
        self.source, self.url, self.detail = source, url, detail
        super().__init__(f"{source}: {detail} ({url})" if url else f"{source}: {detail}")


class SourceUnavailable(FetchError):
    """The source did not answer usefully: network failure, timeout, 429 or 5xx after retries."""


class BadResponse(FetchError):
    """The source answered, but not in the format we expect (HTML, truncated JSON, wrong fields)."""


class EmptyResult(FetchError):
    """The source answered correctly but held no observations for what we asked."""


class ValidationError(FetchError):
    """The tidy frame built from a source breaks the frame's rules; lists every violation."""


class StoreError(Exception):
    """The store could not be read or written."""


class RunLocked(StoreError):
    """Another live process is refreshing this source; this run did not start."""


class SuspiciousRelease(StoreError):
    """A release would remove too many stored values; it was refused and the old data kept."""
