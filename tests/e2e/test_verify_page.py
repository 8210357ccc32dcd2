"""The "Verify a quote" tab in a real browser, against the demo record."""
from __future__ import annotations

import pytest

from .conftest import post_json


def verdict_card(page):
    card = page.wait_for("#verify-output .verdict")
    return card, card.find_element("css selector", ".badge").get_attribute("data-verdict")


def test_page_is_served_with_its_assets_and_a_link_to_the_docs(page, live_url):
    assert "Verbatim" in page.driver.title
    docs = page.find(".site-nav a.site-nav__docs")
    assert docs.get_attribute("href") == f"{live_url}/docs"
    assert page.find("#tab-verify").get_attribute("aria-selected") == "true"
    assert page.find("#panel-draft").is_displayed() is False
    # Every label points at a field; the quote box is labelled "Quote".
    assert page.find("label[for=q-text]").text.startswith("Quote")
    # The stylesheet applied (the primary button is not the browser's default grey).
    colour = page.find("#verify-submit").value_of_css_property("background-color")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)")
    # No console errors: the script ran under the page's Content-Security-Policy.
    assert page.console_errors() == []


def test_putin_in_paris_example_is_a_mismatch_naming_beijing(page):
    page.find("[data-example=putin-paris]").click()
    card, verdict = verdict_card(page)
    assert verdict == "mismatch"
    assert "mismatch" in card.find_element("css selector", ".badge").text.lower()
    assert page.find("#q-location").get_attribute("value") == "Paris"
    messages = [m.text for m in card.find_elements("css selector", ".issue__message")]
    assert any("Beijing" in m and "." in m for m in messages), messages
    assert card.find_element("css selector", ".issue__type").text.lower() == "wrong place"
    # The record: the full canonical quote, who, when, where, the source.
    record = card.find_element("css selector", ".record").text
    assert "Ultimately, if Zelenskyy is ready, let him come to Moscow" in record
    assert "Vladimir Putin" in record and "Beijing, China" in record and "3 September 2025" in record
    assert "Anadolu Agency" in record
    place_check = card.find_element("css selector", ".facts__row:nth-child(3) .check")
    assert "Paris" in place_check.text and "check--mismatch" in place_check.get_attribute("class")
    # The quoted words are a fragment: the rest of the quote collapses to "…",
    # the agency's bracketed words are dimmed wherever they are shown.
    diff = card.find_element("css selector", ".diff")
    assert diff.text.startswith("…") and diff.text.endswith("…")
    assert "if Zelenskyy is ready let him come to Moscow" in diff.text
    assert card.find_elements("css selector", ".diff ins, .diff del") == []
    # Screen readers hear the verdict (a role=status line), not the whole card.
    assert page.find("#verify-status").get_attribute("textContent") == "Mismatch. On record, but the place is wrong."
    page.screenshot("verify-putin-paris")
    assert page.console_errors() == []


def test_zelenskyys_line_given_to_putin_is_misattributed(page):
    page.find("[data-example=zelenskyy-as-putin]").click()
    card, verdict = verdict_card(page)
    assert verdict == "mismatch"
    assert card.find_element("css selector", ".issue__type").text.lower() == "wrong speaker"
    assert "Volodymyr Zelenskyy said this" in card.find_element("css selector", ".issue__message").text
    assert "Volodymyr Zelenskyy" in card.find_element("css selector", ".facts__row:first-child").text


def test_a_dropped_word_is_marked_in_the_diff(page):
    page.find("[data-example=not-bad]").click()
    card, verdict = verdict_card(page)
    assert verdict == "mismatch"
    missing = [e.text for e in card.find_elements("css selector", ".diff ins.w--canonical")]
    assert "not" in " ".join(missing)
    assert "negation" in card.find_element("css selector", ".diff-meta").text


