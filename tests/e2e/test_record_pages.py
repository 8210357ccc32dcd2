"""The record in a real browser: search, a quote's page with its history, a speaker's page."""
from __future__ import annotations

import json

from .conftest import post_json


def test_search_the_record_and_open_a_quotes_page(site):
    site.go("/quotes")
    site.fill("f-q", "come to Moscow")
    site.fill("f-speaker", "Putin")
    site.find("form.search button[type=submit]").click()
    site.wait_until(lambda: "q=come+to+Moscow" in site.driver.current_url)
    rows = site.find_all(".qrow")
    assert len(rows) == 1 and "let him come to Moscow" in rows[0].text and "Vladimir Putin" in rows[0].text
    site.screenshot("record-search")
    site.assert_accessible()
    rows[0].find_element("css selector", ".qrow__text a").click()
    site.wait_for("#quote")
    assert "let him come to Moscow" in site.find("#quote-text").text
    assert site.find("#quote-status").text == "Approved"
    facts = site.find(".facts").text
    assert "Beijing, China" in facts and "3 September 2025" in facts
    history = site.find_all("#history .history__item")
    assert history and "Revision 1" in history[0].text and "created" in history[0].text
    # The quote as schema.org Quotation, embedded as data (not run: the page's policy allows no inline script).
    raw = site.driver.execute_script(
        "return document.querySelector('script[type=\"application/ld+json\"]').textContent")
    ld = json.loads(raw)
    assert ld["@type"] == "Quotation" and "let him come to Moscow" in ld["text"]
    assert ld["creator"]["name"] == "Vladimir Putin"
    site.screenshot("record-quote-page")
    site.assert_accessible()
    assert site.console_errors() == []


def test_a_fragment_typed_wrong_still_finds_its_quote(site):
    site.go("/quotes?q=let+hm+come+to+Moskow")
    rows = site.find_all(".qrow")
    assert rows and "let him come to Moscow" in rows[0].text


def test_a_quotes_history_says_what_changed_when_and_by_which_key(site, live_url, write_key):
    auth = {"Authorization": f"Bearer {write_key}"}
    status, created = post_json(f"{live_url}/api/v1/quotes", {
        "text": "We will not trade territory for a photo opportunity in any capital.",
        "speaker": "Volodymyr Zelenskyy", "spoken_at": "2025-09-04", "location": "Paris",
        "sources": [{"url": "https://example.org/briefing", "publisher": "Example Wire", "title": "Briefing"}]},
        auth)
    assert status == 201, created
    status, _ = post_json(f"{live_url}/api/v1/quotes/{created['id']}", {"location": "Paris, France"}, auth,
                          method="PATCH")
    assert status == 200
    site.go(f"/quotes/{created['id']}")
    items = site.find_all("#history .history__item")
    assert len(items) == 2 and "changed" in items[1].text
    change = items[1].find_element("css selector", ".changes tbody tr").text
    assert "Place" in change and "Paris" in change and "Paris, France" in change
    source = site.find(".sources a")
    assert source.get_attribute("href") == "https://example.org/briefing" and source.text == "Briefing"
    assert site.find(f"[data-revision-key='2']").text == ""  # no key: which key is not shown
    site.use_key(write_key)
    site.wait_until(lambda: "e2e desk" in site.find("[data-revision-key='2']").text)
    site.screenshot("record-quote-history")
    site.assert_accessible()


def test_a_speakers_page_lists_names_and_quotes_and_takes_a_new_name(site, write_key):
    site.go("/speakers")
    site.fill("s-q", "Zelensky")
    site.find("form.search button[type=submit]").click()
    site.wait_until(lambda: "q=Zelensky" in site.driver.current_url)
    site.find(".speaker-list a").click()
    site.wait_for("#speaker")
    assert site.find("h1").text == "Volodymyr Zelenskyy"
    assert site.find_all(".qrow"), "their quotes are listed"
    site.use_key(write_key)
    site.fill("alias", "Zelenskyi")
    site.find("#alias-submit").click()
    site.wait_until(lambda: "Zelenskyi" in site.find("#aliases").text)
    assert "Added" in site.find("#alias-status").text
    site.screenshot("speaker-page")
    site.assert_accessible()
    # Verification finds quotes by the new name at once: the record's search by speaker does too.
    site.go("/quotes?speaker=Zelenskyi")
    assert site.find_all(".qrow")


def test_the_record_works_without_javascript(site):
    from .conftest import javascript_off

    with javascript_off(site.driver):
        site.driver.get(site.base_url + "/quotes")
        site.fill("f-q", "invite me to Moscow")
        site.find("form.search button[type=submit]").click()
        site.wait_until(lambda: "q=invite" in site.driver.current_url)
        site.find(".qrow__text a").click()
        site.wait_for("#quote")
        assert "Volodymyr Zelenskyy" in site.find(".quote-page__by").text
        assert site.find_all("#history .history__item")
        assert not site.find("#write-key-form").is_displayed()  # the desk needs JavaScript, and says so
        site.screenshot("record-nojs")
