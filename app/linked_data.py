"""schema.org JSON-LD for quotes and verdicts, so fact-checks can carry standard markup.

* :func:`quotation`: a stored quote as a ``Quotation`` (``creator`` a
  ``Person`` with its Wikidata ``sameAs`` when known, ``dateCreated``,
  ``locationCreated`` a ``Place`` with address and coordinates when the
  gazetteer resolved it, ``isBasedOn`` the sources, ``inLanguage``).
* :func:`claim_review`: a verify answer as a ``ClaimReview``:
  ``reviewRating`` on a 1-3 scale (1 mismatch, 2 unverified, 3 verified;
  ``alternateName`` the verdict), ``reviewBody`` the issues' sentences,
  ``isBasedOn`` the matched ``Quotation``.

Both are built from the JSON the API already answers (``QuoteSchema``'s
dump, the verify answer), so the two representations cannot drift apart.
Content negotiation: :func:`wants_json_ld` is true only when the client
names ``application/ld+json`` in ``Accept`` (at least as high as
``application/json``); JSON stays the default, ``*/*`` included.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Optional, Sequence

from flask import Response, current_app, request, url_for
from marshmallow import Schema, fields

LD_JSON = "application/ld+json"
CONTEXT = "https://schema.org"
AUTHOR = "Verbatim"
RATINGS = {"mismatch": 1, "unverified": 2, "verified": 3}


def _explicit_quality(mimetype: str) -> Optional[float]:
    for value, quality in request.accept_mimetypes:
        if value.split(";", 1)[0].strip().lower() == mimetype:
            return quality
    return None


def wants_json_ld() -> bool:
    """Did the client ask for JSON-LD (by name) rather than plain JSON?"""
    ld = _explicit_quality(LD_JSON)
    if not ld:
        return False
    plain = _explicit_quality("application/json")
    return plain is None or ld >= plain


def json_ld_response(obj: dict[str, Any], status: int = 200) -> Response:
    response = current_app.response_class(json.dumps(obj, ensure_ascii=False, indent=None) + "\n",
                                          status=status, mimetype=LD_JSON)
    response.headers["Vary"] = "Accept"
    return response


def _clean(obj: Any) -> Any:
    """Drop null and empty values, recursively (JSON-LD has no use for them)."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(obj, list):
        return [v for v in (_clean(x) for x in obj) if v not in (None, "", [], {})]
    return obj


def person(name: Optional[str], *, wikidata_id: Optional[str] = None,
           aliases: Sequence[str] = ()) -> Optional[dict[str, Any]]:
    if not name:
        return None
    return {
        "@type": "Person",
        "name": name,
        "alternateName": list(aliases),
        "sameAs": f"https://www.wikidata.org/wiki/{wikidata_id}" if wikidata_id else None,
    }


