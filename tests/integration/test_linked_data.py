"""schema.org JSON-LD: a quote as a Quotation, a verdict as a ClaimReview (Accept: application/ld+json)."""
import datetime as dt
import json

import pytest

from .helpers import PUTIN_MOSCOW, assert_error, create

LD = {"Accept": "application/ld+json"}
PUTIN_IN_PARIS = {"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Putin", "location": "Paris",
                  "reference_date": "2025-09-04"}


def json_ld(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/ld+json"
    assert "Accept" in response.headers.get("Vary", "")
    return json.loads(response.get_data(as_text=True))


def moscow_quote_id(client):
    items = client.get("/api/v1/quotes", query_string={"q": "let him come to Moscow"}).get_json()["items"]
    return next(q["id"] for q in items if q["text"] == PUTIN_MOSCOW)


def test_quote_as_a_quotation(demo, client):
    qid = moscow_quote_id(client)
    doc = json_ld(client.get(f"/api/v1/quotes/{qid}", headers=LD))
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Quotation"
    assert doc["@id"] == doc["url"] and doc["@id"].endswith(f"/api/v1/quotes/{qid}")
    assert doc["text"] == PUTIN_MOSCOW
    assert doc["creator"]["@type"] == "Person" and doc["creator"]["name"] == "Vladimir Putin"
    assert doc["creator"]["sameAs"] == "https://www.wikidata.org/wiki/Q7747"
    assert doc["dateCreated"] == "2025-09-03"
    place = doc["locationCreated"]
    assert place["@type"] == "Place" and place["name"] == "Beijing, China"
    assert place["address"]["addressCountry"] == "CN" and place["address"]["addressLocality"] == "Beijing"
    assert place["geo"]["@type"] == "GeoCoordinates" and round(place["geo"]["latitude"]) == 40
    (source,) = doc["isBasedOn"]
    assert source["@type"] == "CreativeWork" and source["datePublished"] == "2025-09-04"
    assert source["publisher"] == {"@type": "Organization", "name": "Anadolu Agency"}
    assert doc["inLanguage"] == "en"
    assert doc["creativeWorkStatus"] == "approved"
    assert all(v not in (None, "", [], {}) for v in doc.values())


def test_sparse_quote_has_no_empty_properties(client, write_headers):
    q = create(client, write_headers, text="Nothing but words here, said plainly.", speaker="Jane Roe",
               spoken_at=None, location=None, event=None, language=None, sources=None)
    doc = json_ld(client.get(f"/api/v1/quotes/{q['id']}", headers=LD))
    assert set(doc) == {"@context", "@type", "@id", "url", "identifier", "text", "creator",
                        "creativeWorkStatus", "dateModified"}
    assert doc["creator"] == {"@type": "Person", "name": "Jane Roe"}


def test_json_stays_the_default(demo, client):
    qid = moscow_quote_id(client)
    for accept in (None, "*/*", "application/json", "application/json, application/ld+json;q=0.5", "text/html"):
        r = client.get(f"/api/v1/quotes/{qid}", headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.mimetype == "application/json", accept
        assert r.get_json()["id"] == qid
    r = client.get(f"/api/v1/quotes/{qid}", headers={"Accept": "application/ld+json, application/json;q=0.9"})
    assert r.mimetype == "application/ld+json"
    r = client.post("/api/v1/verify", json=PUTIN_IN_PARIS)
    assert r.mimetype == "application/json" and r.get_json()["verdict"] == "mismatch"


def test_errors_stay_json(client):
    assert_error(client.get("/api/v1/quotes/999", headers=LD), 404)
    assert_error(client.post("/api/v1/verify", json={}, headers=LD), 422)


def test_mismatch_as_a_claim_review(demo, client):
    doc = json_ld(client.post("/api/v1/verify", json=PUTIN_IN_PARIS, headers=LD))
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"] == PUTIN_IN_PARIS["text"]
    assert doc["itemReviewed"] == {"@type": "Claim", "author": {"@type": "Person", "name": "Putin"},
                                   "datePublished": "2025-09-04"}
    assert doc["reviewRating"] == {"@type": "Rating", "ratingValue": 1, "bestRating": 3, "worstRating": 1,
                                   "alternateName": "mismatch"}
    assert "Beijing" in doc["reviewBody"] and "Paris" in doc["reviewBody"]
    assert doc["author"] == {"@type": "Organization", "name": "Verbatim"}
    assert dt.date.fromisoformat(doc["datePublished"]) >= dt.date(2025, 1, 1)
    based = doc["isBasedOn"]
    assert based["@type"] == "Quotation" and "@context" not in based
    assert based["text"] == PUTIN_MOSCOW and based["creator"]["name"] == "Vladimir Putin"
    assert based["creator"]["sameAs"].endswith("/Q7747")
    assert based["@id"].endswith(f"/api/v1/quotes/{moscow_quote_id(client)}")
    # Same verdict as the JSON answer.
    assert client.post("/api/v1/verify", json=PUTIN_IN_PARIS).get_json()["issues"][0]["message"] == doc["reviewBody"]


@pytest.mark.parametrize("claim,rating,name", [
    ({"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Vladimir Putin",
      "location": "Beijing", "date": "2025-09-03"}, 3, "verified"),
    ({"text": "The quick brown fox jumps over the lazy dog"}, 2, "unverified"),
])
def test_verified_and_unverified_ratings(demo, client, claim, rating, name):
    doc = json_ld(client.post("/api/v1/verify", json=claim, headers=LD))
    assert doc["reviewRating"]["ratingValue"] == rating and doc["reviewRating"]["alternateName"] == name
    assert doc["reviewBody"]
    if name == "unverified":
        assert "isBasedOn" not in doc and doc["itemReviewed"] == {"@type": "Claim"}
    else:
        assert doc["isBasedOn"]["@type"] == "Quotation"


def test_documented_in_openapi(client):
    spec = client.get("/openapi.json").get_json()
    quote_200 = spec["paths"]["/api/v1/quotes/{quote_id}"]["get"]["responses"]["200"]["content"]
    assert set(quote_200) == {"application/json", "application/ld+json"}
    assert quote_200["application/ld+json"]["schema"]["$ref"].endswith("/Quotation")
    verify_200 = spec["paths"]["/api/v1/verify"]["post"]["responses"]["200"]["content"]
    assert set(verify_200) == {"application/json", "application/ld+json"}
    assert verify_200["application/ld+json"]["schema"]["$ref"].endswith("/ClaimReview")
    assert {"Quotation", "ClaimReview"} <= set(spec["components"]["schemas"])
