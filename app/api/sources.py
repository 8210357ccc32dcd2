"""Sources: transcripts for the record, the sources quotes cite, and ingestion of a report's quotes."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Optional

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from .. import repository, sources, transcripts
from ..article_schemas import ARTICLE_TEXT_MAX, IngestResultSchema, IngestSchema, publication_date
from ..articles import extract_quotes, html_to_text, ingest
from ..auth import current_key, requires
from ..db import get_session, read
from ..errors import ApiBlueprint
from ..fetch import Fetcher, FetchError, address_policy, parse_networks
from ..source_schemas import (
    SourceDetailSchema,
    SourceListArgsSchema,
    SourcePageSchema,
    SourceQuotesArgsSchema,
    TranscriptResultSchema,
    TranscriptSchema,
)

log = logging.getLogger(__name__)

PREFIX = "/sources"
blp = ApiBlueprint("sources", __name__,
                   description="Sources: transcripts on record with their quotes in order, the sources quotes "
                               "cite, and a trusted report's quotes added without retyping them.")


def fetcher_from_config(config: Any) -> Fetcher:
    """The fetcher the settings describe (``FETCH_IS_ALLOWED``, a callable, overrides the policy)."""
    policy = config.get("FETCH_IS_ALLOWED")
    if policy is None:
        try:
            networks = parse_networks(config.get("FETCH_ALLOWED_NETWORKS"))
        except ValueError as exc:
            log.error("FETCH_ALLOWED_NETWORKS is invalid: %s", exc)
            abort(503, message=f"Fetching is misconfigured: FETCH_ALLOWED_NETWORKS is invalid ({exc}).")
        policy = address_policy(bool(config.get("ALLOW_PRIVATE_FETCH")), networks)
    return Fetcher(
        is_allowed=policy,
        connect_timeout=float(config["FETCH_CONNECT_TIMEOUT"]),
        read_timeout=float(config["FETCH_TIMEOUT"]),
        total_timeout=float(config["FETCH_TOTAL_TIMEOUT"]),
        max_bytes=int(config["FETCH_MAX_BYTES"]),
    )


def page_metadata(html: str, url: Optional[str]) -> dict[str, Optional[str]]:
    """Title, site name and publication date a page declares (trafilatura), where it does."""
    try:
        import trafilatura

        meta = trafilatura.extract_metadata(
            html, default_url=url, extensive=False,
            date_config={"original_date": True, "extensive_search": False,
                         "max_date": dt.date.today().isoformat()},
        )
    except Exception:  # metadata is a convenience; a page without it is fine
        log.debug("no metadata from %s", url, exc_info=True)
        return {}
    if meta is None:
        return {}
    date = getattr(meta, "date", None)
    try:
        publication_date(date)
    except ValueError:
        date = None
    return {"title": getattr(meta, "title", None), "publisher": getattr(meta, "sitename", None),
            "published_at": date}


def _limit(value: Optional[str], n: int) -> Optional[str]:
    value = " ".join(value.split()) if value else None
    return value[:n] if value else None


def source_text(data: dict[str, Any], source: dict[str, Any]) -> str:
    """The plain text of a source sent as ``text`` or ``html``, or fetched from
    ``url``; ``source`` (url, title, publisher, published_at) gets the final
    URL and what the page declares where not given."""
    text, html = data.get("text"), data.get("html")
    if text is None and html is None:
        fetcher = fetcher_from_config(current_app.config)
        get_session().commit()  # hold no transaction (nor SQLite's write lock) while fetching
        try:
            page = fetcher.fetch(data["url"])
        except FetchError as exc:
            abort(exc.status, message=exc.message, errors={"url": [exc.message]})
        source["url"] = page.url[:2000]
        if page.is_html:
            html = page.text()
        else:
            text = page.text()
    if html is not None:
        meta = page_metadata(html, source["url"])
        for k, n in (("title", 1000), ("publisher", 300), ("published_at", 40)):
            if not source[k] and meta.get(k):
                source[k] = _limit(meta[k], n)
        text = html_to_text(html)
    text = text.replace("\x00", "")
    if len(text) > ARTICLE_TEXT_MAX:
        message = f"The source's text is {len(text):,} characters; the limit is {ARTICLE_TEXT_MAX:,}."
        abort(422, message=message, errors={"text": [message]})
    return text


@blp.route("")
class Sources(MethodView):
    @requires("read")
    @blp.arguments(SourceListArgsSchema, location="query")
    @blp.response(200, SourcePageSchema)
    def get(self, args):
        """List sources

        Newest first; `q` finds words of the title or publisher, `kind=transcript`
        keeps transcripts. `url` finds the source with that address (exactly,
        or with or without a final slash), and each item then has its quotes
        in order.
        """
        def listing(session):
            url = (args.get("url") or "").strip() or None
            key = sources.source_key(url, None, None) if url else None
            page = repository.list_sources(session, key=key, q=args.get("q"), kind=args.get("kind"),
                                           page=args["page"], per_page=args["per_page"])
            if url and not page.items:
                other = url[:-1] if url.endswith("/") else url + "/"
                page = repository.list_sources(session, key=sources.source_key(other, None, None),
                                               page=args["page"], per_page=args["per_page"])
            counts = repository.quote_counts(session, [s.id for s in page.items])
            items = []
            for s in page.items:
                item = transcripts.source_summary(s, counts.get(s.id, 0))
                if url:
                    item["quotes"] = transcripts.detail(session, s)["quotes"]
                items.append(item)
            return page, items

        page, items = read(listing)  # a replica may answer
        return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page,
                "pages": page.pages}

    @requires("write")
    @blp.arguments(TranscriptSchema)
    @blp.response(201, TranscriptResultSchema)
    def post(self, data):
        """Put a transcript on record

        The text of a news conference, a debate, a parliament's record or a
        single speaker's remarks (`text`, `html`, or `url` to fetch it).
        Every sentence of every named speaker becomes a quote, in order, with
        `spoken_at`, `location` and `event`; the source keeps the document,
        so verification can match passages of it and show what was said
        around a quote. Speaker labels starting a paragraph (`PUTIN:`,
        `President Putin:`, `THE PRESIDENT:`) are resolved through `speakers`
        (`{"LABEL": "Full Name"}`), the `speaker` named, and the stored
        speakers and their aliases; a label nobody fits is not guessed (its
        sentences are skipped, and the answer says so). Text before any label
        is `speaker`'s. Questions of unnamed people (`Q:`) stay in the document
        but are nobody's quotes; stage directions (`(Applause.)`,
        `[inaudible]`) and headings are left out. `review: true` stores the
        quotes as `pending_review`. 201 with the source, how many quotes each
        speaker got, and what was skipped and why; 409 when the URL's
        transcript is on record already.
        """
        session = get_session()
        source = {k: data.get(k) for k in ("url", "publisher", "title", "published_at")}
        text = source_text(data, source)
        result = transcripts.add_transcript(session, text, {**data, **source}, api_key=current_key())
        session.commit()
        return transcripts.as_json(session, result), 201


@blp.route("/<id:source_id>")
class SourceById(MethodView):
    @requires("read")
    @blp.arguments(SourceQuotesArgsSchema, location="query")
    @blp.response(200, SourceDetailSchema)
    def get(self, args, source_id):
        """One source with its document and its quotes in order

        Quotes come by their place in the source's order; quotes that only
        cite the source come after. `page` and `per_page` page through the
        quotes of a long record (the document is always whole).
        """
        session = get_session()
        source = repository.get_source(session, source_id)
        if source is None:
            abort(404, message=f"Source {source_id} not found.")
        return transcripts.detail(session, source, page=args["page"], per_page=args["per_page"])


@blp.route("/ingest")
class Ingest(MethodView):
    @requires("write")
    @blp.arguments(IngestSchema)
    @blp.response(201, IngestResultSchema)
    @blp.alt_response(200, schema=IngestResultSchema,
                      description="Nothing new was stored: every quote was already on record, or skipped.")
    def post(self, data):
        """Store the quotes of a trusted source

        Send `url` alone to have the page fetched (HTML or plain text; public
        addresses only unless the server allows private ones; time-outs and
        a size limit apply), or the source itself as `text` or `html` (then
        `url` is only recorded). `publisher`, `title` and `published_at`
        describe the source (a fetched page's own title, site name and date
        fill in what is not given); `published_at` also anchors relative
        dates ("on Wednesday"). Every quote with a speaker and at least four
        words is stored with the source attached, as `pending_review`
        (matched by verification only once approved with POST
        /api/v1/quotes/{id}/approve) or, with `auto_approve: true`,
        approved. A quote already on record for the same speaker is not
        stored twice: it is listed under `existing`. 201 when something was
        stored, else 200. A page that cannot be fetched is a 422 (refused
        address, bad scheme, wrong type, too large, 4xx), 502 (the other
        server failed) or 504 (too slow).
        """
        session = get_session()
        key = current_key()
        source = {k: data.get(k) for k in ("url", "publisher", "title", "published_at")}
        text = source_text(data, source)
        quotes = extract_quotes(text, publication_date(source["published_at"]))
        result = ingest(session, quotes, source, language=data.get("language"),
                        auto_approve=data["auto_approve"], api_key=key)
        session.commit()
        session.expire_all()
        answer = {
            "source": source,
            "created": repository.quotes_by_ids(session, result.created),
            "existing": repository.quotes_by_ids(session, result.existing),
            "skipped": result.skipped,
        }
        return answer, 201 if result.created else 200
