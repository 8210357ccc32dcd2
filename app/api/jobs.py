"""Bulk verification jobs: submit many claims, follow progress, stream the answers.

The work is in :mod:`app.jobs`; reading files in :mod:`app.job_files`,
writing answers in :mod:`app.job_results`, webhooks in :mod:`app.webhooks`.
This module only parses and answers.
"""
from __future__ import annotations

import io
import json
import re
from typing import Any, Optional

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from .. import job_files, job_results, jobs, webhooks
from ..auth import current_key, requires
from ..db import get_session, read, read_sessions
from ..errors import ApiBlueprint
from ..models import JOB_STATUSES, Job
from ..schemas import PageArgsSchema, storable_text

PREFIX = "/jobs"
blp = ApiBlueprint("jobs", __name__, description="Bulk verification: thousands of claims checked in the "
                                                  "background, answers streamed as JSON Lines.")

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


class JobLineErrorSchema(Schema):
    line = fields.Integer(metadata={"description": "Line in the body (CSV: the header is line 1)."})
    id = fields.String(metadata={"description": "The claim's own id, when it gave one."})
    errors = fields.Dict()


class JobSummarySchema(Schema):
    verified = fields.Integer()
    mismatch = fields.Integer()
    unverified = fields.Integer()
    error = fields.Integer(metadata={"description": "Claims the engine failed on (answered with an error)."})


class JobSchema(Schema):
    id = fields.String(metadata={"example": "3f0c6e2a9b8d4e7f8a1b2c3d4e5f6a7b"})
    status = fields.String(metadata={"description": "queued, running, finished or failed"})
    total = fields.Integer(metadata={"description": "Valid claims in the job."})
    done = fields.Integer(metadata={"description": "Claims answered so far (the first `done`, in order)."})
    answered = fields.Integer(metadata={"description": "Claims answered in all ranges, also beyond the first "
                                                       "`done` (progress when several workers share the job)."})
    rejected = fields.Integer(metadata={"description": "Invalid lines, skipped at submission."})
    summary = fields.Nested(JobSummarySchema)
    created_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    updated_at = fields.String()
    error = fields.String(metadata={"description": "Why the job stopped (failed only)."})
    results = fields.String(metadata={"description": "URL of the answers (JSON Lines; `?format=csv` for CSV)."})
    name = fields.String(allow_none=True, metadata={"description": "Your label for the job, as submitted."})
    webhook = fields.Nested(lambda: JobWebhookSchema(), allow_none=True, metadata={
        "description": "With a `callback_url`: where the summary goes and how each delivery went."})


class WebhookAttemptSchema(Schema):
    at = fields.String()
    url = fields.String(metadata={"description": "Where it was sent."})
    status = fields.Integer(metadata={"description": "The receiver's HTTP status, when it answered."})
    redirected_to = fields.String(metadata={"description": "The address that answered, after redirects."})
    error = fields.String(metadata={"description": "Why the attempt failed (absent when delivered)."})
    ms = fields.Integer(metadata={"description": "How long the attempt took."})


class WebhookDeliverySchema(Schema):
    id = fields.String(metadata={"description": "Also sent as X-Verbatim-Delivery and `delivery`: dedupe on it."})
    event = fields.String(metadata={"description": "job.finished or job.failed"})
    state = fields.String(metadata={"description": "pending, delivered or failed (gave up)"})
    attempts = fields.Integer()
    next_attempt_at = fields.String(allow_none=True)
    give_up_at = fields.String(metadata={"description": "No attempt after this."})
    created_at = fields.String()
    ended_at = fields.String(allow_none=True)
    log = fields.List(fields.Nested(WebhookAttemptSchema), metadata={"description": "Every attempt, in order."})


class JobWebhookSchema(Schema):
    url = fields.String(metadata={"description": "The callback_url."})
    deliveries = fields.List(fields.Nested(WebhookDeliverySchema))


class JobCreatedSchema(JobSchema):
    errors = fields.List(fields.Nested(JobLineErrorSchema), metadata={
        "description": f"Invalid lines, skipped (the first {jobs.MAX_REPORTED_ERRORS})."})


class ResultsArgsSchema(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "Skip the first `offset` answers (to continue an interrupted download)."})
    format = fields.String(validate=validate.OneOf(job_results.FORMATS), metadata={
        "description": "ndjson (the default) or csv. Without it, `Accept: text/csv` chooses CSV."})


class JobListArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(JOB_STATUSES), metadata={
        "description": "Only jobs with this status."})


