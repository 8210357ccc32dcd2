"""The web app's pages through the test client: headers, errors, the check without JavaScript.

Browser behaviour (focus, scripts, accessibility) is in tests/e2e; here,
what the server answers.
"""
from __future__ import annotations

import json
import re

import pytest

from .helpers import create

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/quotes", "/quotes?q=come+to+Moscow&speaker=Putin", "/quotes/1", "/speakers", "/speakers/1", "/add", "/jobs",
         "/ingest"]


@pytest.fixture
def pages(demo):
    return demo.test_client()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_security_headers_and_the_navigation(pages, path):
    r = pages.get(path, headers=HTML)
    assert r.status_code == 200 and r.mimetype == "text/html"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "form-action 'self'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    html = r.get_data(as_text=True)
    assert '<nav class="site-nav" aria-label="Site">' in html and 'href="/docs"' in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "no inline event handlers"
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html), "no inline script"


def test_a_browser_gets_an_html_404_with_a_way_home(pages):
    r = pages.get("/no-such-page", headers=HTML)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Content-Security-Policy" in r.headers
    html = r.get_data(as_text=True)
    assert "Page not found" in html and 'href="/"' in html


def test_api_clients_still_get_json_404s(pages):
    for path, headers in (("/no-such-page", {}), ("/no-such-page", {"Accept": "application/json"}),
                          ("/api/v1/nothing", HTML), ("/api/v1/quotes/999999", HTML)):
        r = pages.get(path, headers=headers)
        assert r.status_code == 404 and r.mimetype == "application/json", (path, headers)
        assert r.get_json()["code"] == 404


def test_redoc_is_not_served_and_a_browser_is_pointed_at_docs(pages):
    r = pages.get("/redoc", headers=HTML)
    assert r.status_code == 404 and 'href="/docs"' in r.get_data(as_text=True)


def test_the_check_form_posts_its_words_and_the_answer_is_the_page_not_a_redirect(pages):
    r = pages.post("/", data={"form": "verify", "text": "if Zelenskyy is ready, let him come to Moscow",
                              "speaker": "Putin", "location": "Paris"}, headers=HTML)
    assert r.status_code == 200 and "Location" not in r.headers
    html = r.get_data(as_text=True)
    card = html[html.index('id="verify-output"'):]
    assert 'data-verdict="mismatch"' in card and "Wrong place" in card
    assert "said this in Beijing on 3 September 2025, not in Paris." in card
    assert re.search(r'href="/quotes/\d+"', card), "the card links to the quote's page"
    # The form keeps what was sent, so it can be corrected and sent again.
    assert 'value="Paris"' in html and ">if Zelenskyy is ready, let him come to Moscow</textarea>" in html


def test_a_check_without_words_is_a_422_page_saying_what_is_missing(pages):
    r = pages.post("/", data={"form": "verify", "text": "  "}, headers=HTML)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'role="alert"' in html and 'id="q-text-error">' in html and 'aria-invalid="true"' in html


def test_the_check_page_escapes_what_it_is_sent(pages):
    r = pages.post("/", data={"form": "verify", "text": "<img src=x onerror=alert(1)> is what he said",
                              "speaker": "<b>x</b>"}, headers=HTML)
    html = r.get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>x</b>" not in html


def test_a_draft_posted_without_javascript_is_checked_with_its_quotes_marked(pages):
    text = ("Russian President Vladimir Putin said in Beijing on Wednesday: "
            "\"Ultimately, if Zelenskyy is ready, let him come to Moscow.\"")
    r = pages.post("/", data={"form": "draft", "text": text, "published_at": "2025-09-04"}, headers=HTML)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'data-tab="draft"' in html
    assert len(re.findall(r'<mark class="q q--verified"', html)) == 1
    assert 'id="draft-quote-0"' in html


def test_the_check_page_spends_the_rate_limit_budget(demo):
    client = demo.test_client()
    r = client.post("/", data={"form": "verify", "text": "let him come to Moscow"}, headers=HTML)
    assert "X-RateLimit-Remaining" in r.headers
    assert "X-RateLimit-Remaining" not in client.get("/", headers=HTML).headers


# --- the record ------------------------------------------------------------------------


def test_the_record_searches_like_the_api_and_links_each_quote(pages):
    html = pages.get("/quotes?q=come+to+Moscow&speaker=Putin", headers=HTML).get_data(as_text=True)
    api = pages.get("/api/v1/quotes?q=come+to+Moscow&speaker=Putin").get_json()
    assert api["total"] == 1
    ids = [int(i) for i in re.findall(r'<li class="qrow" data-quote-id="(\d+)"', html)]
    assert ids == [q["id"] for q in api["items"]]
    assert f'href="/quotes/{ids[0]}"' in html


def test_the_record_is_paginated_keeping_the_filters(app, pages, write_headers):
    client = app.test_client()
    for i in range(23):
        create(client, write_headers, text=f"Pagination line number {i} about harbour cranes", speaker="Ada Page",
               sources=None)
    first = pages.get("/quotes?speaker=Ada+Page", headers=HTML).get_data(as_text=True)
    assert first.count('class="qrow"') == 20 and "1–20 of 23 quotes" in first
    assert 'href="/quotes?speaker=Ada+Page&amp;page=2"' in first
    second = pages.get("/quotes?speaker=Ada+Page&page=2", headers=HTML).get_data(as_text=True)
    assert second.count('class="qrow"') == 3 and 'rel="prev"' in second


