"""Bulk import of quotes: JSON Lines, CSV or a JSON array, all or nothing.

The work is in :mod:`app.bulk_import`; reading files in :mod:`app.importer`;
the body's handling in :mod:`app.uploads`; retries in :mod:`app.idempotency`.
"""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from .. import bulk_import, idempotency, importer, uploads
from ..auth import current_key, requires
from ..db import get_session
from ..errors import ApiBlueprint
from ..schemas import ImportResultSchema

PREFIX = ""
blp = ApiBlueprint("imports", __name__, description="Many quotes at once: every valid line stored, or none.")

IMPORT_BODY = {
    "required": True,
    "description": "One quote per line in the shape of POST /api/v1/quotes (JSON Lines), "
                   "or CSV with a header row (text, speaker, spoken_at, location, event, "
                   "language, context, status, and sources as a JSON list or as "
                   "source_url, source_publisher, source_title, source_published_at). "
                   "A JSON array of quotes is accepted too.",
    "content": {
        "application/x-ndjson": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    },
}


def _replayed(row: idempotency.IdempotencyKey, fingerprint: idempotency.Fingerprint):
    body, status, headers = idempotency.replay(row, fingerprint)
    return jsonify(body), status, headers


@blp.route("/quotes/import")
class QuoteImport(MethodView):
    @requires("write")
    @blp.response(200, ImportResultSchema)
    @blp.doc(requestBody=IMPORT_BODY, parameters=[idempotency.PARAMETER])
    def post(self):
        """Import many quotes (JSON Lines, CSV or a JSON array)

        Every valid line is stored, in one transaction, or none is: an
        import cut off (a dropped connection, the database going away)
        stores nothing, so it can simply be sent again. Invalid lines are
        skipped and reported: `rejected` counts them, `errors` lists the
        first 1,000 as `{"line": n, "errors": {...}}`. With an
        `Idempotency-Key`, a retry of a stored import returns the first
        answer instead of storing again. Bodies up to
        IMPORT_MAX_CONTENT_LENGTH (50 MB by default).
        """
        cfg = current_app.config
        kind = importer.kind_for_mimetype(request.mimetype)
        if kind is None:
            abort(415, message="Send JSON Lines (Content-Type: application/x-ndjson), CSV (Content-Type: "
                               "text/csv) or a JSON array of quotes (application/json).")
        key = idempotency.requested_key()
        api_key = current_key()
        fingerprint = idempotency.Fingerprint()
        body, _size = uploads.spool_body(fingerprint, cfg["IMPORT_MAX_CONTENT_LENGTH"])
        session = get_session()
        if key is not None:
            row = idempotency.find(session, api_key.id, key)
            if row is not None:
                return _replayed(row, fingerprint)

        def remember(result: bulk_import.ImportResult) -> None:
            if key is not None:
                idempotency.remember(session, api_key.id, key, fingerprint, 200, result.to_dict())

        try:
            result = bulk_import.import_quotes(
                session, importer.records_from_bytes_stream(body, kind), api_key=api_key,
                chunk_size=cfg["IMPORT_CHUNK_SIZE"], workers=cfg["IMPORT_WORKERS"], before_commit=remember,
            )
        except importer.BodyNotJson as exc:
            abort(400, message=str(exc), errors={"json": ["Invalid JSON body."]})
        except importer.FileError as exc:
            abort(422, message=str(exc), errors={"_file": [str(exc)]})
        except IntegrityError:
            # A copy of this request with the same key was stored first.
            session.rollback()
            row = idempotency.find(session, api_key.id, key) if key is not None else None
            if row is None:
                raise
            return _replayed(row, fingerprint)
        return result.to_dict()