class JobPageSchema(Schema):
    items = fields.List(fields.Nested(JobSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


NAME_MAX = 200


def _job_or_404(job_id: str) -> Job:
    # Reading (status, results): on a replica, or on the primary when the
    # job is not there yet (submitted a moment ago). Deleting: the primary.
    job = read(lambda session: session.get(Job, job_id), ask_primary_if_missing=True) \
        if _JOB_ID.match(job_id) else None
    if job is None:
        abort(404, message=f"Job {job_id} not found.")
    return job


def _results_url(job_id: str) -> str:
    return url_for("jobs.JobResults", job_id=job_id)


def _status(job: Job) -> dict[str, Any]:
    """A job as answered by the API: status, counts, name and webhook deliveries."""
    body = jobs.job_status(job, _results_url(job.id))
    body["name"] = job.name
    body["webhook"] = webhooks.describe(get_session(), job)
    return body


_TOO_LARGE = "The request body is too large (limit: {limit} bytes); split the file."
_UNSUPPORTED = ("Send JSON Lines (Content-Type: application/x-ndjson), CSV (Content-Type: text/csv), "
                "a JSON array of claims (application/json), or a multipart/form-data upload with the file "
                "in the field `file`.")


def _upload() -> tuple[str, Any, dict[str, str]]:
    """(format, binary stream, form fields) of a multipart upload; aborts with 413/415/422."""
    try:
        part = request.files.get("file")
        form = {k: request.form.get(k, "") for k in ("callback_url", "name") if k in request.form}
    except RequestEntityTooLarge:
        abort(413, message=_TOO_LARGE.format(limit=request.max_content_length))
    if part is None:
        abort(422, message="The upload has no file: send it in the form field `file`.",
              errors={"file": ["Missing data for required field."]})
    fmt = job_files.upload_format(part.mimetype, part.filename)
    if fmt is None:
        abort(415, message=f"The file {part.filename or ''!r} ({part.mimetype or 'no type'}) is neither CSV "
                           "nor JSON Lines: name it .csv or .jsonl, or send it as text/csv or "
                           "application/x-ndjson. (A spreadsheet: save it as \"CSV UTF-8\".)")
    return fmt, part.stream, form


def _source() -> tuple[Any, dict[str, str]]:
    """The claims of the body (a reader of Records) and the options (name, callback_url)."""
    mimetype = (request.mimetype or "").lower()
    options = {k: request.args[k] for k in ("callback_url", "name") if k in request.args}
    if mimetype == "multipart/form-data":
        fmt, stream, form = _upload()  # form fields win over the query string
        return job_files.records(fmt, io.BufferedReader(stream, buffer_size=256 * 1024)), {**options, **form}
    body = io.BufferedReader(request.stream, buffer_size=256 * 1024)
    if mimetype in job_files.NDJSON_TYPES:
        return job_files.iter_ndjson(body), options
    if mimetype in job_files.CSV_TYPES:
        return job_files.iter_csv(job_files.text_stream(body)), options
    if mimetype == "application/json":
        try:
            data = json.loads(body.read() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            abort(400, message=f"The request body is not valid JSON: {exc}", errors={"json": ["Invalid JSON body."]})
        return job_files.iter_json_array(data), options
    abort(415, message=_UNSUPPORTED)


def _options(options: dict[str, str]) -> tuple[Optional[str], Optional[str]]:
    """(name, callback_url), checked; 422 with what is wrong."""
    errors: dict[str, list[str]] = {}
    name = (options.get("name") or "").strip() or None
    if name is not None and (len(name) > NAME_MAX or not storable_text(name)):
        errors["name"] = [f"At most {NAME_MAX} characters of valid Unicode text."]
    callback = (options.get("callback_url") or "").strip() or None
    if callback is not None:
        key = current_key()
        if key is None or not key.webhook_secret:
            errors["callback_url"] = [
                "This key has no webhook secret to sign the callback with. Create a key with one "
                "(flask --app wsgi keys create NAME --scope write --webhook-secret, or POST /api/v1/keys "
                "with \"webhook_secret\": true) or add one to this key (flask --app wsgi keys "
                "webhook-secret KEY)."]
        else:
            try:
                problem = webhooks.check_callback_url(current_app.config, callback)
            except ValueError as exc:
                abort(503, message=f"Webhooks are misconfigured: WEBHOOK_ALLOWED_NETWORKS is invalid ({exc}).")
            if problem:
                errors["callback_url"] = [problem]
    if errors:
        abort(422, message=" ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors=errors)
    return name, callback


_COUNTS = {"type": "object", "properties": {k: {"type": "integer"} for k in jobs.SUMMARY_KEYS}}
_URL = {"type": "string", "format": "uri"}
# The summary POSTed to a callback_url (app/webhooks.py), as an OpenAPI callback of the submission.
_ENDED = {"post": {
    "summary": "The job ended: its summary, signed",
    "description": "Headers: `X-Verbatim-Event` (the event), `X-Verbatim-Delivery` (the delivery's id, the same "
                   "for every attempt), `X-Verbatim-Timestamp` (Unix seconds, also `timestamp` in the body) and "
                   "`X-Verbatim-Signature: sha256=<hex HMAC-SHA256 of the raw body with the key's webhook "
                   "secret>`. Any 2xx delivers it; anything else is retried with exponential backoff "
                   "(docs/jobs.md).",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object",
        "required": ["event", "delivery", "timestamp", "id", "status", "total", "done", "summary", "url",
                     "results"],
        "properties": {
            "event": {"type": "string", "enum": ["job.finished", "job.failed"]},
            "delivery": {"type": "string"}, "timestamp": {"type": "integer"},
            "id": {"type": "string"}, "name": {"type": "string", "nullable": True},
            "status": {"type": "string", "enum": ["finished", "failed"]},
            "total": {"type": "integer"}, "done": {"type": "integer"}, "rejected": {"type": "integer"},
            "summary": _COUNTS, "created_at": {"type": "string"},
            "finished_at": {"type": "string", "nullable": True},
            "error": {"type": "string", "description": "Why it failed (job.failed only)."},
            "url": _URL,
            "results": {"type": "object", "properties": {"ndjson": _URL, "csv": _URL}},
        }}}}},
    "responses": {"2XX": {"description": "Received."}},
}}
WEBHOOK_CALLBACK = {"jobEnded": {"{$request.body#/callback_url}": _ENDED,  # a multipart form field
                                 "{$request.query.callback_url}": _ENDED}}  # with a raw body


