"""Bulk jobs in a real browser: upload a small CSV, watch the progress bar, download the answers."""
from __future__ import annotations

import csv
import io
import json

from .conftest import WAIT

CLAIMS = """id,text,speaker,date,location
paris,"if Zelenskyy is ready, let him come to Moscow",Vladimir Putin,,Paris
right,"if Zelenskyy is ready, let him come to Moscow",Vladimir Putin,3 September 2025,Beijing
nobody,"=SUM(A1:A9) is a sentence no one ever said on the record",,,
"""


def _download(site, css: str, folder) -> str:
    """Click a download link and read the file the browser saved."""
    folder.mkdir(exist_ok=True)
    site.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    link = site.find(css)
    name = link.get_attribute("download")
    link.click()
    target = folder / name
    site.wait_until(lambda: target.exists() and not (folder / (name + ".crdownload")).exists()
                    and target.stat().st_size > 0, message=f"{name} not downloaded")
    return target.read_text(encoding="utf-8-sig")


def upload_and_check(site, write_key, tmp_path):
    """Upload CLAIMS, wait for the job to finish, check the counts and both downloads."""
    path = tmp_path / "claims.csv"
    path.write_text(CLAIMS, encoding="utf-8")
    site.go("/jobs")
    site.use_key(write_key)
    site.find("#job-file").send_keys(str(path))
    site.find("#job-submit").click()
    site.wait_for("#job")
    site.wait_until(lambda: site.find("#job").get_attribute("data-status") == "finished", timeout=WAIT * 2)
    bar = site.find("#job-progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    assert "3 of 3 claims answered (100%)" in site.find("#job-state").text
    site.wait_for("#job-downloads")
    counts = {li.get_attribute("data-verdict"): li.text for li in site.find_all("#job-counts li")}
    assert counts["verified"].startswith("1") and counts["mismatch"].startswith("1")

    rows = list(csv.DictReader(io.StringIO(_download(site, "#download-csv", tmp_path / "downloads"))))
    by_id = {r["id"]: r for r in rows}
    assert [r["line"] for r in rows] == ["2", "3", "4"]
    assert by_id["paris"]["verdict"] == "mismatch" and by_id["paris"]["issues"] == "wrong_location"
    assert "Beijing" in by_id["paris"]["messages"]
    assert by_id["right"]["verdict"] == "verified"
    assert by_id["nobody"]["verdict"] == "unverified"
    assert site.find("#download-csv").get_attribute("download").endswith(".csv")
    answers = [json.loads(line) for line in _download(site, "#download-jsonl", tmp_path / "downloads").splitlines()
               if line.strip()]
    assert [a["id"] for a in answers] == ["paris", "right", "nobody"]


def test_upload_a_csv_follow_its_progress_and_download_the_answers(site, write_key, tmp_path):
    upload_and_check(site, write_key, tmp_path)
    assert site.find("#download-csv").get_attribute("href").endswith("/results?format=csv")  # streamed by the API
    site.screenshot("jobs-finished")
    site.assert_accessible()

    # The job is listed among the key's jobs (GET /api/v1/jobs), with its file's name, and opens again.
    site.go("/jobs")
    listed = site.wait_for("#past-jobs tr[data-job-id]")
    assert "claims.csv" in listed.text and "finished" in listed.text and "3 / 3" in listed.text
    listed.find_element("css selector", "button").click()
    site.wait_for("#job-downloads")


def test_a_file_of_the_wrong_kind_is_refused_before_upload(site, write_key, tmp_path):
    path = tmp_path / "claims.txt"
    path.write_text("not a table", encoding="utf-8")
    site.go("/jobs")
    site.use_key(write_key)
    site.find("#job-file").send_keys(str(path))
    site.find("#job-submit").click()
    error = site.wait_for("#job-file-error")
    assert ".csv" in error.text
    assert site.find("#job-file").get_attribute("aria-invalid") == "true"