def test_a_quote_typed_by_hand_is_verified(page):
    page.fill("q-text", "I have never refused this, provided the meeting is well-prepared")
    page.fill("q-speaker", "Vladimir Putin")
    page.fill("q-date", "3 September 2025")
    page.fill("q-location", "Beijing")
    page.find("#verify-submit").click()
    card, verdict = verdict_card(page)
    assert verdict == "verified"
    assert "verified" in card.find_element("css selector", ".badge").text.lower()
    assert card.find_elements("css selector", ".issue") == []
    checks = [c.get_attribute("class") for c in card.find_elements("css selector", ".facts .check")]
    assert checks and all("check--match" in c for c in checks), checks
    # The badge is green: the verified colour, not the mismatch one.
    r, g, b = _rgb(card.find_element("css selector", ".badge__icon").value_of_css_property("background-color"))
    assert g > r and g > b
    page.screenshot("verify-verified")


def test_ctrl_enter_verifies_too(page):
    from selenium.webdriver.common.keys import Keys

    box = page.find("#q-text")
    box.send_keys("if Zelenskyy is ready, let him come to Moscow")
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    card, verdict = verdict_card(page)
    assert verdict == "verified"


def test_an_unrelated_sentence_is_unverified(page):
    page.fill("q-text", "The quick brown fox jumps over the lazy dog near the river bank")
    page.find("#verify-submit").click()
    card, verdict = verdict_card(page)
    assert verdict == "unverified"
    assert "not found on record" in card.text.lower()
    assert card.find_elements("css selector", ".record") == []


def test_an_empty_submit_shows_the_apis_error_message(page, live_url):
    status, answer = post_json(live_url + "/api/v1/verify", {"text": ""})
    assert status == 422
    page.find("#verify-submit").click()
    alert = page.wait_for("#verify-output .alert")
    assert alert.get_attribute("role") == "alert"
    assert answer["message"] in alert.text  # "text: Must not be blank."
    assert page.find("#q-text").get_attribute("aria-invalid") == "true"
    assert page.find("#q-text-error").is_displayed()
    # Nothing is broken: the next quote is verified as usual, and the error is cleared.
    page.fill("q-text", "invite me to Moscow")
    page.find("#verify-submit").click()
    page.wait_until(lambda: page.find_all("#verify-output .verdict"))
    assert page.find("#q-text").get_attribute("aria-invalid") is None
    assert page.console_errors() == [] or all("422" in e for e in page.console_errors())


def test_an_unreachable_server_is_a_readable_error(page, browser):
    browser.execute_script("document.body.setAttribute('data-x', '1');"
                           "window.fetch = function () { return Promise.reject(new TypeError('Failed to fetch')); };")
    page.fill("q-text", "anything")
    page.find("#verify-submit").click()
    alert = page.wait_for("#verify-output .alert")
    assert "Could not reach the Verbatim server" in alert.text
    assert page.find("#verify-submit").is_enabled()


def stub_verify(page, status: int, body: str, content_type: str = "application/json") -> None:
    page.driver.execute_script("""
        const [status, body, type] = arguments;
        window.fetch = () => Promise.resolve(new Response(body, {status: status, headers: {'Content-Type': type}}));
    """, status, body, content_type)


@pytest.mark.parametrize("status,body,content_type,expected", [
    (502, "<html><body>Bad gateway</body></html>", "text/html", "The server answered 502"),
    (200, "<html>not json</html>", "text/html", "could not be read"),
    (200, '{"verdict": "mismatch", "issues": "not a list"}', "application/json", "could not be shown"),
])
def test_odd_answers_are_readable_errors_not_a_blank_result(page, status, body, content_type, expected):
    stub_verify(page, status, body, content_type)
    page.fill("q-text", "anything")
    page.find("#verify-submit").click()
    alert = page.wait_for("#verify-output .alert")
    assert expected in alert.text
    assert page.find("#verify-submit").is_enabled()


def test_the_last_request_wins(page):
    page.driver.execute_script(
        "document.querySelector('[data-example=putin-paris]').click();"
        "document.querySelector('[data-example=putin-beijing]').click();")
    page.wait_until(lambda: page.find_all("#verify-output .verdict") and page.find("#verify-submit").is_enabled())
    _, verdict = verdict_card(page)
    assert verdict == "verified"
    assert page.find("#verify-submit").text == "Verify"


XSS = "<img src=x onerror=alert(1)>"


