"""What every answer carries: security headers, and CORS for browser clients.

* Every answer: ``X-Content-Type-Options: nosniff`` (a JSON answer is never
  run as a script or a page), ``X-Frame-Options: DENY`` and
  ``Referrer-Policy: no-referrer``. JSON and other API answers also carry
  ``Content-Security-Policy: default-src 'none'; frame-ancestors 'none'``.
* ``/docs`` (Swagger UI, served from this app: app/docs_assets.py) gets a
  policy that allows this origin's scripts and its one inline script, by
  hash, and nothing from elsewhere. ReDoc is not served unless
  ``OPENAPI_REDOC_URL`` names a copy the operator hosts (a browser asking
  for /redoc gets the HTML 404, which points at /docs).
* Every other HTML answer (the pages, app/pages): ``PAGE_POLICY``, scripts,
  styles, images and requests from this origin only, no inline script or
  style, no plugins, forms posting here only, no framing. JSON-LD embedded
  in a page (``<script type="application/ld+json">``) is data, never run, so
  the policy need not allow it.
* CORS, for CMS plugins that call the API from the browser: the origins in
  ``CORS_ORIGINS`` (comma-separated; none by default, ``*`` for any) get
  ``Access-Control-Allow-Origin`` and their preflight ``OPTIONS`` answered.
  ``CORS_ALLOW_CREDENTIALS`` (cookies; bearer keys do not need it) is refused
  with ``*``. Keys travel in ``Authorization``, which the preflight allows.
* No cookie session: nothing is kept in a browser's cookies (keys travel in
  ``Authorization``; the pages keep theirs in ``sessionStorage``), so no
  request reads or signs one.
"""
from __future__ import annotations

import base64
import hashlib
import re
from typing import Optional

from flask import Flask, Response, current_app, request
from flask.sessions import SessionInterface

ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Idempotency-Key, Prefer, Verbatim-Min-Position"
EXPOSED_HEADERS = ("Location, Retry-After, Idempotent-Replayed, Preference-Applied, Verbatim-Position, "
                   "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Job-Status, X-Job-Done, X-Job-Total")

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def parse_origins(value: Optional[str]) -> list[str]:
    return [o.strip().rstrip("/") for o in (value or "").split(",") if o.strip()]


def init_app(app: Flask) -> None:
    origins = parse_origins(app.config.get("CORS_ORIGINS"))
    if app.config.get("CORS_ALLOW_CREDENTIALS") and "*" in origins:
        raise ValueError("CORS_ALLOW_CREDENTIALS cannot be used with CORS_ORIGINS=*: list the origins.")
    app.config["CORS_ORIGIN_LIST"] = origins
    app.session_interface = NoCookieSession()
    app.before_request(_preflight)
    app.after_request(_headers)


class NoCookieSession(SessionInterface):
    """Flask's ``session`` is empty and read-only: Flask's default looked for a
    signed cookie on every request, building its signer each time, for a
    session nothing here uses (``session[...] = ...`` raises)."""

    def open_session(self, app, request):  # noqa: ARG002 - Flask's signature
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:  # pragma: no cover - never called for a null session
        return None


def _allowed_origin() -> Optional[str]:
    origin = request.headers.get("Origin")
    origins = current_app.config["CORS_ORIGIN_LIST"]
    if not origin or not origins:
        return None
    if origin.rstrip("/") in origins:
        return origin
    return "*" if "*" in origins else None


def is_preflight() -> bool:
    return (request.method == "OPTIONS" and "Origin" in request.headers
            and "Access-Control-Request-Method" in request.headers)


def _preflight() -> Optional[Response]:
    if not is_preflight() or _allowed_origin() is None:
        return None
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = str(current_app.config.get("CORS_MAX_AGE", 600))
    return response


def _cors(response: Response) -> None:
    response.vary.add("Origin")
    allowed = _allowed_origin()
    if allowed is None:
        return
    response.headers["Access-Control-Allow-Origin"] = allowed
    if allowed != "*" and current_app.config.get("CORS_ALLOW_CREDENTIALS"):
        response.headers["Access-Control-Allow-Credentials"] = "true"
    if not is_preflight():
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def _docs_policy(html: str) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    if current_app.config["CORS_ORIGIN_LIST"]:
        _cors(response)
    if "Content-Security-Policy" not in h:
        if request.path.rstrip("/") in ("/docs", "/redoc") and response.mimetype == "text/html":
            h["Content-Security-Policy"] = _docs_policy(response.get_data(as_text=True))
        elif response.mimetype == "text/html":
            h["Content-Security-Policy"] = PAGE_POLICY
        else:
            h["Content-Security-Policy"] = API_POLICY
    return response
