"""The reporter's page: ``GET /``.

One server-rendered HTML page (``templates/index.html``) with two tabs, both
driven by plain JavaScript (``static/verbatim.js``) against the JSON API:

* "Verify a quote" calls ``POST /api/v1/verify``;
* "Check a draft" calls ``POST /api/v1/articles/check``.

No build step and nothing from a CDN. Assets are served from ``/assets/``
with a content hash in the query string (``?v=``), so a browser keeps them
for a year and fetches them again as soon as they change. The page is sent
with a strict Content-Security-Policy: scripts and styles from this origin
only, no inline script, no plugins, no framing.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Blueprint, Flask, make_response, render_template, request, url_for

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
ONE_YEAR = 365 * 24 * 3600

CSP = "; ".join([
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


class _PagesBlueprint(Blueprint):
    def get_send_file_max_age(self, filename):  # type: ignore[override]
        # A versioned URL never changes content: cache it for a year.
        if request.args.get("v"):
            return ONE_YEAR
        return super().get_send_file_max_age(filename)


bp = _PagesBlueprint("pages", __name__, static_folder="static", static_url_path="/assets")


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:12]


def asset_url(filename: str) -> str:
    """``/assets/<filename>?v=<content hash>``."""
    path = os.path.join(STATIC_DIR, filename)
    try:
        st = os.stat(path)
        version = _digest(path, st.st_mtime_ns, st.st_size)
    except OSError:
        version = ""
    return url_for("pages.static", filename=filename, **({"v": version} if version else {}))


@bp.get("/")
def index():
    root = request.script_root
    response = make_response(render_template(
        "index.html",
        verify_url=f"{root}/api/v1/verify",
        articles_url=f"{root}/api/v1/articles/check",
        docs_url=f"{root}/docs",
    ))
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault("asset_url", asset_url)
