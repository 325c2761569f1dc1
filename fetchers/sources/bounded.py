"""Reading a streamed answer within a size limit and a deadline; the errors for one that breaks them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from fetchers.store.errors import BadResponse, Kind, SourceUnavailable

if TYPE_CHECKING:
    import requests

CHUNK = 64 * 1024  # bytes asked of the socket at a time: the deadline is checked between reads


class TooLarge(BadResponse):
    """The answer (or a workbook once unpacked) is larger than the source's limit; not read on."""

    def __init__(self, source: str, url: str, limit: int, what: str = "answer") -> None:
        self.limit, self.what = limit, what
        super().__init__(source, url, f"{what} larger than {_mb(limit)}; stopped reading")

    @property
    def reason(self) -> str:
        """One line for people: which source, and the limit it broke."""
        return f"the {self.what} from {self.host or 'the source'} was larger than {_mb(self.limit)}"


class TooSlow(SourceUnavailable):
    """The answer did not arrive in full before the request's overall deadline (HTTP_DEADLINE)."""

    def __init__(self, source: str, url: str, deadline: float) -> None:
        self.deadline = deadline
        super().__init__(
            source, url, f"answer not complete after {deadline:g} s", Kind.TIMEOUT,
            message=f"{deadline:g} s",
        )  # fmt: skip

    @property
    def reason(self) -> str:
        """One line for people: the answer was too slow, not absent."""
        return f"{self.host or 'the source'} did not finish its answer within {self.deadline:g} s"


def read_body(
    response: requests.Response,
    source: str,
    url: str,
    limit: int,
    deadline: float,
    seconds: float,
) -> None:
    """Read the streamed body into `response.content`: at most `limit` bytes, before `deadline`
    (a monotonic time; `seconds` is the setting it came from, for the error)."""
    body = bytearray()
    try:
        while True:
            if time.monotonic() > deadline:
                raise TooSlow(source, response.url or url, seconds)
            # read1: what one socket read brings (a drip returns at once, so the deadline is
            # checked between bytes); decoding is bounded too, so a gzip bomb stops here.
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise TooLarge(source, response.url or url, limit)
    except BaseException:
        response.close()  # the rest of the body is never read: drop the connection
        raise
    response._content = bytes(body)  # what requests itself does after reading a stream
    response._content_consumed = True
    response.raw.release_conn()


def _mb(size: int) -> str:
    """A byte count as whole MB for people (limits are set in MB)."""
    return f"{size / 1024 / 1024:.3g} MB"
