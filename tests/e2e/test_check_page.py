"""The check page in a real browser: with JavaScript and without it, the same card.

Without JavaScript the form posts to ``/`` and the server renders the card:
the quote's words travel in the POST body, never in the address bar.
"""
from __future__ import annotations

import os
from urllib.parse import unquote_plus

from .conftest import javascript_off, post_json, set_value_attribute

PUTIN = "if Zelenskyy is ready, let him come to Moscow"


def _fill_putin_in_paris(page):
    page.fill("q-text", PUTIN)
    page.fill("q-speaker", "Vladimir Putin")
    page.fill("q-location", "Paris")


def _assert_wrong_place(card):
    assert card.find_element("css selector", ".badge").get_attribute("data-verdict") == "mismatch"
    rows = card.find_elements("css selector", ".issue")
    assert [r.find_element("css selector", ".issue__type").text.lower() for r in rows] == ["wrong place"]
    assert "Beijing" in rows[0].find_element("css selector", ".issue__message").text
    place = card.find_element("css selector", ".facts__row:nth-child(3) .check")
    assert "Paris" in place.text and "check--mismatch" in place.get_attribute("class")
    # The card links to the quote's page on the record.
    link = card.find_element("css selector", ".record__link a")
    assert "/quotes/" in link.get_attribute("href")


def test_with_javascript_the_card_appears_in_place_and_takes_the_focus(page):
    _fill_putin_in_paris(page)
    page.find("#verify-submit").click()
    card = page.wait_for("#verify-output .verdict")
    _assert_wrong_place(card)
    focused = page.driver.switch_to.active_element
    assert focused.get_attribute("class") == "verdict__headline"
    assert focused.text == "On record, but the place is wrong."
    assert page.driver.current_url.rstrip("/").endswith(page.base_url.split("//")[1]) or "#" in page.driver.current_url
    page.screenshot("check-js-putin-paris")
    page.assert_accessible()
    assert page.console_errors() == []


def test_without_javascript_the_form_posts_and_the_server_renders_the_same_card(site):
    with javascript_off(site.driver):
        site.driver.get(site.base_url + "/")
        assert site.find("#panel-draft").is_displayed(), "both forms are shown without JavaScript"
        assert not site.find(".tabs").is_displayed()
        _fill_putin_in_paris(site)
        site.find("#verify-submit").click()
        card = site.wait_for("#verify-output .verdict")
        _assert_wrong_place(card)
        url = unquote_plus(site.driver.current_url)
        assert "Zelenskyy" not in url and "Moscow" not in url and "Paris" not in url, url
        assert url == site.base_url + "/"
        # The form keeps what was typed, and the answer took the focus.
        assert site.find("#q-text").get_attribute("value") == PUTIN
        assert site.driver.switch_to.active_element.get_attribute("class") == "verdict__headline"
        site.screenshot("check-nojs-putin-paris")
    site.assert_accessible()


def test_without_javascript_a_draft_is_checked_with_its_quotes_marked(site):
    draft = ("Speaking in Beijing on Wednesday, Russian President Vladimir Putin said: "
             "\"Ultimately, if Zelenskyy is ready, let him come to Moscow.\"\n"
             "\"Russia has started talking about a meeting, which is already bad,\" Zelenskyy said in Paris.")
    with javascript_off(site.driver):
        site.driver.get(site.base_url + "/")
        site.fill("d-text", draft)
        set_value_attribute(site.driver, "#d-published", "2025-09-04")
        site.find("#draft-submit").click()
        site.wait_for("#draft-output .draft")
        marks = site.find_all("#draft-output mark.q")
        assert len(marks) == 2
        assert {m.get_attribute("data-verdict") for m in marks} <= {"verified", "mismatch", "unverified"}
        assert "Moscow" not in unquote_plus(site.driver.current_url)
        assert len(site.find_all("#draft-output .qitem")) == 2
        site.screenshot("check-nojs-draft")


