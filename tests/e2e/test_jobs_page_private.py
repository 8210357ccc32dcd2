"""Bulk jobs on a server that requires a key for reading: the answers are fetched with the key."""
from __future__ import annotations

import pytest

from .test_jobs_page import upload_and_check


@pytest.fixture(scope="module")
def live_app_config():
    return {"REQUIRE_API_KEY_FOR_READ": True}


def test_the_answers_are_downloaded_with_the_key_when_reads_need_one(site, write_key, tmp_path):
    upload_and_check(site, write_key, tmp_path)
    assert site.find("#download-csv").get_attribute("href").startswith("blob:")  # a link cannot carry the key
    site.screenshot("jobs-private")
