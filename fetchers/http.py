"""One shared requests.Session with timeouts and urllib3 Retry (backoff, Retry-After, 429/5xx)."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from config.about import USER_AGENT
from config.settings import Settings
from fetchers.errors import BadResponse, SourceUnavailable

RETRY_STATUSES = (429, 500, 502, 503, 504)
# A source asking us to wait longer than this is treated as down for this run; the scheduler
# tries again later instead of holding a worker thread for hours.
RETRY_AFTER_MAX_SECONDS = 120


@dataclass(frozen=True)
class Fetched:
    """A successful response body with its final URL."""

    url: str
    content: bytes


class Http:
    """GET with retries and timeouts; errors raised as our FetchError subclasses."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.http_timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        retry = Retry(
            total=settings.http_retries,
            backoff_factor=settings.http_backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            retry_after_max=RETRY_AFTER_MAX_SECONDS,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(self, source: str, url: str, params: dict[str, str | int] | None = None) -> Fetched:
        """GET `url`; return the body, or raise SourceUnavailable / BadResponse with context."""
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
            content = response.content
        except requests.Timeout as exc:
            raise SourceUnavailable(source, url, f"timed out after {self.timeout:g} s") from exc
        except requests.RequestException as exc:
            raise SourceUnavailable(source, url, f"request failed: {_short(exc)}") from exc
        final = response.url or url
        if response.status_code in RETRY_STATUSES:
            raise SourceUnavailable(source, final, f"HTTP {response.status_code} after retries")
        if response.status_code >= 400:
            raise BadResponse(source, final, f"HTTP {response.status_code}: {_snippet(content)}")
        return Fetched(final, content)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()


# Plain words for the usual reasons a request never got an answer.
_REASONS = (
    ("Failed to resolve", "cannot resolve the host name (no network or DNS?)"),
    ("NameResolutionError", "cannot resolve the host name (no network or DNS?)"),
    ("Connection refused", "connection refused"),
    ("Network is unreachable", "network is unreachable"),
    ("timed out", "timed out"),
    ("SSLError", "TLS handshake failed"),
)


def _short(exc: Exception) -> str:
    """A plain reason for a requests error, then its start for detail."""
    text = str(exc)
    reason = next((plain for marker, plain in _REASONS if marker in text), "")
    detail = text if len(text) < 200 else text[:197] + "…"
    return f"{reason} [{detail}]" if reason else detail


def _snippet(content: bytes) -> str:
    """The start of a body, for an error message."""
    text = content[:200].decode("utf-8", "replace").replace("\n", " ").strip()
    return text or "(empty body)"