def test_after_a_draft_check_the_findings_take_the_focus_on_a_phone(page):
    page.driver.set_window_size(390, 844)
    try:
        page.open("#draft")
        page.find("#draft-sample").click()
        page.find("#draft-submit").click()
        page.wait_for("#draft-output .qitem")
        focused = page.driver.switch_to.active_element
        assert focused.get_attribute("class") == "draft__headline"
        top = page.driver.execute_script(
            "return document.querySelector('#draft-output .draft__headline').getBoundingClientRect().top")
        assert 0 <= top < 844, top  # scrolled into view, below the long form
        page.screenshot("check-draft-phone")
    finally:
        page.driver.set_window_size(1360, 1000)


SEED = os.path.join(os.path.dirname(__file__), "..", "fixtures", "seed_article.txt")


def _seed_text() -> str:
    with open(SEED, encoding="utf-8") as f:
        return f.read()


def _assert_seed_marks(root, answer):
    marks = root.find_elements("css selector", "mark.q")
    assert [m.text for m in marks] == [answer["text"][q["start"]:q["end"]] for q in answer["quotes"]]
    assert [m.get_attribute("data-verdict") for m in marks] == [q["verification"]["verdict"] for q in answer["quotes"]]
    # The article is the record's own source: its quotes are verified against it.
    assert sum(m.get_attribute("data-verdict") == "verified" for m in marks) >= 3


def test_the_seed_article_as_a_draft_has_its_quotes_highlighted_with_and_without_javascript(page, site):
    text = _seed_text()
    status, answer = post_json(page.base_url + "/api/v1/articles/check", {"text": text, "published_at": "2025-09-04"})
    assert status == 200 and len(answer["quotes"]) >= 4, answer
    page.open("#draft")
    page.driver.execute_script("document.getElementById('d-text').value = arguments[0];"
                               "document.getElementById('d-published').value = '2025-09-04';", text)
    page.find("#draft-submit").click()
    page.wait_for("#draft-output .qitem")
    _assert_seed_marks(page.find("#draft-output"), answer)
    page.screenshot("check-seed-draft-js")
    page.assert_accessible()
    with javascript_off(site.driver):
        site.driver.get(site.base_url + "/")
        site.find("#d-text").send_keys(text)
        set_value_attribute(site.driver, "#d-published", "2025-09-04")
        site.find("#draft-submit").click()
        site.wait_for("#draft-output .qitem")
        _assert_seed_marks(site.find("#draft-output"), answer)
        assert site.find("#d-published").get_attribute("value") == "2025-09-04"  # sent, and kept in the form
        site.screenshot("check-seed-draft-nojs")


CARD_PARTS = (".verdict__headline", ".issue__type", ".issue__message", ".diff-meta", ".diff", ".diff-legend",
              ".record__quote", ".record mark.quoted", ".facts", ".sources", ".alt-list", ".verdict__note",
              ".record__link a")


def _card_parts(driver) -> dict:
    """What a verdict card says, part by part: the text and the markup's classes, for comparing two cards."""
    return driver.execute_script("""
        var card = document.querySelector('#verify-output .verdict'), out = {};
        arguments[0].forEach(function (sel) {
          out[sel] = Array.prototype.map.call(card.querySelectorAll(sel), function (n) {
            var kinds = Array.prototype.map.call(n.querySelectorAll('[class]'), function (c) { return c.tagName + '.' + c.className; });
            return [n.innerText.replace(/\\s+/g, ' ').trim(), kinds.join(' '), n.getAttribute('href')];
          });
        });
        return out;
    """, list(CARD_PARTS))


def test_the_server_renders_the_same_card_as_the_script(page, site):
    """Each example of the page, checked with JavaScript and without: the cards say the same, part by part."""
    examples = page.driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('[data-example]'), function (b) {"
        " return b.getAttribute('data-example'); })")
    assert len(examples) == 4
    for name in examples:
        page.open()
        page.find(f"[data-example={name}]").click()
        page.wait_for("#verify-output .verdict")
        claim = {f: page.find(f"#q-{f}").get_attribute("value") for f in ("text", "speaker", "date", "location")}
        scripted = _card_parts(page.driver)
        with javascript_off(site.driver):
            site.driver.get(site.base_url + "/")
            for field, value in claim.items():
                site.fill(f"q-{field}", value)
            site.find("#verify-submit").click()
            site.wait_for("#verify-output .verdict")
            served = _card_parts(site.driver)
        for part in CARD_PARTS:
            assert served[part] == scripted[part], (name, part)
