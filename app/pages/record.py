"""The record: ``/quotes`` (searchable, paginated) and ``/quotes/<id>`` (a quote's permalink).

``/quotes`` takes the API's filters as query parameters (``q``, ``speaker``,
``from``, ``to``, ``location``, ``status``, ``page``) and lists through the
same code as ``GET /api/v1/quotes``: ``q`` finds quotes holding all its
words in the database's own search index, the one verification retrieves
from, so a fragment finds its quote. When nothing holds them all (a
retyped or altered fragment) the page shows the closest quotes verification
would consider (its candidate retrieval).

A page load carries no key, so these pages show what an anonymous reader
of the API sees: approved quotes. Pending and retracted quotes (``status``
other than approved, or a quote's page that is not public) are fetched by
the page's script with the key the reader entered (static/record.js).
"""
from __future__ import annotations

import json
from typing import Any

from flask import request, url_for
from markupsafe import Markup
from marshmallow import ValidationError

from .. import linked_data, repository, retrieval
from ..db import get_session
from ..models import APPROVED
from ..schemas import QuoteListArgsSchema, QuoteSchema
from . import bp, closed_page, not_found, page, reads_open, verdicts

FILTERS = ("q", "speaker", "from", "to", "location", "status")
STATUS_LABELS = {"approved": "Approved", "pending_review": "Pending review", "retracted": "Retracted"}
FIELD_LABELS = {"text": "Words", "speaker": "Speaker", "spoken_at": "Date", "location": "Place", "event": "Event",
                "language": "Language", "context": "Context", "sources": "Sources", "status": "Status",
                "retraction_reason": "Reason for retraction"}
_quote_schema = QuoteSchema()


def _page_url(args: dict[str, str], number: int) -> str:
    return url_for("pages.quotes", **{k: v for k, v in args.items() if v}, page=number)


@bp.get("/quotes")
def quotes():
    if not reads_open():
        return closed_page()
    from ..api.quotes import list_page

    given = {k: request.args.get(k, "").strip() for k in FILTERS}
    context: dict[str, Any] = {"filters": given, "errors": {}, "result": None, "close": [], "v": verdicts,
                               "STATUS_LABELS": STATUS_LABELS, "private": given["status"] not in ("", APPROVED)}
    try:
        args = QuoteListArgsSchema().load({k: v for k, v in {**given, "page": request.args.get("page", "1")}.items()
                                           if v})
    except ValidationError as exc:
        context["errors"] = {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in exc.messages.items()}
        return page("quotes.html", 422, **context)
    if context["private"]:
        # Pending and retracted quotes are for key holders: static/record.js asks the API with the key.
        return page("quotes.html", **context)
    args["per_page"] = 20
    result = list_page({**args, "status": APPROVED})
    context["result"] = result
    context["prev_url"] = _page_url(given, result["page"] - 1) if result["page"] > 1 else None
    context["next_url"] = _page_url(given, result["page"] + 1) if result["page"] < result["pages"] else None
    if given["q"] and not result["total"] and not any(given[k] for k in FILTERS if k != "q"):
        session = get_session()
        context["close"] = repository.quotes_by_ids(session, retrieval.candidate_ids(session, given["q"], 5))
    return page("quotes.html", **context)


def _shown(value: Any) -> str:
    """A revision's before or after value as one line of text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(", ".join(str(item[k]) for k in ("publisher", "title", "url", "published_at")
                                       if item.get(k)))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def history(revisions: list[Any]) -> list[dict[str, Any]]:
    """Each revision: its number, action, time and the fields it changed (before → after)."""
    out = []
    for r in revisions:
        changes = r.changes or {}
        rows = [{"field": FIELD_LABELS.get(name, name), "before": _shown((c or {}).get("before")),
                 "after": _shown((c or {}).get("after"))}
                for name, c in changes.items() if isinstance(c, dict)]
        out.append({"revision": r.revision, "action": r.action, "at": r.created_at, "changes": rows})
    return out


def json_ld(quote: Any) -> Markup:
    """The quote as schema.org Quotation, safe inside <script type="application/ld+json">.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no text of the
    quote can close the script element (``</script>``) or open a comment.
    """
    data = linked_data.quotation_of(_quote_schema.dump(quote), quote.speaker)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@bp.get("/quotes/<id:quote_id>")
def quote(quote_id: int):
    if not reads_open():
        return closed_page()
    session = get_session()
    row = repository.get_quote(session, quote_id)
    if row is None or row.status != APPROVED:
        error = not_found(f"Quote {quote_id} is not on the public record: there is no such quote, or it is "
                          "pending review or retracted (those are shown to key holders).")
        error.page_context = {"quote_id": quote_id}  # type: ignore[attr-defined]
        raise error
    data = _quote_schema.dump(row)
    return page("quote.html", quote=data, speaker=row.speaker, history=history(repository.revisions(session, quote_id)),
                json_ld=json_ld(row), v=verdicts, STATUS_LABELS=STATUS_LABELS,
                api_url=url_for("quotes.QuoteById", quote_id=quote_id))
