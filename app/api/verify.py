"""Verification: is this quote on record, and is it quoted right?"""
from __future__ import annotations

import logging

from flask import current_app, jsonify
from flask.views import MethodView
from marshmallow import ValidationError

from .. import linked_data, services
from ..auth import requires
from ..db import read
from ..errors import ApiBlueprint, error_payload
from ..schemas import BatchResultSchema, BatchVerifySchema, QuoteSchema, VerdictSchema, VerifySchema

log = logging.getLogger(__name__)

PREFIX = "/verify"
blp = ApiBlueprint("verify", __name__, description="Check a quote against the canonical record.")

_quote_schema = QuoteSchema()
_verify_schema = VerifySchema()


def _verify(session, data):
    return services.verify_claim(session, data, candidate_limit=current_app.config["CANDIDATE_LIMIT"],
                                 quote_serializer=_quote_schema.dump)


@blp.route("")
class Verify(MethodView):
    @requires("read")
    @blp.arguments(_verify_schema)  # an instance: webargs builds a new schema per request from a class
    @blp.response(200, VerdictSchema)
    @linked_data.alt_json_ld(blp, linked_data.ClaimReviewSchema, linked_data.CLAIM_REVIEW_EXAMPLE,
                             "the verdict as a schema.org ClaimReview")
    def post(self, data):
        """Verify one quote

        `verified`: on record as claimed. `mismatch`: on record, but
        something is wrong; each issue (`misattributed`, `altered_wording`,
        `wrong_date`, `wrong_location`) says what, with a sentence to paste.
        `unverified`: not found, or too short to tell. `match.quote` is the
        stored quote with its sources; `alternatives` are other close quotes.
        With `Accept: application/ld+json`, the verdict as a schema.org
        `ClaimReview` (JSON-LD) for a published fact-check.
        """
        if linked_data.wants_json_ld():
            # A replica may answer (read): a verify need not see a write of a moment ago.
            review = read(lambda session: linked_data.claim_review_of(session, data, _verify(session, data)))
            return linked_data.json_ld_response(review)
        answer = read(lambda session: _verify(session, data))
        response = jsonify(answer)
        response.headers["Vary"] = "Accept"
        return response


@blp.route("/batch")
class VerifyBatch(MethodView):
    @requires("read")
    @blp.arguments(BatchVerifySchema)
    @blp.response(200, BatchResultSchema)
    def post(self, data):
        """Verify up to 100 quotes

        One answer per claim, in order. An invalid claim gets an error entry
        (`{code, status, message, errors}`) in its place; the others are
        answered as usual.
        """
        results = []
        for i, raw in enumerate(data["claims"]):
            if not isinstance(raw, dict):
                results.append(error_payload(422, "Unprocessable Entity", f"Claim {i} is not an object.",
                                             {"_schema": ["Each claim must be a JSON object."]}))
                continue
            try:
                claim = _verify_schema.load(raw)
            except ValidationError as exc:
                results.append(error_payload(422, "Unprocessable Entity", f"Claim {i} is invalid.",
                                             exc.messages))
                continue
            try:
                results.append(read(lambda session: _verify(session, claim)))  # noqa: B023 - called at once
            except Exception:  # one claim must not fail the batch
                log.exception("verification failed for claim %d", i)
                results.append(error_payload(500, "Internal Server Error",
                                             f"Claim {i} could not be verified; the error is logged."))
        return jsonify({"results": results})
