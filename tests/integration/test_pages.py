"""The web app's pages through the test client: headers, errors, the check without JavaScript.

Browser behaviour (focus, scripts, accessibility) is in tests/e2e; here,
what the server answers.
"""
from __future__ import annotations

import re

import pytest

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/"]


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
