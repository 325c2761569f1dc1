"""One requests.Session for every source: typed errors, retries, per-host spacing, raw bodies kept."""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NameResolutionError, NewConnectionError, TimeoutError
from urllib3.util.retry import Retry

from config.about import USER_AGENT
from config.files import write_atomic
from config.settings import Settings
from fetchers.sources.bounded import TooSlow, read_body
from fetchers.store.errors import APIError, BadResponse, HTTPStatusError, Kind, SourceUnavailable
from fetchers.store.tidy import RawBody

log = logging.getLogger(__name__)
RETRY_STATUSES = (500, 502, 503, 504)
# A source asking us to wait longer than this is waited for only this long; if it still refuses,
# the run fails and the scheduler tries again later instead of holding a worker for hours.
RETRY_AFTER_MAX_SECONDS = 120
# "Rate limit is exceeded. Try again in 7 seconds." (the Comtrade gateway's 429 body)
TRY_AGAIN_IN = re.compile(r"try again in (\d+(?:\.\d+)?) second", re.IGNORECASE)

# Checks a decoded JSON body: None for a good answer, else the service's own error message.
# Raises ValueError when the body does not have the expected shape.
Envelope = Callable[[object], str | None]


@dataclass(frozen=True)
class Fetched:
    """A successful response body with its final URL and headers."""

    url: str
    content: bytes
    headers: Mapping[str, str] | None = None


class _Retry(Retry):
    """urllib3's Retry for connections and 5xx; 429 is left to Http, which reads the gateway body."""

    RETRY_AFTER_STATUS_CODES = frozenset({503})


class Http:
    """GET/HEAD with retries, timeouts and spacing; failures raised as typed FetchErrors."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.http_timeout
        self.deadline = settings.http_deadline
        self.max_bytes = settings.max_bytes
        self.retries = settings.http_retries
        self.backoff = settings.http_backoff
        self.spacing = {"trade": settings.trade_min_interval}  # seconds between calls, per source
        self.raw_dir = Path(settings.raw_dir) if settings.raw_dir else None
        self.bodies: list[RawBody] = []  # every body this client read, in order
        self._last: dict[str, float] = {}  # host → monotonic time of its last request
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        retry = _Retry(
            total=settings.http_retries,
            backoff_factor=settings.http_backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            retry_after_max=RETRY_AFTER_MAX_SECONDS,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(self, source: str, url: str, params: Mapping[str, str | int] | None = None) -> Fetched:
        """GET `url`; return the body, or raise SourceUnavailable / HTTPStatusError."""
        response = self._send("GET", source, url, params)
        fetched = Fetched(response.url or url, response.content, dict(response.headers))
        self.bodies.append(self._keep(source, fetched))
        return fetched

    def head(self, source: str, url: str) -> Mapping[str, str]:
        """HEAD `url` (following redirects); its headers, or a typed error."""
        return dict(self._send("HEAD", source, url, None).headers)

    def get_json(
        self,
        source: str,
        url: str,
        params: Mapping[str, str | int] | None,
        envelope: Envelope,
    ) -> tuple[Fetched, object]:
        """GET, decode (byte-order mark included) and check the service's envelope."""
        fetched = self.get(source, url, params)
        return fetched, decode_json(source, fetched, envelope)

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()

    def _send(
        self, method: str, source: str, url: str, params: Mapping[str, str | int] | None
    ) -> requests.Response:
        """One request with 429 handled here (Retry-After or the gateway's own wait).

        The body is streamed: at most the source's size limit is read, and the whole request
        (connection, retries and body) must end within HTTP_DEADLINE.
        """
        deadline = time.monotonic() + self.deadline
        for attempt in range(self.retries + 1):
            self._wait_turn(source, url)
            try:
                response = self.session.request(
                    method, url, params=params, timeout=self._timeout(deadline, source, url),
                    allow_redirects=True, stream=True,
                )  # fmt: skip
                read_body(response, source, url, self.max_bytes(source), deadline, self.deadline)
                self._last[urlsplit(url).netloc] = time.monotonic()  # spacing counts from here
            except (requests.RequestException, Urllib3Error) as exc:
                kind = _classify(exc)
                waited = f"{self.timeout:g} s" if kind is Kind.TIMEOUT else ""
                raise SourceUnavailable(
                    source, url, f"{kind}: {exc}", kind, message=waited
                ) from exc
            if response.status_code != 429 or attempt == self.retries:
                break
            # Without Retry-After or a "try again in N s", wait at least a second: rapid calls
            # are what the gateway refuses.
            wait = _retry_after(response, max(self.backoff * 2**attempt, 1.0))
            if time.monotonic() + wait >= deadline:
                break  # the wait would outlast the deadline: the 429 stands
            log.info("%s: HTTP 429, waiting %.1f s as asked", source, wait)
            time.sleep(wait)
        if response.status_code >= 400:
            raise HTTPStatusError(
                source,
                response.url or url,
                f"HTTP {response.status_code}: {_snippet(response.content)}",
                status=response.status_code,
                message=_service_message(response.content),
            )
        return response

    def _timeout(self, deadline: float, source: str, url: str) -> float:
        """Seconds a connect or read may wait: HTTP_TIMEOUT, never past the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TooSlow(source, url, self.deadline)
        return min(self.timeout, left)

    def _wait_turn(self, source: str, url: str) -> None:
        """Keep the source's spacing between the end of one answer and the next request."""
        host = urlsplit(url).netloc
        interval = self.spacing.get(source, 0.0)
        if interval and host in self._last:
            pause = self._last[host] + interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _keep(self, source: str, fetched: Fetched) -> RawBody:
        """Write the body under RAW_DIR/<source>/<sha256> (atomically, once); its record."""
        digest = hashlib.sha256(fetched.content).hexdigest()
        if self.raw_dir is None:
            return RawBody(fetched.url, digest)
        folder = self.raw_dir / source
        path = folder / digest
        if not path.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomic(path, fetched.content)
            except OSError as exc:  # keeping a copy must never fail the fetch itself
                log.warning("could not keep the raw body of %s: %s", fetched.url, exc)
                return RawBody(fetched.url, digest)
        return RawBody(fetched.url, digest, str(path))


