"""Check: ``GET /`` and, without JavaScript, ``POST /``.

With JavaScript the page calls ``POST /api/v1/verify`` and
``POST /api/v1/articles/check`` and draws the card itself. Without it the
same forms POST here (``form=verify`` or ``form=draft``) and the server
renders the same card into the page: the quote's words travel in the body
of a POST, never in a URL (no redirect to a GET carrying them). The answer
is computed by the same services as the API's, and a page's POST spends the
same rate-limit budget (app/limits.py).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import ValidationError

from .. import services
from ..article_schemas import ARTICLE_TEXT_MAX, ArticleCheckSchema, publication_date
from ..articles import TooManyQuotes, check_article, html_to_text
from ..db import get_session
from ..schemas import QuoteSchema, VerifySchema
from . import bp, page, reads_open, verdicts

_quote_schema = QuoteSchema()
VERIFY_FIELDS = ("text", "speaker", "date", "location", "reference_date")
LABELS = {"text": "Quote", "speaker": "Speaker", "date": "Date said", "location": "Place",
          "reference_date": "Story date", "published_at": "Publication date", "_schema": "Request"}
DRAFT_FIELDS = ("text", "published_at")


def _form(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


def _messages(exc: ValidationError) -> dict[str, str]:
    out = {}
    for name, value in (exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}).items():
        out[name] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return out


def _verify(values: dict[str, str]) -> tuple[Any, dict[str, str]]:
    data = {k: v.strip() if k != "text" else v for k, v in values.items() if v.strip()}
    data.setdefault("text", "")
    try:
        claim = VerifySchema().load(data)
    except ValidationError as exc:
        return None, _messages(exc)
    answer = services.verify_claim(get_session(), claim, candidate_limit=current_app.config["CANDIDATE_LIMIT"],
                                   quote_serializer=_quote_schema.dump)
    return answer, {}


def _looks_like_html(text: str) -> bool:
    import re

    return bool(re.match(r"^\s*<", text) and re.search(
        r"</?(html|body|article|main|section|div|p|br|h[1-6]|span|blockquote|ul|ol|li|a)\b[^>]*>", text, re.I))


def _check_draft(values: dict[str, str]) -> tuple[Any, dict[str, str]]:
    raw = values["text"]
    data: dict[str, Any] = {"html" if _looks_like_html(raw) else "text": raw}
    if values["published_at"].strip():
        data["published_at"] = values["published_at"].strip()
    try:
        loaded = ArticleCheckSchema().load(data)
    except ValidationError as exc:
        errors = _messages(exc)
        if "html" in errors:
            errors["text"] = errors.pop("html")
        return None, errors
    text = html_to_text(loaded["html"]) if loaded.get("html") is not None else loaded["text"]
    if len(text) > ARTICLE_TEXT_MAX:
        return None, {"text": f"The article's text is {len(text):,} characters; the limit is {ARTICLE_TEXT_MAX:,}."}
    try:
        answer = check_article(get_session(), text, publication_date(loaded.get("published_at")),
                               candidate_limit=current_app.config["CANDIDATE_LIMIT"],
                               quote_serializer=_quote_schema.dump,
                               max_quotes=current_app.config["ARTICLE_MAX_QUOTES"])
    except TooManyQuotes as exc:
        return None, {"text": str(exc)}
    return answer, {}


@bp.route("/", methods=["GET", "POST"])
def index():
    root = request.script_root
    context: dict[str, Any] = {
        "verify_url": f"{root}/api/v1/verify", "articles_url": f"{root}/api/v1/articles/check",
        "tab": "verify", "claim": _form(VERIFY_FIELDS), "draft": _form(DRAFT_FIELDS),
        "errors": {}, "answer": None, "draft_answer": None, "v": verdicts, "labels": LABELS,
    }
    status = 200
    if request.method == "POST":
        kind = "draft" if request.form.get("form") == "draft" else "verify"
        context["tab"] = kind
        if not reads_open():
            context["errors"] = {"_schema": "This server needs an API key for reading: "
                                            "checks need JavaScript, with the key under “More options”."}
            status = 401
        elif kind == "verify":
            context["answer"], context["errors"] = _verify(context["claim"])
        else:
            context["draft_answer"], context["errors"] = _check_draft(context["draft"])
        if context["errors"] and status == 200:
            status = 422
    return page("check.html", status, **context)
