"""Whole drafts: every quote in an article, found, located and verified."""
from __future__ import annotations

from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import abort

from ..article_schemas import ARTICLE_TEXT_MAX, ArticleCheckResultSchema, ArticleCheckSchema, publication_date
from ..articles import TooManyQuotes, check_article, html_to_text
from ..auth import requires
from ..db import read
from ..errors import ApiBlueprint
from ..schemas import QuoteSchema

PREFIX = "/articles"
blp = ApiBlueprint("articles", __name__,
                   description="Check a whole draft: every quote in it, highlighted and verified.")

_quote_schema = QuoteSchema()


@blp.route("/check")
class ArticleCheck(MethodView):
    @requires("read")
    @blp.arguments(ArticleCheckSchema)
    @blp.response(200, ArticleCheckResultSchema)
    def post(self, data):
        """Check every quote in an article

        Send the draft as `text` or `html`, with `published_at` (a date or
        an ISO timestamp; it anchors "on Wednesday"; default today). The
        answer's `text` is the plain text the offsets refer to (the text
        sent, or the text extracted from the html): for each quote,
        `text[start:end]` is the quoted words and `speaker.start`/`end` the
        name or pronoun the article attributes it to. `verification` is what
        POST /api/v1/verify answers for the quote with that speaker, date
        and place; `summary` counts the verdicts. Nothing is stored. An
        article with more than ARTICLE_MAX_QUOTES quotes (500) is a 422.
        """
        if data.get("html") is not None:
            text = html_to_text(data["html"])
        else:
            text = data["text"]
        if len(text) > ARTICLE_TEXT_MAX:
            message = f"The article's text is {len(text):,} characters; the limit is {ARTICLE_TEXT_MAX:,}."
            abort(422, message=message, errors={"html": [message]})
        try:
            answer = read(lambda session: check_article(  # a replica may answer
                session, text, publication_date(data.get("published_at")),
                candidate_limit=current_app.config["CANDIDATE_LIMIT"], quote_serializer=_quote_schema.dump,
                max_quotes=current_app.config["ARTICLE_MAX_QUOTES"],
            ))
        except TooManyQuotes as exc:
            abort(422, message=str(exc), errors={"text": [str(exc)]})
        return jsonify(answer)
