"""Rate limits: per API key and per address, by the work asked for.

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
refused forever. Every limited answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` (after this request), ``X-RateLimit-Reset`` (Unix
time) and ``Retry-After`` (seconds to that reset); past the budget it is a
``429`` (a JSON error, or the pages' HTML one), and spends nothing.

Counters live in memory (each process its own) by default, and in Redis
when ``REDIS_URL`` is set (``RATE_LIMIT_STORAGE_URI`` to choose another), so
all workers share them; if Redis stops answering, each process falls back to
memory rather than failing requests, and asks Redis again after 1, 2, 4 ...
32 s (then from 1 s again) until it answers. Behind a proxy, set ``PROXY_FIX_X_FOR``
so the address is the client's, not the proxy's.

How: a ``before_request`` decides whether the request is exempt, which
budget it spends and what it costs, and spends it with one ``hit`` on the
``limits`` library's sliding-window counter (a refused request spends
nothing); an ``after_request`` writes the headers. This is the policy
flask-limiter ran before (application limits, ``swallow_errors``,
``in_memory_fallback_enabled``), with its answers and its keys in the store
(``LIMITER/<prefix>/<who>/global/...``, so old and new workers share
counters), without its per-request resolution of limits (a third of a
millisecond a request).
"""
from __future__ import annotations

import json
import logging
import math
import time
from typing import Optional

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from werkzeug.exceptions import TooManyRequests

from . import repository
from .auth import hash_key
from .db import read_apart

EXTENSION = "verbatim_limiter"
log = logging.getLogger(__name__)

_LIMITED_PAGES = ("/quotes", "/speakers")  # the record's pages (app/pages): a search each
_BY_SIZE = {"/api/v1/quotes/import": 10_000, "/api/v1/jobs/verify": 10_000, "/api/v1/articles/check": 2_000}
_SPENT = "verbatim.rate_limit"  # request.environ: (the budget, its identifiers in the store) once spent


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


def _exempt() -> bool:
    path = request.path
    if (path == "/" and request.method == "POST") or path.startswith(_LIMITED_PAGES):
        return False
    return (not path.startswith("/api/") or path.rstrip("/") == "/api/v1/health"
            or request.method == "OPTIONS")


def _one_limit(setting: str, value: str) -> RateLimitItem:
    items = parse_many(value)
    if len(items) != 1:
        raise ValueError(f"{setting} must be one limit, like '600 per minute' (got {value!r}).")
    return items[0]


class Budgets:
    """The two budgets, the counters' store, and the fall-back to memory when it fails."""

    RECHECK_AFTER_S = (1, 2, 4, 8, 16, 32)  # while on the fall-back, how long before asking the store again

    def __init__(self, app: Flask):
        cfg = app.config
        self.per_key = _one_limit("RATE_LIMIT_PER_KEY", cfg["RATE_LIMIT_PER_KEY"])
        self.anonymous = _one_limit("RATE_LIMIT_ANONYMOUS", cfg["RATE_LIMIT_ANONYMOUS"])
        prefix = cfg.get("RATE_LIMIT_KEY_PREFIX", "verbatim")
        self.prefix = (prefix,) if prefix else ()
        uri = cfg.get("RATE_LIMIT_STORAGE_URI") or cfg.get("REDIS_URL") or "verbatim-memory://"
        options = {"socket_connect_timeout": 1, "socket_timeout": 1} if uri.startswith("redis") else {}
        self.store = storage_from_string(uri, **options)
        self.counters = SlidingWindowCounterRateLimiter(self.store)
        self.fallback = SlidingWindowCounterRateLimiter(WorkerMemoryStorage())
        self.store_down = False
        self._rechecks, self._last_recheck = 0, time.time()

    def counting(self) -> SlidingWindowCounterRateLimiter:
        return self.fallback if self.store_down else self.counters

    def spend(self) -> None:
        """before_request: spend this request's cost from its budget, or refuse it (429)."""
        if request.url_rule is None or _exempt():  # an unknown path or method is a 404 or 405, free
            return
        key_id = _key_id()
        if key_id is None:
            budget, who = self.anonymous, _address()
        else:
            budget, who = self.per_key, f"key:{key_id}"
        ids = (*self.prefix, who, "global")
        cost = min(request_cost(), budget.amount)
        request.environ[_SPENT] = (budget, ids)
        if not self._hit(budget, ids, cost):
            log.info("ratelimit %s (%s) exceeded at endpoint: %s", budget, who, request.endpoint)
            raise TooManyRequests(description=str(budget))

    def _hit(self, budget: RateLimitItem, ids: tuple, cost: int) -> bool:
        if self.store_down:
            self._ask_the_store_again()
        try:
            return self.counting().hit(budget, *ids, cost=cost)
        except Exception:  # the store is down: count in memory rather than fail the request
            if self.store_down:
                log.exception("Failed to rate limit. Swallowing error")
                return True
            self._fall_back()
            return self._hit(budget, ids, cost)

    def _fall_back(self) -> None:
        log.warning("Rate limit storage unreachable - falling back to in-memory storage")
        self.store_down = True

    def _ask_the_store_again(self) -> None:
        """On the fall-back, the store is asked again after 1, 2, 4 ... 32 s, then from 1 s again."""
        self._rechecks %= len(self.RECHECK_AFTER_S)
        if time.time() - self._last_recheck > self.RECHECK_AFTER_S[self._rechecks]:
            self._last_recheck, self._rechecks = time.time(), self._rechecks + 1
            if self.store.check():
                log.info("Rate limit storage recovered")
                self.store_down, self._rechecks = False, 0

    def write_headers(self, response: Response) -> Response:
        """after_request: ``X-RateLimit-*`` and ``Retry-After`` on every answer that spent a budget."""
        spent = request.environ.get(_SPENT)
        if spent is None:
            return response
        budget, ids = spent
        try:
            reset, remaining = self.counting().get_window_stats(budget, *ids)
        except Exception:
            if self.store_down:
                log.exception("Failed to update rate limit headers. Swallowing error")
                return response
            self._fall_back()
            return self.write_headers(response)
        reset_at = int(reset + 1)
        headers = response.headers
        headers.add("X-RateLimit-Limit", str(budget.amount))
        headers.add("X-RateLimit-Remaining", str(remaining))
        headers.add("X-RateLimit-Reset", str(reset_at))
        retry_after = reset_at
        earlier = headers.get("Retry-After")  # an answer's own (a 503's): the later of the two
        if earlier is not None and earlier.isdigit():
            retry_after = max(int(time.time() + int(earlier)), reset_at)
        headers["Retry-After"] = str(int(retry_after - time.time()))
        return response


def init_app(app: Flask) -> None:
    if not app.config["RATE_LIMIT_ENABLED"]:
        return
    budgets = Budgets(app)
    app.before_request(budgets.spend)
    app.after_request(budgets.write_headers)
    app.extensions[EXTENSION] = budgets


def budgets(app: Optional[Flask] = None) -> Budgets:
    return (app or current_app).extensions[EXTENSION]