def place(location: Optional[str], resolved: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    if not location and not resolved:
        return None
    resolved = resolved or {}
    geo = None
    if resolved.get("lat") is not None and resolved.get("lon") is not None:
        geo = {"@type": "GeoCoordinates", "latitude": resolved["lat"], "longitude": resolved["lon"]}
    address = {
        "@type": "PostalAddress",
        "addressLocality": resolved.get("city"),
        "addressRegion": resolved.get("region"),
        "addressCountry": resolved.get("country_code"),
    }
    if not any(v for k, v in address.items() if k != "@type"):
        address = None
    return {"@type": "Place", "name": location or resolved.get("name"), "address": address, "geo": geo}


def creative_work(source: dict[str, Any]) -> dict[str, Any]:
    publisher = source.get("publisher")
    return {
        "@type": "CreativeWork",
        "url": source.get("url"),
        "name": source.get("title"),
        "publisher": {"@type": "Organization", "name": publisher} if publisher else None,
        "datePublished": source.get("published_at"),
    }


def quotation(quote: dict[str, Any], *, url: Optional[str] = None, wikidata_id: Optional[str] = None,
              aliases: Sequence[str] = (), context: bool = True) -> dict[str, Any]:
    """A stored quote (``QuoteSchema``'s dump) as a schema.org ``Quotation``."""
    obj: dict[str, Any] = {}
    if context:
        obj["@context"] = CONTEXT
    obj.update({
        "@type": "Quotation",
        "@id": url,
        "url": url,
        "identifier": str(quote["id"]) if quote.get("id") is not None else None,
        "text": quote.get("text"),
        "creator": person(quote.get("speaker"), wikidata_id=wikidata_id, aliases=aliases),
        "dateCreated": quote.get("spoken_at"),
        "locationCreated": place(quote.get("location"), quote.get("place")),
        "recordedAt": {"@type": "Event", "name": quote["event"]} if quote.get("event") else None,
        "isBasedOn": [creative_work(s) for s in quote.get("sources") or []],
        "inLanguage": quote.get("language"),
        "description": quote.get("context"),
        "creativeWorkStatus": quote.get("status"),
        "dateModified": quote.get("updated_at"),
    })
    return _clean(obj)


def review_body(answer: dict[str, Any]) -> str:
    issues = [i.get("message") for i in answer.get("issues") or [] if i.get("message")]
    if issues:
        return " ".join(issues)
    if answer.get("message"):
        return answer["message"]
    if answer.get("verdict") == "verified":
        return "On record as quoted."
    return "No quote on record matches these words."


def claim_review(claim: dict[str, Any], answer: dict[str, Any], *,
                 quotation_for: Callable[[dict[str, Any]], dict[str, Any]],
                 today: Optional[dt.date] = None) -> dict[str, Any]:
    """A verify answer as a schema.org ``ClaimReview`` of the claim that was checked.

    ``quotation_for`` turns the matched quote (the answer's ``match.quote``)
    into its ``Quotation``.
    """
    verdict = answer.get("verdict", "unverified")
    match = answer.get("match") or None
    reference = claim.get("reference_date")
    return _clean({
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim.get("text"),
        "itemReviewed": {
            "@type": "Claim",
            "author": person(claim.get("speaker")),
            "datePublished": reference.isoformat() if hasattr(reference, "isoformat") else reference,
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS.get(verdict, 2),
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": verdict,
        },
        "reviewBody": review_body(answer),
        "author": {"@type": "Organization", "name": AUTHOR},
        "datePublished": (today or dt.date.today()).isoformat(),
        "isBasedOn": quotation_for(match["quote"]) if match and match.get("quote") else None,
    })


# --- the HTTP side ------------------------------------------------------------------------


def quote_url(quote_id: Any) -> str:
    return url_for("quotes.QuoteById", quote_id=quote_id, _external=True)


def quotation_of(quote: dict[str, Any], speaker: Any = None, *, context: bool = True) -> dict[str, Any]:
    """``quotation`` with the quote's URL and, given the speaker row, its Wikidata id and aliases."""
    return quotation(quote, url=quote_url(quote["id"]) if quote.get("id") is not None else None,
                     wikidata_id=getattr(speaker, "wikidata_id", None),
                     aliases=getattr(speaker, "alias_names", ()), context=context)


def claim_review_of(session: Any, claim: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The ClaimReview of a verify answer, its matched quote's speaker looked up for ``sameAs``."""
    from . import repository

    def quotation_for(quote: dict[str, Any]) -> dict[str, Any]:
        speaker = repository.get_speaker(session, quote["speaker_id"]) if quote.get("speaker_id") else None
        return quotation_of(quote, speaker, context=False)

    return claim_review(claim, answer, quotation_for=quotation_for)


# --- OpenAPI: the alternative representations -------------------------------------------------


class QuotationSchema(Schema):
    """A stored quote as a schema.org Quotation (JSON-LD)."""

    context = fields.String(data_key="@context", metadata={"example": CONTEXT})
    type = fields.String(data_key="@type", metadata={"example": "Quotation"})
    id = fields.String(data_key="@id", metadata={"example": "https://verbatim.example/api/v1/quotes/5"})
    url = fields.String()
    identifier = fields.String()
    text = fields.String()
    creator = fields.Dict(metadata={"description": "A Person: name, alternateName, sameAs (Wikidata)."})
    dateCreated = fields.String(metadata={"description": "When it was said (spoken_at)."})
    locationCreated = fields.Dict(metadata={"description": "A Place: name, address, geo."})
    recordedAt = fields.Dict(metadata={"description": "The Event, when known."})
    isBasedOn = fields.List(fields.Dict(), metadata={
        "description": "The sources: CreativeWork with url, name, publisher (Organization), datePublished."})
    inLanguage = fields.String()
    description = fields.String()
    creativeWorkStatus = fields.String(metadata={"description": "approved, pending_review or retracted."})
    dateModified = fields.String()


class ClaimReviewSchema(Schema):
    """A verify answer as a schema.org ClaimReview (JSON-LD)."""

    context = fields.String(data_key="@context", metadata={"example": CONTEXT})
    type = fields.String(data_key="@type", metadata={"example": "ClaimReview"})
    claimReviewed = fields.String()
    itemReviewed = fields.Dict(metadata={"description": "A Claim: author (the claimed speaker), "
                                                        "datePublished (the reference_date, if given)."})
    reviewRating = fields.Dict(metadata={"description": "A Rating: ratingValue 1 (mismatch), 2 (unverified) "
                                                        "or 3 (verified), bestRating 3, worstRating 1, "
                                                        "alternateName the verdict."})
    reviewBody = fields.String(metadata={"description": "The issues' sentences, or why it is unverified."})
    author = fields.Dict(metadata={"description": "The Organization reviewing: Verbatim."})
    datePublished = fields.String()
    isBasedOn = fields.Nested(QuotationSchema, metadata={"description": "The matched quote, if any."})


QUOTATION_EXAMPLE = {
    "@context": CONTEXT, "@type": "Quotation", "@id": "https://verbatim.example/api/v1/quotes/5",
    "text": "Ultimately, if Zelenskyy is ready, let him come to Moscow",
    "creator": {"@type": "Person", "name": "Vladimir Putin", "sameAs": "https://www.wikidata.org/wiki/Q7747"},
    "dateCreated": "2025-09-03",
    "locationCreated": {"@type": "Place", "name": "Beijing, China",
                        "address": {"@type": "PostalAddress", "addressLocality": "Beijing",
                                    "addressCountry": "CN"}},
    "isBasedOn": [{"@type": "CreativeWork", "name": "Zelenskyy says Putin's invitation ...",
                   "publisher": {"@type": "Organization", "name": "Anadolu Agency"},
                   "datePublished": "2025-09-04"}],
    "inLanguage": "en",
}
CLAIM_REVIEW_EXAMPLE = {
    "@context": CONTEXT, "@type": "ClaimReview",
    "claimReviewed": "if Zelenskyy is ready, let him come to Moscow",
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Putin"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 3, "worstRating": 1,
                     "alternateName": "mismatch"},
    "reviewBody": "Vladimir Putin said this in Beijing on 3 September 2025, not in Paris.",
    "author": {"@type": "Organization", "name": AUTHOR},
    "datePublished": "2025-09-05",
    "isBasedOn": {"@type": "Quotation", "@id": "https://verbatim.example/api/v1/quotes/5", "text": "..."},
}


def alt_json_ld(blp: Any, schema: type, example: dict[str, Any], what: str) -> Any:
    """Document the ``application/ld+json`` variant of an operation's 200 answer."""
    return blp.alt_response(200, schema=schema, content_type=LD_JSON, example=example,
                            description=f"OK. JSON by default; with `Accept: {LD_JSON}`, {what}.")
