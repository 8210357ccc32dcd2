"""The newsroom's web app: server-rendered pages over the same store as the API.

One blueprint (``pages``), one module per page:

* :mod:`.check`: ``/``, check a quote or a whole draft (JavaScript calls the
  JSON API; without it the forms POST and the server renders the same card);
* :mod:`.record`: ``/quotes`` (the record, searchable) and ``/quotes/<id>``
  (a quote's permalink: sources, status, history, JSON-LD);
* :mod:`.speakers`: ``/speakers`` and ``/speakers/<id>``;
* :mod:`.desk`: ``/add``, ``/ingest`` and ``/jobs``, the pages that change the
  record. They need a ``write`` key, which the page's script keeps in
  ``sessionStorage`` and sends as ``Authorization: Bearer`` to the JSON API:
  never in a URL nor in a cookie, so no other site can make a browser send
  it (no CSRF).

Templates in ``app/templates`` (``base.html`` is the shared layout),
scripts and styles in ``app/static``. No build step and nothing from
another site. Assets are served from ``/assets/`` with a content hash in the
query string (``?v=``), so a browser keeps them for a year and fetches them
again as soon as they change. Every HTML answer carries the page policy of
:mod:`app.http_policy` (scripts and styles from this origin only, no inline
script, no framing). A browser asking for a page that does not exist gets an
HTML 404 with a way home; API clients (``/api/...``, or anything not asking
for HTML) still get the JSON error.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Blueprint, Flask, current_app, make_response, render_template, request, url_for
from werkzeug.exceptions import HTTPException, NotFound

STATIC_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "static")
TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
ONE_YEAR = 365 * 24 * 3600

# The site's sections, in the order the navigation shows them: (endpoint, label).
NAV = (
    ("pages.index", "Check"),
    ("pages.quotes", "Record"),
    ("pages.speakers", "Speakers"),
    ("pages.add", "Add"),
    ("pages.ingest", "Ingest"),
    ("pages.jobs", "Jobs"),
)


class _PagesBlueprint(Blueprint):
    def get_send_file_max_age(self, filename):  # type: ignore[override]
        # A versioned URL never changes content: cache it for a year.
        if request.args.get("v"):
            return ONE_YEAR
        return super().get_send_file_max_age(filename)


bp = _PagesBlueprint("pages", __name__, static_folder=STATIC_DIR, static_url_path="/assets",
                     template_folder=TEMPLATE_DIR)


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


def nav_links() -> list[dict[str, Any]]:
    """The navigation: the sections this app serves, the current one marked."""
    here = request.endpoint or ""
    out = []
    for endpoint, label in NAV:
        if endpoint not in current_app.view_functions:
            continue
        section = endpoint.split(".", 1)[1]
        current = here == endpoint or here.startswith(f"pages.{section.rstrip('s')}")
        out.append({"url": url_for(endpoint), "label": label, "current": current})
    return out


def reads_open() -> bool:
    """May a browser without a key read the record? (``REQUIRE_API_KEY_FOR_READ``)

    Pages are read without a key (a browser sends none on a page load), so a
    server that requires one for reading shows the record to the API only.
    """
    return not current_app.config.get("REQUIRE_API_KEY_FOR_READ")


def page(template: str, status: int = 200, **context: Any):
    """A rendered page with the headers every page carries."""
    response = make_response(render_template(template, **context), status)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-cache"
    return response


def closed_page():
    """The answer of a record page on a server that requires a key for reading."""
    return page("closed.html", 401)


def wants_html() -> bool:
    """A browser's page load, not an API client: HTML ranks above JSON in Accept."""
    if request.path.startswith("/api/"):
        return False
    accept = request.accept_mimetypes
    return accept.best_match(["application/json", "text/html"]) == "text/html" and accept["text/html"] > 0


def _not_found(error: HTTPException):
    if not wants_html():
        return current_app.extensions["verbatim_api"].handle_http_exception(error)
    description = getattr(error, "page_message", None)
    return page("404.html", 404, message=description, **getattr(error, "page_context", {}))


def _too_many(error: HTTPException):
    if not wants_html():
        return current_app.extensions["verbatim_api"].handle_http_exception(error)
    return page("429.html", 429)


def not_found(message: str) -> NotFound:
    """A 404 for a page, with a sentence for the reader."""
    error = NotFound()
    error.page_message = message  # type: ignore[attr-defined]
    return error


def init_app(app: Flask) -> None:
    from . import check, desk, record, speakers  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault("asset_url", asset_url)
    app.jinja_env.globals.setdefault("nav_links", nav_links)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(429, _too_many)
