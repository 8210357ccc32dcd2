"""API keys: scopes, hashing, and the ``Authorization: Bearer KEY`` check.

Scopes nest: ``admin`` can do everything ``write`` can, ``write`` everything
``read`` can. Writes always need a ``write`` key. Reads and verification are
open unless ``REQUIRE_API_KEY_FOR_READ`` is set; a key that is sent is always
checked, even where none is needed (a revoked key fails loudly rather than
being silently ignored).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any, Callable, Iterable, Optional

from flask import current_app, g, request
from flask_smorest import abort
from sqlalchemy.orm import Session

from . import repository
from .db import mark_writing, read
from .models import ApiKey

SCOPES = ("read", "write", "admin")
_RANK = {s: i for i, s in enumerate(SCOPES)}
KEY_PREFIX = "vbt_"
WEBHOOK_SECRET_PREFIX = "whsec_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    out = []
    for s in scopes:
        for part in str(s).split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in _RANK:
                raise ValueError(f"unknown scope {part!r} (use read, write or admin)")
            if part not in out:
                out.append(part)
    if not out:
        raise ValueError("give at least one scope")
    return sorted(out, key=_RANK.__getitem__)


def new_webhook_secret() -> str:
    """A secret that signs a key's job webhooks (HMAC-SHA256, app/webhooks.py)."""
    return WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)


def create_key(session: Session, name: str, scopes: Iterable[str], *,
               webhook_secret: bool = False) -> tuple[ApiKey, str]:
    """A new key; returns the row and the key itself (which is not stored).

    With ``webhook_secret``, the row's ``webhook_secret`` is set (kept, to sign).
    """
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name.strip(), prefix=secret[:12], key_hash=hash_key(secret),
                 scopes=",".join(normalize_scopes(scopes)),
                 webhook_secret=new_webhook_secret() if webhook_secret else None)
    session.add(row)
    session.flush()
    return row, secret


def revoke_key(session: Session, row: ApiKey) -> None:
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.timezone.utc)


def has_scope(key: ApiKey, needed: str) -> bool:
    return any(_RANK[s] >= _RANK[needed] for s in key.scope_list if s in _RANK)


_UNSET = object()


def current_key() -> Optional[ApiKey]:
    """The key this request presents (401 if it presents a bad one)."""
    cached = g.get("api_key", _UNSET)
    if cached is not _UNSET:
        return cached
    header = request.headers.get("Authorization")
    key: Optional[ApiKey] = None
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            _unauthorized("Send the key as 'Authorization: Bearer KEY'.")
        # On a replica in a request that only reads; a key created a moment
        # ago and not yet replayed there is looked for on the primary too.
        # (A revocation reaches the replicas within DATABASE_REPLICA_MAX_LAG.)
        hashed = hash_key(token)
        key = read(lambda session: repository.api_key_by_hash(session, hashed), ask_primary_if_missing=True)
        if key is None or key.revoked_at is not None:
            _unauthorized("Unknown or revoked API key.")
    g.api_key = key
    return key


def _unauthorized(message: str) -> None:
    abort(401, message=message, headers={"WWW-Authenticate": 'Bearer realm="verbatim"'})


def check(scope: str) -> Optional[ApiKey]:
    """Enforce ``scope`` for this request; returns the key (None if open and none sent)."""
    key = current_key()
    if scope == "read" and not current_app.config["REQUIRE_API_KEY_FOR_READ"]:
        return key
    if key is None:
        _unauthorized(f"This needs an API key with the {scope!r} scope.")
    if not has_scope(key, scope):
        abort(403, message=f"This key lacks the {scope!r} scope (it has: {', '.join(key.scope_list)}).")
    return key


def requires(scope: str, *, reads_only: bool = False, key_needed: bool = False) -> Callable:
    """Decorator for view methods; also marks the operation as secured in OpenAPI.

    A view that needs a ``write`` key but only reads (``reads_only``) keeps a
    read session: on SQLite it must not wait for the write lock, which a
    running import holds. ``key_needed``: a read that is about the calling
    key (its own jobs) needs one even when reads are open (401 without).
    """

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if scope != "read" and not reads_only:
                mark_writing()
            if check(scope) is None and key_needed:
                _unauthorized("This needs an API key: it answers about the key's own records.")
            return fn(*args, **kwargs)

        doc = dict(getattr(wrapper, "_apidoc", {}))
        manual = dict(doc.get("manual_doc", {}))
        if scope == "read" and not key_needed:
            # Optional unless REQUIRE_API_KEY_FOR_READ: both are valid.
            manual["security"] = [{}, {"bearerAuth": []}]
        else:
            manual["security"] = [{"bearerAuth": []}]
        doc["manual_doc"] = manual
        wrapper._apidoc = doc
        return wrapper

    return decorator
