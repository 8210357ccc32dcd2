"""Ingestion: a trusted report or transcript's quotes join the canonical store."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Optional

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from .. import repository
from ..article_schemas import ARTICLE_TEXT_MAX, IngestResultSchema, IngestSchema, publication_date
from ..articles import extract_quotes, html_to_text, ingest
from ..auth import current_key, requires
from ..db import get_session
from ..errors import ApiBlueprint
from ..fetch import Fetcher, FetchError, address_policy, parse_networks

log = logging.getLogger(__name__)

PREFIX = "/sources"
blp = ApiBlueprint("sources", __name__,
                   description="Add a trusted source's quotes to the canonical store without retyping them.")


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
        text, html = data.get("text"), data.get("html")
        if text is None and html is None:
            fetcher = fetcher_from_config(current_app.config)
            session.commit()  # hold no transaction (nor SQLite's write lock) while fetching
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