@blp.route("/verify")
class JobSubmit(MethodView):
    @requires("write")
    @blp.response(202, JobCreatedSchema)
    @blp.doc(parameters=[
        {"in": "query", "name": "callback_url", "schema": {"type": "string", "maxLength": 2000}, "description":
            "With a raw body: where to POST the signed summary when the job ends (a multipart upload "
            "sends it as a form field). Needs a key with a webhook secret."},
        {"in": "query", "name": "name", "schema": {"type": "string", "maxLength": NAME_MAX},
         "description": "With a raw body: your label for the job (a multipart upload sends it as a form field)."},
    ], callbacks=WEBHOOK_CALLBACK, requestBody={
        "required": True,
        "description": "One verify body per line (`{text, speaker?, date?, location?, reference_date?, id?}`; "
                       "`id` is yours, echoed in the results), or CSV with a header row of those columns "
                       "(any order and case; comma, semicolon or tab; UTF-8 with or without BOM), "
                       "or a JSON array of them, or a multipart/form-data upload of such a file in the field "
                       "`file` (CSV or JSON Lines by the part's content type, else by the file name's extension: "
                       ".csv, .tsv, .jsonl, .ndjson) with the optional fields `callback_url` and `name`. "
                       "Up to JOBS_MAX_CLAIMS claims (100,000) and JOBS_MAX_CONTENT_LENGTH bytes (50 MB).",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": "The claims: a CSV or JSON Lines file."},
                    "callback_url": {"type": "string", "maxLength": 2000,
                                     "description": "Where to POST the signed summary when the job ends."},
                    "name": {"type": "string", "maxLength": NAME_MAX, "description": "Your label for the job."},
                }}},
        },
    })
    def post(self):
        """Submit a bulk verification job

        Every line is validated first: invalid lines are reported in
        `errors` (`{line, id?, errors}`) and skipped; the others are stored
        and verified in the background, in order. 202 with the job and a
        `Location` header; 422 when no line is valid, or the `callback_url`
        or `name` is not acceptable. Needs a `write` key (a job can occupy a
        worker for hours); a `callback_url` also needs the key's webhook
        secret, which signs the summary POSTed there when the job ends.
        """
        limit = current_app.config["JOBS_MAX_CONTENT_LENGTH"]
        request.max_content_length = limit
        too_large = _TOO_LARGE.format(limit=limit)
        if request.content_length is not None and request.content_length > limit:
            abort(413, message=too_large)
        session = get_session()
        key = current_key()
        records, options = _source()
        name, callback = _options(options)
        try:
            job, errors = jobs.create_job(session, records, max_claims=current_app.config["JOBS_MAX_CLAIMS"],
                                          api_key_id=key.id if key else None)
        except RequestEntityTooLarge:
            session.rollback()
            abort(413, message=too_large)
        except jobs.InputError as exc:
            session.rollback()
            abort(422, message=exc.message, errors=exc.errors)
        job.name, job.callback_url, job.base_url = name, callback, request.host_url[:500]
        job_id = job.id
        body = _status(job)  # as accepted: queued, nothing done yet (read before the commit: on
        body["errors"] = errors  # SQLite a read after it would hold the write lock the runner needs)
        session.commit()
        app = current_app._get_current_object()
        try:
            jobs.enqueue(app, job_id)
        except jobs.QueueUnavailable as exc:
            jobs.delete_job(session, job_id)
            session.commit()
            abort(503, message=f"{exc} Nothing was stored; try again.")
        if callback and jobs.uses_rq(app):
            webhooks.dispatcher(app).wake()  # the job ends in a worker: watch for its delivery here
        return body, 202, {"Location": url_for("jobs.JobById", job_id=job_id)}


