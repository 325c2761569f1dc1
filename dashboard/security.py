"""Hardened responses: security headers (flask-talisman), a request size cap, no version banner."""

from __future__ import annotations

from dash import Dash
from flask import Response, jsonify, request
from flask_talisman import Talisman
from werkzeug.serving import WSGIRequestHandler

MAX_REQUEST_BYTES = 256 * 1024  # a callback payload is a few KB; a bigger body is refused (413)


def harden(app: Dash) -> None:
    """Add the headers and limits; call after every callback (clientside ones too) is registered.

    The Content-Security-Policy allows only this origin's scripts plus the hashes of Dash's own
    inline scripts (`app.csp_hashes()`, as Dash documents for Talisman). Plotly and Dash set inline
    styles, so styles allow 'unsafe-inline'; images allow data: URIs (Plotly's mode bar icons).
    HTTPS is the reverse proxy's job, so Talisman does not redirect to it.
    """
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
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

    @server.before_request
    def _callback_requests_match_a_callback() -> tuple[Response, int] | None:
        # Dash answers a malformed or unknown callback request with a 500 and a traceback in the
        # log; a request that cannot be a callback of this page is refused as the client's error.
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        if (
            isinstance(output, str)
            and "callback" in app.callback_map.get(output, {})
            and isinstance(body.get("inputs", []), list)
            and isinstance(body.get("state", []), list)
        ):
            return None
        return jsonify(error="This request does not match a callback of this page."), 400

    @server.after_request
    def _no_banner(response: Response) -> Response:
        response.headers.pop("Server", None)
        return response


class QuietRequestHandler(WSGIRequestHandler):
    """The development server without its `Server: Werkzeug/x Python/y` version banner."""

    server_version = "AsymmetryMonitor"
    sys_version = ""
