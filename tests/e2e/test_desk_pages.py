"""The desk in a real browser: add a quote with a write key, correct and retract it; ingest and review."""
from __future__ import annotations

import json
import urllib.request

from .conftest import WAIT

ARTICLE = """Harbour talks stall in Gdansk
Speaking in Gdansk on Tuesday, port director Marta Kowalczyk said: "We will reopen the northern quay to grain ships before the winter storms arrive."
"The cranes are old, but the crews know every bolt of them by heart," Kowalczyk said.
Transport minister Piotr Nowak answered later that day: "No ship will unload in Gdansk until the safety inspection of the quay is finished."
"Yes," he added.
"""


def _get(url: str, key: str) -> dict:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=WAIT) as resp:
        return json.loads(resp.read())


def test_add_a_quote_with_a_write_key_find_it_correct_it_and_retract_it(site, write_key):
    site.go("/add")
    assert not site.find("#add-form").is_displayed() or site.find("#write-key").is_displayed()
    site.use_key(write_key)
    site.fill("a-text", "The lighthouse keepers will be the last to leave the island")
    site.fill("a-speaker", "Ines Albuquerque")
    site.fill("a-spoken_at", "2025-10-02")
    site.fill("a-location", "Lisbon")
    site.fill("a-source-url", "https://example.org/lighthouse")
    site.fill("a-source-publisher", "Example Tribune")
    site.find("#add-submit").click()
    done = site.wait_for("#add-done")
    assert "Stored as quote" in done.text
    assert site.driver.switch_to.active_element == done
    site.screenshot("desk-add")
    site.assert_accessible()

    # Found in the record by a fragment of it.
    site.go("/quotes?q=last+to+leave+the+island")
    rows = site.find_all(".qrow")
    assert len(rows) == 1 and "Ines Albuquerque" in rows[0].text
    rows[0].find_element("css selector", ".qrow__text a").click()
    site.wait_for("#quote")
    # The key is still in the tab: the desk appears; correct the place.
    site.wait_until(lambda: site.find_all("#desk-title"))
    site.find("#desk-slot details summary").click()
    site.fill("edit-location", "Lisbon, Portugal")
    site.find("#edit-form button[type=submit]").click()
    site.wait_until(lambda: len(site.find_all("#history .history__item")) == 2)
    change = site.find_all("#history .history__item")[1].text
    assert "Place" in change and "Lisbon, Portugal" in change
    site.wait_until(lambda: "e2e desk" in site.find("[data-revision-key='2']").text)

    # Retract with a reason: the quote leaves the public record, and key holders see why.
    site.wait_until(lambda: site.find_all("#retract-form"))
    site.find_all("#desk-slot details summary")[1].click()
    site.find("#retract-submit").click()
    assert "Say why" in site.find("#desk-status").text  # no reason, nothing sent
    site.fill("retract-reason", "The keeper's office says she never said it.")
    site.find("#retract-submit").click()
    site.wait_for("#private-quote-body #retraction")
    assert "never said it" in site.find("#retraction").text
    assert site.find("#quote-status").text == "Retracted"
    site.screenshot("desk-retracted")
    site.assert_accessible()


def test_ingest_a_pasted_article_approve_one_quote_and_reject_another(site, live_url, write_key):
    site.go("/ingest")
    site.use_key(write_key)
    site.fill("i-text", ARTICLE)
    site.driver.execute_script("document.getElementById('i-published').value = '2025-10-07';")
    site.fill("i-publisher", "Baltic Courier")
    site.find("#ingest-submit").click()
    site.wait_for("#review-created")
    created = site.find_all("#review-created .review-item")
    assert len(created) == 3, [c.text for c in created]
    skipped = site.find("#review-skipped").text
    assert "too short" in skipped  # "Yes," is too short to verify against
    # Each quote beside its passage in the source, the quoted words marked.
    first = created[0]
    assert first.find_element("css selector", ".passage mark").text in first.find_element(
        "css selector", ".review-item__quote").text
    site.screenshot("desk-ingest-review")
    site.assert_accessible()

    ids = [int(c.get_attribute("data-quote-id")) for c in created]
    created[0].find_element("css selector", "[data-action=approve]").click()
    site.wait_until(lambda: "Approved" in created[0].find_element("css selector", ".status").text)
    created[1].find_element("css selector", "[data-action=reject]").click()
    site.wait_until(lambda: "Rejected" in created[1].find_element("css selector", ".status").text)
    statuses = [_get(f"{live_url}/api/v1/quotes/{i}", write_key)["status"] for i in ids]
    assert statuses == ["approved", "retracted", "pending_review"]
    rejected = _get(f"{live_url}/api/v1/quotes/{ids[1]}", write_key)
    assert rejected["retraction_reason"].startswith("Rejected in review")
    # The approved quote counts for verification at once: the public record has it.
    site.go(f"/quotes/{ids[0]}")
    assert site.find("#quote-status").text == "Approved"
    site.go("/ingest")
    site.find("#load-queue").click()
    site.wait_for("#review-queue")
    queue = [int(i.get_attribute("data-quote-id")) for i in site.find_all("#review-queue .review-item")]
    assert ids[2] in queue and ids[0] not in queue and ids[1] not in queue
    site.find("#approve-all").click()
    site.wait_until(lambda: "Done" in site.find("#review-status").text)
    assert _get(f"{live_url}/api/v1/quotes/{ids[2]}", write_key)["status"] == "approved"
    # The record's list of retracted quotes, for the key holder, has the rejected one with why.
    site.go("/quotes?status=retracted")
    row = site.wait_for(f"#private-rows .qrow[data-quote-id='{ids[1]}']")
    assert "Retracted" in row.text and "Rejected in review" in row.text


TRANSCRIPT = """MAYOR LINDQVIST: Good morning. The ferry to the outer islands will run every hour from Monday.
We have hired twelve more crew members for the summer season.
Q: Will the fares go up?
MAYOR LINDQVIST: The fares stay exactly as they are until next spring.
"""


def test_ingest_a_transcript_for_review(site, live_url, write_key):
    site.go("/ingest")
    site.use_key(write_key)
    site.find("#i-kind-transcript").click()
    site.fill("i-text", TRANSCRIPT)
    site.fill("i-title", "Harbour press briefing")
    site.fill("i-publisher", "City of Vaxholm")
    site.fill("i-speaker", "Anna Lindqvist")
    site.find("#ingest-submit").click()
    site.wait_for("#review-created")
    items = site.find_all("#review-created .review-item")
    texts = [i.find_element("css selector", ".review-item__quote").text for i in items]
    assert any("ferry to the outer islands" in t for t in texts), texts
    assert not any("fares go up" in t for t in texts), "a question of an unnamed person is nobody's quote"
    # Beside each, its place in the transcript (the source's stored document).
    assert all(i.find_elements("css selector", ".passage mark") for i in items)
    site.find("#approve-all").click()
    site.wait_until(lambda: "Done" in site.find("#review-status").text)
    ids = [int(i.get_attribute("data-quote-id")) for i in items]
    assert {_get(f"{live_url}/api/v1/quotes/{i}", write_key)["status"] for i in ids} == {"approved"}
    site.screenshot("desk-transcript-review")