def test_a_bad_filter_is_a_422_page_naming_it(pages):
    r = pages.get("/quotes?from=yesterday-ish", headers=HTML)
    assert r.status_code == 422 and 'id="f-from-error"' in r.get_data(as_text=True)


def test_pending_and_retracted_quotes_are_not_on_the_public_pages(app, pages, write_headers):
    client = app.test_client()
    pending = create(client, write_headers, text="A pending line about the grain corridor", status="pending_review")
    r = pages.get(f"/quotes/{pending['id']}", headers=HTML)
    assert r.status_code == 404 and "grain corridor" not in r.get_data(as_text=True)
    assert f'data-api-url="/api/v1/quotes/{pending["id"]}"' in r.get_data(as_text=True)
    listed = pages.get("/quotes?status=pending_review", headers=HTML).get_data(as_text=True)
    assert "grain corridor" not in listed and 'id="private-list"' in listed
    assert "grain corridor" not in pages.get("/quotes", headers=HTML).get_data(as_text=True)


def test_a_quotes_page_embeds_its_quotation_json_ld_that_no_text_can_break_out_of(app, pages, write_headers):
    nasty = "He said </script><script>alert(1)</script> and <!-- left --> & more"
    quote = create(app.test_client(), write_headers, text=nasty, speaker="Ada Script")
    html = pages.get(f"/quotes/{quote['id']}", headers=HTML).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    ld = json.loads(blocks[0])
    assert ld["@type"] == "Quotation" and ld["text"] == nasty
    assert "<script>alert(1)" not in html and "<!-- left" not in html


def test_a_quotes_history_shows_each_change(app, pages, write_headers):
    client = app.test_client()
    quote = create(client, write_headers, text="The harbour reopens on Monday at dawn", speaker="Ada Harbour",
                   event=None)
    r = client.patch(f"/api/v1/quotes/{quote['id']}", json={"event": "Port briefing"}, headers=write_headers)
    assert r.status_code == 200
    html = pages.get(f"/quotes/{quote['id']}", headers=HTML).get_data(as_text=True)
    assert "Revision 2" in html and "<th scope=\"row\">Event</th><td>—</td><td>Port briefing</td>" in html


def test_a_speakers_page_has_names_roles_and_quotes(pages):
    speakers = pages.get("/api/v1/speakers?q=Putin").get_json()["items"]
    html = pages.get(f"/speakers/{speakers[0]['id']}", headers=HTML).get_data(as_text=True)
    assert "Vladimir Putin" in html and "Russian President Vladimir Putin" in html
    assert 'class="qrow"' in html and 'id="alias-form"' in html
    assert pages.get("/speakers/999999", headers=HTML).status_code == 404


@pytest.mark.parametrize("app_config", [{"REQUIRE_API_KEY_FOR_READ": True}])
def test_a_private_record_is_not_shown_to_page_loads(pages):
    for path in ("/quotes", "/quotes/1", "/speakers", "/speakers/1"):
        r = pages.get(path, headers=HTML)
        assert r.status_code == 401 and "This record is private" in r.get_data(as_text=True), path
        assert "Moscow" not in r.get_data(as_text=True)
    r = pages.post("/", data={"form": "verify", "text": "let him come to Moscow"}, headers=HTML)
    assert r.status_code == 401 and "data-verdict" not in r.get_data(as_text=True)


# --- the desk ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/add", "/ingest", "/jobs"])
def test_the_desk_pages_say_they_need_javascript_and_carry_no_key_field_that_posts(pages, path):
    html = pages.get(path, headers=HTML).get_data(as_text=True)
    assert "<noscript>" in html and "needs JavaScript" in html
    key_box = re.search(r'<input id="write-key"[^>]*>', html).group(0)
    assert "name=" not in key_box, "the key is never part of a form submission"
    assert 'method="post"' not in html.lower()


@pytest.mark.parametrize("app_config", [{"RATE_LIMIT_ANONYMOUS": "3 per minute"}])
def test_the_records_pages_spend_the_budget_and_a_browser_past_it_gets_a_page(pages):
    for _ in range(3):
        assert pages.get("/quotes?q=Moscow", headers=HTML).status_code == 200
    r = pages.get("/speakers", headers=HTML)
    assert r.status_code == 429 and r.mimetype == "text/html" and "Retry-After" in r.headers
    assert "Too many requests" in r.get_data(as_text=True)
    assert pages.get("/api/v1/quotes").get_json()["code"] == 429
    assert pages.get("/add", headers=HTML).status_code == 200  # pages that only show a form do not count


def test_errors_on_the_check_page_name_the_fields_as_the_form_does(pages):
    r = pages.post("/", data={"form": "verify", "text": "", "reference_date": "not a date"}, headers=HTML)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "<li>Quote: " in html and "<li>Story date: " in html
