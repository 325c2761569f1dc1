"""Hardened responses: security headers, size and shape checks, per-client limits, no banner."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, jsonify, request
from flask_limiter import Limiter
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

from config.settings import Settings, load_settings

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 256 * 1024  # a callback payload is a few KB; a bigger body is refused (413)
MAX_JSON_DEPTH = 64  # a callback payload nests about ten deep; deeper is refused before parsing
CALLBACK = "/_dash-update-component"
TOKENS = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)  # an escape, a quote or a bracket
NOT_A_CALLBACK = "This request does not match a callback of this page."
TOO_MANY = "Too many requests from your address: please wait a minute and try again."
BODY_SECONDS = 10.0  # a callback body (a few KB) arrives at once; one dripping is cut off


def harden(app: Dash, settings: Settings | None = None) -> None:
    """Add the headers, checks and limits; call after every callback (clientside ones too) is
    registered.

    The Content-Security-Policy allows only this origin's scripts plus the hashes of Dash's own
    inline scripts (`app.csp_hashes()`, as Dash documents for Talisman). Plotly and Dash set inline
    styles, so styles allow 'unsafe-inline'; images allow data: URIs (Plotly's mode bar icons).
    HTTPS is the reverse proxy's job, so Talisman does not redirect to it.
    """
    settings = settings or load_settings()
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.wsgi_app = BodyDeadline(server.wsgi_app)  # type: ignore[method-assign]
    if settings.proxy_hops:  # the client's address is the one the proxy passes on
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_hops)  # type: ignore[method-assign]
    Talisman(
        server,
        force_https=False,
        strict_transport_security=False,  # set by the TLS-terminating proxy (see README)
        session_cookie_secure=False,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy={
            "default-src": "'self'",
            "script-src": ["'self'", *app.csp_hashes()],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'", "data:"],
            "connect-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        },
    )
    limit_clients(server, settings)

    @server.before_request
    def _callback_requests_match_a_callback() -> tuple[Response, int] | None:
        # Dash answers a malformed or unknown callback request with a 500 and a traceback in the
        # log; a request that cannot be a callback of this page is refused as the client's error.
        if request.method != "POST" or not request.path.endswith(CALLBACK):
            return None
        problem = _problem(request.get_data(cache=True), app.callback_map)
        if problem is None:
            return None
        log.warning("refused a callback request from %s: %s", request.remote_addr, problem)
        return jsonify(error=NOT_A_CALLBACK), 400

    @server.errorhandler(DependencyException)
    def _no_such_file(exc: DependencyException) -> tuple[Response, int]:
        # Dash raises this for a component-suite path it does not serve: the client's mistake.
        log.warning("no such file: %s", request.path[:200])
        return jsonify(error="Not found."), 404

    @server.after_request
    def _no_banner(response: Response) -> Response:
        response.headers.pop("Server", None)
        return response


def limit_clients(server, settings: Settings) -> Limiter | None:
    """Per-client limits (RATE_LIMIT) on the routes that do work: callbacks and /data.* files."""
    if not settings.rate_limit:
        return None
    limiter = Limiter(
        key_func=lambda: request.remote_addr or "unknown",
        app=server,
        application_limits=[settings.rate_limit],
        application_limits_exempt_when=lambda: not _costly(),
        storage_uri=settings.rate_limit_storage_uri,
        swallow_errors=True,  # a limit store that is down must not take the page down
        in_memory_fallback_enabled=True,
        headers_enabled=True,  # Retry-After tells a script when to come back
    )

    @server.errorhandler(429)
    def _too_many(_exc) -> tuple[Response, int]:
        log.warning("rate limit reached by %s on %s", request.remote_addr, request.path[:200])
        return jsonify(error=TOO_MANY), 429

    return limiter


def _costly() -> bool:
    """Whether this request does real work: a callback POST or a data file (never /healthz)."""
    path = request.path
    return (request.method == "POST" and path.endswith(CALLBACK)) or path.startswith("/data.")


def _problem(raw: bytes, callback_map: dict) -> str | None:
    """What is wrong with a callback request's body, or None when it can be a callback's."""
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        return f"JSON nested {depth} deep"
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the depth check should have caught it; never a traceback
        return "JSON too deep to parse"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    callback = callback_map.get(output) if isinstance(output, str) else None
    if not callback or "callback" not in callback:
        return "no such callback"
    for part in ("inputs", "state"):
        sent, declared = body.get(part, []), callback.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            return f"{part} do not match the callback's"
        if not all(_dependency(d) for d in sent):
            return f"{part} are not id/property pairs"
    outputs = body.get("outputs")
    multi = output.startswith("..")
    if outputs is not None and not (
        (multi and isinstance(outputs, list) and all(_dependency(o) for o in outputs))
        or (not multi and _dependency(outputs))
    ):
        return "outputs do not match the callback's"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of names"
    return None


def _dependency(item: object) -> bool:
    """An id/property pair, or a list of them (a pattern-matching ALL dependency)."""
    if isinstance(item, list):
        return all(_pair(i) for i in item)
    return _pair(item)


def _pair(item: object) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
    )


def json_depth(raw: bytes) -> int:
    """How deep brackets nest in a JSON text (brackets inside strings skipped), without parsing
    it: one linear pass, so a hostile body costs no more than its size."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # too few brackets to be too deep: no scan needed
    depth = deepest = 0
    in_string = False
    for found in TOKENS.finditer(raw):
        token = found.group()
        if token == b'"':
            in_string = not in_string
        elif in_string or len(token) == 2:  # inside a string, or an escape
            continue
        elif token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BodyDeadline:
    """WSGI middleware: a request body must arrive whole within BODY_SECONDS, or 408.

    Under gunicorn a thread reads the body as the client sends it; a client sending a byte every
    few seconds would hold that thread for hours. The body is read up front while a timer stands
    ready to shut the socket's reading side, which ends the read at once.
    """

    def __init__(self, app: Callable, seconds: float = BODY_SECONDS) -> None:
        self.app, self.seconds = app, seconds

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")  # the development server has no slow-client issue
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if sock is None or not (0 < length <= MAX_REQUEST_BYTES or (chunked and not length)):
            return self.app(environ, start_response)
        late = threading.Event()
        timer = threading.Timer(self.seconds, _stop_reading, (sock, late))
        timer.daemon = True
        timer.start()
        try:  # a chunked body is read to its end, or to one byte past the size limit
            body = environ["wsgi.input"].read(length or MAX_REQUEST_BYTES + 1)
        except (OSError, ValueError):
            body = b""
        finally:
            timer.cancel()
        if late.is_set() or len(body) < length:
            log.warning("request body from %s not complete after %g s; refused",
                        environ.get("REMOTE_ADDR"), self.seconds)  # fmt: skip
            return _refuse(start_response, "408 Request Timeout",
                           b'{"error": "The request took too long to arrive."}')  # fmt: skip
        if len(body) > MAX_REQUEST_BYTES:
            return _refuse(start_response, "413 Request Entity Too Large",
                           b'{"error": "The request is too large."}')  # fmt: skip
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def _refuse(start_response: Callable, status: str, body: bytes) -> list[bytes]:
    """A refusal answered before the app, closing the connection (its body was not all read)."""
    start_response(status, [("Content-Type", "application/json"), ("Connection", "close")])
    return [body]


def _stop_reading(sock: socket.socket, late: threading.Event) -> None:
    """End a blocked read on `sock` (its writing side stays open for the answer)."""
    late.set()
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RD)


class QuietRequestHandler(WSGIRequestHandler):
    """The development server without its `Server: Werkzeug/x Python/y` version banner."""

    server_version = "AsymmetryMonitor"
    sys_version = ""
