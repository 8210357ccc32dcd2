"""The desk: the pages that change the record. ``/add``, ``/ingest``, ``/jobs``.

Each is a form the server renders and a script (static/desk.js,
static/jobs.js) sends to the JSON API with the write key the reader entered
once (static/site.js keeps it in the tab's sessionStorage and sends it as
``Authorization: Bearer``). A key never travels in a URL or a cookie, so
another site cannot make a browser use it: no cross-site request can change
the record. Without JavaScript these pages say so (``<noscript>``).
"""
from __future__ import annotations

from flask import current_app, request

from . import bp, page


def _api(path: str) -> str:
    return f"{request.script_root}/api/v1{path}"


@bp.get("/add")
def add():
    return page("add.html", quotes_api=_api("/quotes"))


@bp.get("/ingest")
def ingest():
    return page("ingest.html", ingest_api=_api("/sources/ingest"), quotes_api=_api("/quotes"))
@bp.get("/jobs")
def jobs():
    return page("jobs.html", jobs_api=_api("/jobs"), max_bytes=current_app.config["JOBS_MAX_CONTENT_LENGTH"],
                max_claims=current_app.config["JOBS_MAX_CLAIMS"])
