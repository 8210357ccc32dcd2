"""Bulk import of quotes: JSON Lines, CSV or a JSON array, all or nothing.

The work is in :mod:`app.bulk_import`; reading files in :mod:`app.importer`;
the body's handling in :mod:`app.uploads`; retries in :mod:`app.idempotency`.
"""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from .. import bulk_import, idempotency, import_jobs, importer, jobs, uploads
from ..auth import current_key, requires
from ..db import get_session
from ..errors import ApiBlueprint
from ..models import Job
from ..schemas import ImportJobSchema, ImportResultSchema

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
        "application/json": {"schema": {"type": "array", "items": {}}},
    },
}


def _replayed(row: idempotency.IdempotencyKey, fingerprint: idempotency.Fingerprint):
    body, status, headers = idempotency.replay(row, fingerprint)
    if status == 202:
        headers["Location"] = body["url"]
    return jsonify(body), status, headers


def _prefers_async() -> bool:
    """``Prefer: respond-async`` (RFC 7240)."""
    prefer = request.headers.get("Prefer", "")
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in prefer.split(","))


def _import_status(session, job: Job) -> dict:
    return {**import_jobs.status(session, job), "url": url_for("imports.ImportById", job_id=job.id)}


@blp.route("/quotes/import")
class QuoteImport(MethodView):
    @requires("write")
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(202, schema=ImportJobSchema, description=(
        "A large body (over IMPORT_SYNC_MAX_BYTES, 10 MB by default) or `Prefer: respond-async`: the "
        "import runs in the background; `Location` is its status URL."))
    @blp.doc(requestBody=IMPORT_BODY, parameters=[idempotency.PARAMETER, {
        "in": "header", "name": "Prefer", "required": False, "schema": {"type": "string"},
        "description": "`respond-async`: import in the background whatever the size (202)."}])
    def post(self):
        """Import many quotes (JSON Lines, CSV or a JSON array)

        Every valid line is stored, in one transaction, or none is: an
        import cut off (a dropped connection, the database going away)
        stores nothing, so it can simply be sent again. Invalid lines are
        skipped and reported: `rejected` counts them, `errors` lists the
        first 1,000 as `{"line": n, "errors": {...}}`. With an
        `Idempotency-Key`, a retry of a stored import returns the first
        answer instead of storing again. Bodies up to
        IMPORT_MAX_CONTENT_LENGTH (50 MB by default); a body over
        IMPORT_SYNC_MAX_BYTES (10 MB), or sent with `Prefer: respond-async`,
        is imported in the background: `202` with the import's status
        (`Location`: GET /api/v1/imports/{id}), which no server time-out can
        cut.
        """
        cfg = current_app.config
        kind = importer.kind_for_mimetype(request.mimetype)
        if kind is None:
            abort(415, message="Send JSON Lines (Content-Type: application/x-ndjson), CSV (Content-Type: "
                               "text/csv) or a JSON array of quotes (application/json).")
        key = idempotency.requested_key()
        api_key = current_key()
        fingerprint = idempotency.Fingerprint()
        body, size = uploads.spool_body(fingerprint, cfg["IMPORT_MAX_CONTENT_LENGTH"])
        with body:  # a spooled file: memory, or a temporary file deleted on close
            return _import(body, size, kind, api_key, key, fingerprint)


def _import(body, size, kind, api_key, key, fingerprint):
    """The import of a spooled body: replayed, in the background, or here."""
    cfg = current_app.config
    session = get_session()
    if key is not None:
        row = idempotency.find(session, api_key.id, key)
        if row is not None:
            return _replayed(row, fingerprint)
    if size > cfg["IMPORT_SYNC_MAX_BYTES"] or _prefers_async():
        return _in_background(session, body, size, kind, api_key, key, fingerprint)

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


def _in_background(session, body, size, kind, api_key, key, fingerprint):
    """Store the body as an import job, hand it to the job runners: 202."""
    job = import_jobs.create(session, body, size, kind, api_key.id)
    answer = _import_status(session, job)
    try:
        if key is not None:
            idempotency.remember(session, api_key.id, key, fingerprint, 202, answer)
        session.commit()
    except IntegrityError:
        session.rollback()
        return _replayed(idempotency.find(session, api_key.id, key), fingerprint)
    try:
        jobs.enqueue(current_app._get_current_object(), job.id)
    except jobs.QueueUnavailable as exc:
        jobs.delete_job(session, job.id)
        if key is not None:
            idempotency.forget(session, api_key.id, key)
        session.commit()
        abort(503, message=f"{exc} Nothing was stored; try again.")
    return jsonify(answer), 202, {"Location": answer["url"], "Preference-Applied": "respond-async"}


@blp.route("/imports/<job_id:job_id>")
class ImportById(MethodView):
    @requires("write", reads_only=True)
    @blp.response(200, ImportJobSchema)
    def get(self, job_id):
        """A background import: progress, then its result

        `status`: queued, running, finished or failed. While it runs, `read`
        of `size` bytes says how far it got; once `finished`, `imported`,
        `rejected` and the first 1,000 `errors` are what the import answers
        in the request. A failed import stored nothing and says why in
        `error`; `flask --app wsgi jobs resume ID` runs it again.
        """
        session = get_session()
        job = session.get(Job, job_id)
        if job is None or job.kind != import_jobs.KIND:
            abort(404, message=f"Import {job_id} not found.")
        return _import_status(session, job)
