"""Idempotency-Key: a retried request gets the first answer instead of running again.

A client that sends ``Idempotency-Key: <token>`` (1 to 255 visible ASCII
characters, a UUID for instance) and gets no answer (a time-out, a dropped
connection) sends the same request again with the same key. If the first one
was stored, the answer is the first answer, marked ``Idempotent-Replayed:
true``, and nothing is stored twice; if it was not (it failed, or never
arrived), the request runs as new.

The record is written in the same transaction as what the request stores, so
both exist or neither does; two copies of a request racing each other end
with one stored and the other replaying it (the unique constraint decides).
Keys belong to an API key (two clients cannot collide) and are kept
``IDEMPOTENCY_TTL_HOURS`` (24). The same key with another request (a
different body, path or method) is a 422.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any, Optional

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_MAX = 255  # models.IdempotencyKey.key
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)

# The header as the OpenAPI document describes it (operations that honour it).
PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "description": "Any unique token (a UUID): a retry with the same key and body returns the first "
                   "answer (`Idempotent-Replayed: true`) instead of storing again. Kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": KEY_PATTERN},
}


class Fingerprint:
    """A hash of the request: method, path, content type and every body byte read."""

    def __init__(self) -> None:
        self.method = request.method
        self.path = request.path[:300]
        self._hash = hashlib.sha256(f"{self.method} {self.path} {request.mimetype}\n".encode())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def requested_key() -> Optional[str]:
    """The request's Idempotency-Key, or None; 400 for a malformed one."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _KEY.match(raw):
        abort(400, message=f"{HEADER} must be 1 to {KEY_MAX} visible ASCII characters (a UUID, say).",
              errors={HEADER: ["Invalid key."]})
    return raw


def _cutoff() -> dt.datetime:
    return utcnow() - dt.timedelta(hours=float(current_app.config.get("IDEMPOTENCY_TTL_HOURS", 24)))


def find(session: Session, api_key_id: int, key: str) -> Optional[IdempotencyKey]:
    return session.scalars(select(IdempotencyKey).where(
        IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key,
        IdempotencyKey.created_at >= _cutoff())).first()


def replay(row: IdempotencyKey, fingerprint: Fingerprint) -> tuple[Any, int, dict[str, str]]:
    """The first answer again, or 422 when the key came with another request."""
    if (row.method, row.path, row.fingerprint) != (fingerprint.method, fingerprint.path, fingerprint.hexdigest()):
        abort(422, message=f"This {HEADER} was used for a different request (another body or path). "
                           "Use a new key for a new request.", errors={HEADER: ["Used for another request."]})
    return json.loads(row.response), row.status, {REPLAYED: "true"}


def remember(session: Session, api_key_id: int, key: str, fingerprint: Fingerprint, status: int,
             body: Any) -> None:
    """Store the answer in the caller's transaction (IntegrityError if a
    concurrent copy of the request stored first)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.api_key_id == api_key_id,
                                                 IdempotencyKey.created_at < _cutoff()))
    session.add(IdempotencyKey(api_key_id=api_key_id, key=key, method=fingerprint.method,
                               path=fingerprint.path, fingerprint=fingerprint.hexdigest(), status=status,
                               response=json.dumps(body)))
    session.flush()


def forget(session: Session, api_key_id: int, key: str) -> None:
    """Drop a stored answer whose work was undone (a job that could not be queued)."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.api_key_id == api_key_id,
                                                 IdempotencyKey.key == key))
