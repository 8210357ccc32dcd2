"""Reading one's own writes across replicas: ``Verbatim-Position`` and ``Verbatim-Min-Position``.

With read replicas, a verify or a search may be answered by a replica that
has not yet replayed what the same client stored a moment ago (normally
milliseconds behind; at most ``DATABASE_REPLICA_MAX_LAG``). A client that
must see its write (a CMS storing a transcript, then verifying quotes from
it) sends back what the write's answer said:

* every successful answer to a request that wrote carries
  ``Verbatim-Position``, the primary's WAL position after the write
  (``pg_current_wal_lsn()``, e.g. ``0/3000148``); only with replicas;
* a request with ``Verbatim-Min-Position: <that>`` is answered only by a
  server that has replayed at least that far: a replica that has, else the
  primary (which always has). Without replicas the header changes nothing.

A malformed position is a 400 on any operation. The OpenAPI document
describes both headers in its introduction (``app/__init__.py``) rather than
as a parameter of each operation.
"""
from __future__ import annotations

import re

from flask import Flask, Response, g, request
from flask_smorest import abort
from sqlalchemy import text

from .db import replica_set

POSITION = "Verbatim-Position"
MIN_POSITION = "Verbatim-Min-Position"
PATTERN = r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$"
_POSITION = re.compile(PATTERN)


def _check() -> None:
    raw = request.headers.get(MIN_POSITION)
    if raw is None or request.routing_exception is not None:
        return  # no such operation: its 404 or 405 comes first
    if not _POSITION.match(raw):
        abort(400, message=f"{MIN_POSITION} must be a WAL position like 0/3000148 (the {POSITION} "
                           "of an earlier answer).", errors={MIN_POSITION: ["Invalid position."]})
    g.db_min_position = raw


def _stamp(response: Response) -> Response:
    session = g.get("db_session")
    if (session is None or not g.get("db_write") or not 200 <= response.status_code < 300
            or replica_set() is None):
        return response
    try:
        position = session.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
        session.rollback()
    except Exception:  # noqa: BLE001 - the write is done; the header is a courtesy
        return response
    response.headers[POSITION] = position
    return response


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.after_request(_stamp)
