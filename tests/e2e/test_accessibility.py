"""axe-core on every page of the app, in the light and the dark colour scheme.

The pages' own tests run the check after their interactions too (a verdict
card, a review list, a finished job); this sweep covers each page as it
loads, including the 404 and the pages a key holder sees.
"""
from __future__ import annotations

import pytest

PAGES = ["/", "/#draft", "/quotes", "/quotes?q=come+to+Moscow", "/quotes?q=zzzz+qqqq", "/quotes?status=pending_review",
         "/quotes/1", "/speakers", "/speakers/1", "/add", "/ingest", "/jobs", "/no-such-page", "/quotes/999999"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_the_accessibility_check(site, write_key, scheme):
    site.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    try:
        site.go("/add")
        site.use_key(write_key)  # the pages as a key holder sees them (the desk, private lists)
        failures = {}
        for path in PAGES:
            site.go(path)
            violations = site.axe()
            if violations:
                failures[path] = [(v["id"], v["nodes"]) for v in violations]
        background = site.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == {"light": "rgb(245, 246, 248)", "dark": "rgb(17, 20, 24)"}[scheme]
        site.screenshot(f"accessibility-{scheme}")
        assert failures == {}
    finally:
        site.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