def decode_json(source: str, fetched: Fetched, envelope: Envelope) -> object:
    """Decode a JSON body (UTF-8, with or without a byte-order mark) and check its envelope."""
    try:
        payload = json.loads(fetched.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadResponse(
            source, fetched.url, f"body is not JSON ({exc}): {_snippet(fetched.content, 80)}"
        ) from exc
    try:
        problem = envelope(payload)
    except ValueError as exc:
        raise BadResponse(source, fetched.url, f"unexpected body: {exc}") from exc
    if problem:
        raise APIError(source, fetched.url, f"API error: {problem}", message=problem)
    return payload


def _classify(exc: requests.RequestException | Urllib3Error) -> Kind:
    """What kind of failure a requests (or, mid-body, urllib3) exception is, by type."""
    if isinstance(exc, requests.Timeout | TimeoutError):
        return Kind.TIMEOUT
    inner = exc.args[0] if exc.args else None
    cause = getattr(inner, "reason", inner)  # requests wraps urllib3's MaxRetryError
    # Before TimeoutError: urllib3's NewConnectionError subclasses its ConnectTimeoutError.
    if isinstance(cause, NewConnectionError):
        refused = isinstance(cause.__cause__, ConnectionRefusedError)
        return (
            Kind.REFUSED if refused and not isinstance(cause, NameResolutionError) else Kind.NETWORK
        )
    if isinstance(cause, TimeoutError):  # a read timeout after retries
        return Kind.TIMEOUT
    return Kind.NETWORK


def _retry_after(response: requests.Response, fallback: float) -> float:
    """Seconds to wait after a 429: Retry-After, else the gateway's "try again in N seconds"."""
    header = (response.headers.get("Retry-After") or "").strip()
    wait: float | None = None
    if header.isdigit():
        wait = float(header)
    elif header:
        try:
            wait = email.utils.parsedate_to_datetime(header).timestamp() - time.time()
        except (TypeError, ValueError):
            wait = None
    if wait is None:
        found = TRY_AGAIN_IN.search(_service_message(response.content))
        wait = float(found.group(1)) if found else fallback
    return min(max(wait, 0.0), RETRY_AFTER_MAX_SECONDS)


def _service_message(content: bytes) -> str:
    """The service's own message in a JSON error body (gateway, World Bank, Comtrade), or ""."""
    try:
        payload = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(payload, dict):
        return str(payload.get("message") or payload.get("error") or "")
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        messages = payload[0].get("message") or []
        return "; ".join(str(m.get("value", "")) for m in messages if isinstance(m, dict))
    return ""


def _snippet(content: bytes, size: int = 200) -> str:
    """The start of a body, for the technical detail (the log), never for people."""
    text = content[:size].decode("utf-8", "replace").replace("\n", " ").strip()
    return repr(text) if text else "(empty body)"