def test_markup_in_the_quote_is_shown_as_text_and_runs_nothing(page):
    page.fill("q-text", XSS)
    page.fill("q-speaker", "<b onmouseover=alert(2)>Putin</b>")
    page.find("#verify-submit").click()
    card, _ = verdict_card(page)
    assert card.find_element("css selector", ".verdict__claim-text").text == XSS
    assert "<b onmouseover=alert(2)>Putin</b>" in card.find_element("css selector", ".verdict__claim-meta").text
    assert page.find_all("#verify-output img, #verify-output b, #verify-output script") == []
    assert page.dialogs() == []


def test_markup_stored_in_the_record_is_shown_as_text(page, live_app, live_url):
    """A hostile canonical quote, speaker and source come back from the API: still text."""
    from app import auth
    from app.db import get_session

    with live_app.app_context():
        session = get_session()
        _, key = auth.create_key(session, "e2e-writer", ["write"])
        session.commit()
    quote = "<script>window.__pwned = 1</script>Turnips glow like lanterns over the quiet harbour tonight"
    status, body = post_json(live_url + "/api/v1/quotes", {
        "text": quote, "speaker": "<img src=x onerror=\"window.__pwned=2\">Mallory",
        "location": "<svg onload=alert(3)>", "spoken_at": "2024-01-02",
        "sources": [{"url": "https://example.org/<b>x</b>", "publisher": "<i>Pub</i>", "title": "<u>T</u>"}],
    }, headers={"Authorization": f"Bearer {key}"})
    assert status == 201, body
    page.fill("q-text", "Turnips glow like lanterns over the quiet harbour tonight")
    page.find("#verify-submit").click()
    card, verdict = verdict_card(page)
    assert card.find_element("css selector", ".record__quote").text.strip("“”") == quote
    assert "<img src=x" in card.find_element("css selector", ".facts__row:first-child").text
    link = card.find_element("css selector", ".sources a")
    assert link.text == "<u>T</u>" and link.get_attribute("rel") == "noopener noreferrer"
    assert page.find_all("#verify-output img, #verify-output script, #verify-output svg, "
                         "#verify-output i, #verify-output u") == []
    assert page.driver.execute_script("return window.__pwned === undefined")
    assert page.dialogs() == []


def test_the_clear_button_empties_the_form(page):
    page.fill("q-text", "something")
    page.fill("q-speaker", "someone")
    page.find("#verify-clear").click()
    assert page.find("#q-text").get_attribute("value") == ""
    assert page.find("#q-speaker").get_attribute("value") == ""


def test_a_key_is_sent_when_the_server_asks_for_one(page, live_app):
    """With REQUIRE_API_KEY_FOR_READ the page says what to do, and works once a key is given."""
    from app import auth
    from app.db import get_session

    live_app.config["REQUIRE_API_KEY_FOR_READ"] = True
    try:
        page.fill("q-text", "invite me to Moscow")
        page.find("#verify-submit").click()
        alert = page.wait_for("#verify-output .alert")
        assert "API key" in alert.text
        with live_app.app_context():
            session = get_session()
            _, key = auth.create_key(session, "e2e-reader", ["read"])
            session.commit()
        page.find(".options summary").click()
        page.fill("api-key", key)
        page.find("#q-text").click()  # "change" fires when the key box loses focus
        page.find("#verify-submit").click()
        page.wait_until(lambda: page.find_all("#verify-output .verdict"))
    finally:
        live_app.config["REQUIRE_API_KEY_FOR_READ"] = False


def _rgb(css: str) -> tuple[int, int, int]:
    inside = css[css.index("(") + 1:css.index(")")]
    parts = [p.strip() for p in inside.split(",")]
    return int(parts[0]), int(parts[1]), int(parts[2])


@pytest.mark.parametrize("width", [420])
def test_the_page_fits_a_phone(page, browser, width):
    size = browser.get_window_size()
    try:
        browser.set_window_size(width, 900)
        page.find("[data-example=putin-paris]").click()
        verdict_card(page)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.screenshot("verify-phone")
    finally:
        browser.set_window_size(size["width"], size["height"])
