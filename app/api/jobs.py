"""Bulk verification jobs: submit many claims, follow progress, stream the answers.

The work is in :mod:`app.jobs`; this module only parses and answers.
"""
from __future__ import annotations

import io
import json
import re

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from .. import jobs
from ..auth import current_key, requires
from ..db import get_session
from ..errors import ApiBlueprint
from ..models import Job

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
    results = fields.String(metadata={"description": "URL of the answers (JSON Lines)."})


class JobCreatedSchema(JobSchema):
    errors = fields.List(fields.Nested(JobLineErrorSchema), metadata={
        "description": f"Invalid lines, skipped (the first {jobs.MAX_REPORTED_ERRORS})."})


class ResultsArgsSchema(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "Skip the first `offset` answers (to continue an interrupted download)."})


def _job_or_404(job_id: str) -> Job:
    job = get_session().get(Job, job_id) if _JOB_ID.match(job_id) else None
    if job is None:
        abort(404, message=f"Job {job_id} not found.")
    return job


def _results_url(job_id: str) -> str:
    return url_for("jobs.JobResults", job_id=job_id)


def _records():
    mimetype = (request.mimetype or "").lower()
    body = io.BufferedReader(request.stream, buffer_size=256 * 1024)
    if mimetype in jobs.NDJSON_TYPES:
        return jobs.iter_ndjson(body)
    if mimetype in jobs.CSV_TYPES:
        return jobs.iter_csv(io.TextIOWrapper(body, encoding="utf-8-sig", errors="replace", newline=""))
    if mimetype == "application/json":
        try:
            data = json.loads(body.read() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            abort(400, message=f"The request body is not valid JSON: {exc}", errors={"json": ["Invalid JSON body."]})
        return jobs.iter_json_array(data)
    abort(415, message="Send JSON Lines (Content-Type: application/x-ndjson), CSV (Content-Type: text/csv) "
                       "or a JSON array of claims (application/json).")


@blp.route("/verify")
class JobSubmit(MethodView):
    @requires("write")
    @blp.response(202, JobCreatedSchema)
    @blp.doc(requestBody={
        "required": True,
        "description": "One verify body per line (`{text, speaker?, date?, location?, reference_date?, id?}`; "
                       "`id` is yours, echoed in the results), or CSV with a header row of those columns, "
                       "or a JSON array of them. Up to JOBS_MAX_CLAIMS claims (100,000) and "
                       "JOBS_MAX_CONTENT_LENGTH bytes (50 MB).",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    })
    def post(self):
        """Submit a bulk verification job

        Every line is validated first: invalid lines are reported in
        `errors` (`{line, id?, errors}`) and skipped; the others are stored
        and verified in the background, in order. 202 with the job and a
        `Location` header; 422 when no line is valid. Needs a `write` key
        (a job can occupy a worker for hours).
        """
        limit = current_app.config["JOBS_MAX_CONTENT_LENGTH"]
        request.max_content_length = limit
        too_large = f"The request body is too large (limit: {limit} bytes); split the file."
        if request.content_length is not None and request.content_length > limit:
            abort(413, message=too_large)
        session = get_session()
        key = current_key()
        try:
            job, errors = jobs.create_job(session, _records(), max_claims=current_app.config["JOBS_MAX_CLAIMS"],
                                          api_key_id=key.id if key else None)
        except RequestEntityTooLarge:
            session.rollback()
            abort(413, message=too_large)
        except jobs.InputError as exc:
            session.rollback()
            abort(422, message=exc.message, errors=exc.errors)
        session.commit()
        job_id = job.id
        body = jobs.job_status(job, _results_url(job_id))  # as accepted: queued, nothing done yet
        body["errors"] = errors
        try:
            jobs.enqueue(current_app._get_current_object(), job_id)
        except jobs.QueueUnavailable as exc:
            jobs.delete_job(session, job_id)
            session.commit()
            abort(503, message=f"{exc} Nothing was stored; try again.")
        return body, 202, {"Location": url_for("jobs.JobById", job_id=job_id)}


@blp.route("/<job_id:job_id>")
class JobById(MethodView):
    @requires("read")
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """A job's status, progress and verdict counts

        `status`: queued, running, finished or failed (a failed job says why
        in `error` and can be resumed). `done` claims of `total` are
        answered; `summary` counts their verdicts.
        """
        return jobs.job_status(_job_or_404(job_id), _results_url(job_id))

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


@blp.route("/<job_id:job_id>/results")
class JobResults(MethodView):
    @requires("read")
    @blp.arguments(ResultsArgsSchema, location="query")
    @blp.response(200, description="JSON Lines: `{line, id, verdict, issues, match, alternatives, ...}` per "
                                   "claim, in input order.",
                  content_type="application/x-ndjson")
    def get(self, args, job_id):
        """The answers so far, as JSON Lines

        One verify answer per claim in input order, each with the claim's
        input `line` and your `id` (null when none was given). While the job
        runs, this is the answered prefix; `X-Job-Status`, `X-Job-Done` and
        `X-Job-Total` say how far it got. A claim the engine failed on is
        `{"verdict": "error", "error": {...}}`. Streamed from the database.
        """
        job = _job_or_404(job_id)
        done, total, status = job.done, job.total, job.status
        get_session().close()  # the stream reads with sessions of its own
        headers = {"X-Job-Status": status, "X-Job-Done": str(done), "X-Job-Total": str(total),
                   "Cache-Control": "no-store"}
        app = current_app._get_current_object()
        return Response(jobs.iter_results(app, job_id, done, args["offset"]),
                        mimetype="application/x-ndjson", headers=headers)
