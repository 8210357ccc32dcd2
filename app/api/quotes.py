"""Canonical quotes: store, list, change, retract, and their revisions (imports: imports.py)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from .. import articles, linked_data, repository, services
from ..auth import current_key, has_scope, requires
from ..blueprints import MAX_ID
from ..db import get_session, read
from ..errors import ApiBlueprint
from ..schemas import (
    QuoteCreateSchema,
    QuoteListArgsSchema,
    QuotePageSchema,
    QuoteSchema,
    QuoteUpdateSchema,
    RetractSchema,
    RevisionSchema,
)
from ..models import APPROVED
from ..when import parse_spoken_at

PREFIX = "/quotes"
blp = ApiBlueprint("quotes", __name__, description="Canonical quotes: what was said, by whom, when and where.")


def get_or_404(quote_id: int):
    """The quote, if this request may see it: an anonymous reader sees
    approved quotes only (pending and retracted ones are 404 to them)."""
    quote = repository.get_quote(get_session(), quote_id)
    if quote is None or (quote.status != APPROVED and current_key() is None):
        abort(404, message=f"Quote {quote_id} not found.")
    return quote


def list_page(args: dict):
    """A page of quotes for the list's filters (GET /quotes, POST /quotes/search)."""
    status = args.get("status")
    if current_key() is None:
        if status not in (None, APPROVED):
            abort(401, message="Listing pending_review or retracted quotes needs an API key.",
                  headers={"WWW-Authenticate": 'Bearer realm="verbatim"'})
        status = APPROVED
    def page_of(session):
        speaker_ids = None
        if args.get("speaker"):
            name = args["speaker"].strip()
            if name.isdigit():
                speaker_ids = [int(name)] if 0 < int(name) <= MAX_ID else []
            else:
                speaker_ids = [s.id for s in services.candidate_speakers(session, name)]
        return repository.list_quotes(
            session,
            speaker_ids=speaker_ids,
            q=args.get("q"),
            date_from=parse_spoken_at(args["from_"]).start if args.get("from_") else None,
            date_to=parse_spoken_at(args["to"]).end if args.get("to") else None,
            location=args.get("location"),
            status=status,
            page=args["page"],
            per_page=args["per_page"],
        )

    page = read(page_of)  # a replica may answer: a search need not see a write of a moment ago
    return {"items": page.items, "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages}


@blp.route("")
class Quotes(MethodView):
    @requires("read")
    @blp.arguments(QuoteListArgsSchema, location="query")
    @blp.response(200, QuotePageSchema)
    def get(self, args):
        """List stored quotes

        Filters combine: `speaker` (a name or alias, or an id), `q` (words
        the quote contains), `from`/`to` (dates at any precision; a quote
        matches when its date overlaps), `location`. Newest first; `page`
        and `per_page` (at most 100) paginate. Retracted quotes are left out
        unless `status=retracted` or `status=all`. Without an API key, only
        approved quotes are listed (`status` other than `approved` is a
        401). A search too long for a URL goes to POST /quotes/search.
        """
        return list_page(args)

    @requires("write")
    @blp.arguments(QuoteCreateSchema)
    @blp.response(201, QuoteSchema)
    def post(self, data):
        """Store a canonical quote

        `text` and `speaker` are required. The speaker is found through
        stored names and aliases (or created); `location` is resolved
        through the gazetteer; the creation is revision 1.
        """
        session = get_session()
        quote = services.create_quote(session, data, current_key())
        session.commit()
        return repository.get_quote(session, quote.id)


@blp.route("/search")
class QuoteSearch(MethodView):
    @requires("read")
    @blp.arguments(QuoteListArgsSchema, required=False)
    @blp.response(200, QuotePageSchema)
    def post(self, args):
        """List stored quotes, the filters in a JSON body

        The same filters and answer as GET /quotes, for searches too long
        for a URL (a `q` of many words).
        """
        return list_page(args)


@blp.route("/<id:quote_id>")
class QuoteById(MethodView):
    @requires("read")
    @blp.response(200, QuoteSchema)
    @linked_data.alt_json_ld(blp, linked_data.QuotationSchema, linked_data.QUOTATION_EXAMPLE,
                             "the quote as a schema.org Quotation")
    def get(self, quote_id):
        """One stored quote (retracted ones too, with the reason, to a key holder)

        Without an API key, only approved quotes are found (pending and
        retracted ones are 404).

        With `Accept: application/ld+json`, the quote as a schema.org
        `Quotation` (JSON-LD) to embed in a published fact-check.
        """
        quote = get_or_404(quote_id)
        if linked_data.wants_json_ld():
            return linked_data.json_ld_response(linked_data.quotation_of(QuoteSchema().dump(quote), quote.speaker))
        return quote, 200, {"Vary": "Accept"}

    @requires("write")
    @blp.arguments(QuoteUpdateSchema, required=False)
    @blp.response(200, QuoteSchema)
    def patch(self, data, quote_id):
        """Change a quote

        Only the fields sent change; `sources` replaces the list. Every change
        is kept as a revision. `status: approved` restores a retracted quote.
        """
        session = get_session()
        quote = get_or_404(quote_id)
        services.update_quote(session, quote, data, current_key())
        session.commit()
        session.expire_all()
        return repository.get_quote(session, quote_id)

    @requires("write")
    @blp.arguments(RetractSchema, location="json", required=False)
    @blp.arguments(RetractSchema, location="query")
    @blp.response(200, QuoteSchema)
    def delete(self, body, query, quote_id):
        """Retract a quote

        Nothing is deleted: the quote is marked retracted with the `reason`
        (JSON body or query string), kept with its revisions, and no longer
        matched by verification.
        """
        reason = (body or {}).get("reason") or (query or {}).get("reason")
        if not reason:
            abort(422, message="Say why the quote is retracted: reason is required.",
                  errors={"reason": ["Missing data for required field."]})
        session = get_session()
        quote = get_or_404(quote_id)
        services.retract_quote(session, quote, reason, current_key())
        session.commit()
        return repository.get_quote(session, quote_id)


@blp.route("/<id:quote_id>/revisions")
class QuoteRevisions(MethodView):
    @requires("read")
    @blp.response(200, RevisionSchema(many=True))
    def get(self, quote_id):
        """Every change to a quote, oldest first (what, when, which key)

        `api_key` (which key made the change) is shown to `write` keys only;
        to everyone else it is null.
        """
        get_or_404(quote_id)
        revisions = repository.revisions(get_session(), quote_id)
        key = current_key()
        if key is not None and has_scope(key, "write"):
            return revisions
        return [{"revision": r.revision, "action": r.action, "changes": r.changes, "created_at": r.created_at,
                 "api_key": None} for r in revisions]


@blp.route("/<id:quote_id>/approve")
class QuoteApprove(MethodView):
    @requires("write")
    @blp.response(200, QuoteSchema)
    def post(self, quote_id):
        """Approve a pending quote

        A `pending_review` quote (stored by ingestion) becomes `approved` and
        from then on counts for verification; the approval is a revision.
        Approving an approved quote changes nothing (200). A retracted quote
        is not approved (409); restore it with PATCH `{"status": "approved"}`.
        """
        session = get_session()
        quote = get_or_404(quote_id)
        articles.approve_quote(session, quote, current_key())
        session.commit()
        session.expire_all()
        return repository.get_quote(session, quote_id)
