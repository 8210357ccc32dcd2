"""Rate limits (flask-limiter): per API key and per address, by the work asked for.

Every request under ``/api/`` spends units from a budget per minute (and so
do the web app's pages that do the API's work: the check page's form posted
without JavaScript, ``POST /``, a verify or an article check; the record's
searches and pages, ``/quotes`` and ``/speakers``), except
``/api/v1/health`` (load balancers must always get through) and CORS
preflights. A request with a key spends the key's budget
(``RATE_LIMIT_PER_KEY``, 6,000 a minute); one without (or with a key that
is not valid) spends its address's (``RATE_LIMIT_ANONYMOUS``, 600 a
minute): sixteen anonymous clients sending batches of 100 claims must not
starve everyone else.

A request costs what it asks the service to do, not 1: a verify batch costs
its number of claims, an article check one per 2,000 bytes of text (each
quote in it is verified), an import or a bulk job one per 10 KB of body (at
least 10). A cost is never more than the budget, so no single request is
refused forever. Past the budget: ``429`` with ``Retry-After`` (and
``X-RateLimit-*`` on every limited answer).

Counters live in memory (each process its own) by default, and in Redis
when ``REDIS_URL`` is set (``RATE_LIMIT_STORAGE_URI`` to choose another), so
all workers share them; if Redis stops answering, each process falls back to
memory rather than failing requests. Behind a proxy, set ``PROXY_FIX_X_FOR``
so the address is the client's, not the proxy's.
"""
from __future__ import annotations

import json
import math
from typing import Optional

import time

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter
from limits import parse
from limits.storage import MemoryStorage

from . import repository
from .auth import hash_key
from .db import read_apart

EXTENSION = "verbatim_limiter"

_LIMITED_PAGES = ("/quotes", "/speakers")  # the record's pages (app/pages): a search each
_BY_SIZE = {"/api/v1/quotes/import": 10_000, "/api/v1/jobs/verify": 10_000, "/api/v1/articles/check": 2_000}


class WorkerMemoryStorage(MemoryStorage):
    """limits' in-memory counters (``verbatim-memory://``, the default without
    Redis), without a new thread per request.

    limits' own starts a timer thread to drop expired counters whenever the
    last one has finished, i.e. on nearly every request: the request then
    waits for the operating system to start a thread (0.1 ms idle, several
    on a busy machine). Expired counters are already ignored when read, so
    here the requests themselves drop them, at most once a second.
    """

    STORAGE_SCHEME = ["verbatim-memory"]
    EXPIRE_EVERY_S = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_expiry = time.monotonic() + self.EXPIRE_EVERY_S

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (limits' hook, name-mangled)
        now = time.monotonic()
        if now >= self._next_expiry:
            self._next_expiry = now + self.EXPIRE_EVERY_S
            self._MemoryStorage__expire_events()


def _address() -> str:
    return request.remote_addr or "unknown"


def _key_id() -> Optional[int]:
    """The id of the valid API key this request presents, else None.

    Looked up in a session of its own: the request's session is opened
    later, by the view, as a reader or a writer (on SQLite a writer must
    begin as one).
    """
    if "rate_key_id" not in g:
        g.rate_key_id = None
        scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            hashed = hash_key(token.strip())
            row = read_apart(lambda session: repository.api_key_by_hash(session, hashed),
                             ask_primary_if_missing=True)
            if row is not None and row.revoked_at is None:
                g.rate_key_id = row.id
    return g.rate_key_id


def _key() -> str:
    return f"key:{_key_id()}"


def _anonymous() -> bool:
    """No valid key: the address's budget (a made-up key is no way around it)."""
    return _key_id() is None


def request_cost() -> int:
    """The units a request spends (see the module's doc)."""
    path = request.path.rstrip("/")
    if request.method == "POST" and path == "/api/v1/verify/batch":
        try:
            claims = json.loads(request.get_data(cache=True)).get("claims")
        except (ValueError, AttributeError, RecursionError):
            return 1
        return max(1, len(claims)) if isinstance(claims, list) else 1
    if request.method == "POST" and path == "" and request.form.get("form") == "draft":
        path = "/api/v1/articles/check"  # the check page's draft, posted without JavaScript
    per = _BY_SIZE.get(path)
    if per and request.method == "POST":
        size = request.content_length or 0
        return max(10 if per == 10_000 else 1, math.ceil(size / per))
    return 1


def _capped(limit: str):
    amount = parse(limit).amount
    return lambda: min(request_cost(), amount)


def _exempt() -> bool:
    path = request.path
    if (path == "/" and request.method == "POST") or path.startswith(_LIMITED_PAGES):
        return False
    return (not path.startswith("/api/") or path.rstrip("/") == "/api/v1/health"
            or request.method == "OPTIONS")


def init_app(app: Flask) -> None:
    cfg = app.config
    storage = cfg.get("RATE_LIMIT_STORAGE_URI") or cfg.get("REDIS_URL") or "verbatim-memory://"
    per_key, anonymous = cfg["RATE_LIMIT_PER_KEY"], cfg["RATE_LIMIT_ANONYMOUS"]
    limiter = Limiter(
        key_func=_address,
        app=app,
        # Application limits: one budget across every route, not one per route.
        application_limits=[
            ApplicationLimit(per_key, key_function=_key, cost=_capped(per_key), exempt_when=_anonymous),
            ApplicationLimit(anonymous, key_function=_address, cost=_capped(anonymous),
                             exempt_when=lambda: not _anonymous()),
        ],
        # A request that does not fit is refused without spending anything
        # (a fixed window would count the refused batch too).
        strategy="sliding-window-counter",
        storage_uri=storage,
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1} if storage.startswith("redis") else {},
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix=cfg.get("RATE_LIMIT_KEY_PREFIX", "verbatim"),
        enabled=bool(cfg["RATE_LIMIT_ENABLED"]),
    )
    limiter.request_filter(_exempt)
    app.extensions[EXTENSION] = limiter


def limiter(app: Optional[Flask] = None) -> Limiter:
    return (app or current_app).extensions[EXTENSION]