@blp.route("/<job_id:job_id>")
class JobById(MethodView):
    @requires("read")
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """A job's status, progress and verdict counts

        `status`: queued, running, finished or failed (a failed job says why
        in `error` and can be resumed). `done` claims of `total` are
        answered; `summary` counts their verdicts. With a `callback_url`,
        `webhook` shows each delivery and its attempts.
        """
        return _status(_job_or_404(job_id))

    @requires("write")
    @blp.response(204)
    def delete(self, job_id):
        """Delete a job, its claims and its answers

        A running job stops at its next chunk. Needs a `write` key.
        """
        _job_or_404(job_id)
        session = get_session()
        jobs.delete_job(session, job_id)
        session.commit()
        return "", 204


@blp.route("")
class JobList(MethodView):
    @requires("read", key_needed=True)
    @blp.arguments(JobListArgsSchema, location="query")
    @blp.response(200, JobPageSchema)
    def get(self, args):
        """Your jobs, newest first

        The bulk verification jobs submitted with the calling key (401
        without one), with their status, counts and name; `status` filters,
        `page` and `per_page` (at most 100) paginate.
        """
        key = current_key()
        session = get_session()
        conds = [Job.api_key_id == key.id, Job.kind == "verify"]
        if args.get("status"):
            conds.append(Job.status == args["status"])
        total = session.scalar(select(func.count()).select_from(Job).where(*conds)) or 0
        page, per_page = args["page"], args["per_page"]
        rows = session.scalars(select(Job).where(*conds).order_by(Job.created_at.desc(), Job.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)).all()
        return {"items": [_status(j) for j in rows], "total": total, "page": page, "per_page": per_page,
                "pages": max(1, -(-total // per_page))}


_RESULTS = ("JSON Lines: `{line, id, verdict, issues, match, alternatives, ...}` per claim, in input order; "
            "or CSV (`format=csv` or `Accept: text/csv`) with the columns "
            + ", ".join(f"`{c}`" for c in job_results.CSV_HEADER) + ".")


def _wants_csv(args: dict[str, Any]) -> bool:
    if args.get("format"):
        return args["format"] == "csv"
    best = request.accept_mimetypes.best_match(["application/x-ndjson", "text/csv"])
    return best == "text/csv"


@blp.route("/<job_id:job_id>/results")
class JobResults(MethodView):
    @requires("read")
    @blp.arguments(ResultsArgsSchema, location="query")
    @blp.response(200, description=_RESULTS, content_type="application/x-ndjson")
    @blp.doc(responses={"200": {"description": _RESULTS,
                                "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                            "text/csv": {"schema": {"type": "string"}}}}})
    def get(self, args, job_id):
        """The answers so far, as JSON Lines or CSV

        One verify answer per claim in input order, each with the claim's
        input `line` and your `id` (null when none was given). While the job
        runs, this is the answered prefix; `X-Job-Status`, `X-Job-Done` and
        `X-Job-Total` say how far it got. A claim the engine failed on is
        `{"verdict": "error", "error": {...}}`. Streamed from the database.

        `format=csv` (or `Accept: text/csv`): one row per claim, UTF-8 with
        a byte-order mark, RFC 4180 quoting, `issues` the issue types joined
        by `;`, `messages` their sentences joined by ` | `, and any cell
        starting with `=`, `+`, `-` or `@` prefixed with `'` so a spreadsheet
        does not run it.
        """
        job = _job_or_404(job_id)
        done, total, status = job.done, job.total, job.status
        # The stream reads with sessions of its own, on the server that
        # answered: its first `done` answers are there.
        sessions = read_sessions()
        get_session().close()  # hold no transaction while streaming
        headers = {"X-Job-Status": status, "X-Job-Done": str(done), "X-Job-Total": str(total),
                   "Cache-Control": "no-store", "Vary": "Accept"}
        app = current_app._get_current_object()
        if _wants_csv(args):
            headers["Content-Disposition"] = f'attachment; filename="verbatim-job-{job_id}.csv"'
            return Response(job_results.iter_results_csv(app, job_id, done, args["offset"], sessions),
                            mimetype="text/csv", headers=headers)
        return Response(job_results.iter_results(app, job_id, done, args["offset"], sessions),
                        mimetype="application/x-ndjson", headers=headers)
