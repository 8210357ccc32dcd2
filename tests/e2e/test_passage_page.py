"""The verdict card in a real browser for a passage of a transcript: the whole passage on record, and what was said around it."""
from __future__ import annotations

import pytest

from .conftest import post_json

BEIJING = ("Q: Would you meet Volodymyr Zelenskyy?\n"
           "PUTIN: I have never refused this, provided the meeting is well-prepared. I replied that yes, "
           "it's possible. Ultimately, if Zelenskyy is ready, let him come to Moscow.\n"
           "Q: And when?\n")


@pytest.fixture(scope="module", autouse=True)
def transcript(live_app, live_url):
    from app import auth
    from app.db import get_session

    with live_app.app_context():
        session = get_session()
        _, key = auth.create_key(session, "e2e", ["write"])
        session.commit()
    status, body = post_json(f"{live_url}/api/v1/sources",
                             {"text": BEIJING, "url": "https://kremlin.example/beijing", "title": "News conference",
                              "spoken_at": "2025-09-03", "location": "Beijing, China"},
                             {"Authorization": f"Bearer {key}"})
    assert status == 201, body
    return body


def test_a_passage_shows_all_its_sentences_and_its_context(page):
    page.fill("q-text", "provided the meeting is well-prepared. I replied that yes, it's possible.")
    page.fill("q-speaker", "Putin")
    page.find("#verify-submit").click()
    card = page.wait_for("#verify-output .verdict")
    assert card.find_element("css selector", ".badge").get_attribute("data-verdict") == "verified"
    record = card.find_element("css selector", ".record")
    title = record.find_element("css selector", ".section-title").get_attribute("textContent")
    assert title == "On record: 2 sentences said in a row"
    quote = record.find_element("css selector", ".record__quote").text
    assert quote.startswith("I have never refused this") and quote.endswith("it's possible.")
    context = card.find_element("css selector", ".context")
    assert context.find_element("css selector", ".context__before").text == "\u2026Q: Would you meet Volodymyr Zelenskyy? PUTIN:"
    assert context.find_element("css selector", ".context__after").text.startswith("Ultimately, if Zelenskyy is ready")
    link = context.find_element("css selector", ".context__source a")
    assert link.get_attribute("href") == "https://kremlin.example/beijing" and link.text == "News conference"
    page.screenshot("verify-passage")
    assert page.console_errors() == []
