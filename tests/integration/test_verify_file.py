"""`flask --app wsgi verify-file claims --out answers`: the job machinery from the shell.

In-process (CliRunner) for the formats, and a real `flask` process stopped
with SIGINT (Ctrl-C) mid-job and started again for resuming.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from app.db import get_engine

from .test_jobs import CORRECT, MOSCOW_IN_PARIS, RELATIVE, UNRELATED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLUMNS = ["line", "id", "verdict", "issues", "messages", "reason", "quote_id", "quote_text", "quote_speaker",
           "quote_spoken_at", "quote_location", "error"]


def write_csv(path, claims):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "text", "speaker", "date", "location", "reference_date"])
        w.writeheader()
        for c in claims:
            w.writerow(c)


def test_csv_in_csv_out(app, demo, runner, tmp_path):
    claims = [{**MOSCOW_IN_PARIS, "id": "=HYPERLINK(\"http://x\")"}, UNRELATED, {**CORRECT, "id": "7"}, RELATIVE]
    src, out = tmp_path / "claims.csv", tmp_path / "answers.csv"
    write_csv(src, claims)
    result = runner.invoke(args=["verify-file", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 claim(s): verified 2, mismatch 1, unverified 1, error 0" in result.output
    assert "verify-file: 4/4 claims (100.0%)" in result.output  # plain progress lines: not a terminal
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    body = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    assert [(r["line"], r["verdict"]) for r in body] == [("2", "mismatch"), ("3", "unverified"),
                                                           ("4", "verified"), ("5", "verified")]
    first = body[0]
    assert first["id"] == "'=HYPERLINK(\"http://x\")"  # not a formula in a spreadsheet
    assert first["issues"] == "wrong_location" and "not in Paris" in first["messages"]
    assert first["quote_speaker"] == "Vladimir Putin" and first["quote_location"] == "Beijing, China"
    assert first["quote_spoken_at"] == "2025-09-03" and "let him come to Moscow" in first["quote_text"]
    assert body[1]["quote_id"] == "" and body[1]["messages"]  # unverified: its sentence
    assert body[2]["id"] == "7" and body[2]["issues"] == "" and body[2]["error"] == ""


def test_json_lines_in_and_out_and_a_finished_file_is_not_verified_again(app, demo, runner, tmp_path, monkeypatch):
    src, out = tmp_path / "claims.jsonl", tmp_path / "answers.ndjson"
    src.write_text("".join(json.dumps(c) + "\n" for c in [MOSCOW_IN_PARIS, CORRECT]) + "not json\n")
    result = runner.invoke(args=["verify-file", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 3: skipped" in result.output and "1 invalid line(s) skipped" in result.output
    answers = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(a["line"], a["id"], a["verdict"]) for a in answers] == [(1, "a-1", "mismatch"), (2, "7", "verified")]

    from app import job_processing

    monkeypatch.setattr(job_processing, "_verify_one", lambda *a: pytest.fail("verified again"))
    again = runner.invoke(args=["verify-file", str(src), "--out", str(tmp_path / "again.jsonl")])
    assert again.exit_code == 0 and "is finished" in again.output, again.output
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()


def test_the_output_format_comes_from_its_extension(app, runner, tmp_path):
    src = tmp_path / "claims.csv"
    write_csv(src, [UNRELATED])
    result = runner.invoke(args=["verify-file", str(src), "--out", str(tmp_path / "answers.xlsx")])
    assert result.exit_code == 2 and ".csv, .jsonl or .ndjson" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ctrl_c_then_the_same_command_continues_where_it_stopped(app, demo, tmp_path):
    n = 300
    cycle = [MOSCOW_IN_PARIS, UNRELATED, CORRECT, RELATIVE]
    src, out = tmp_path / "claims.csv", tmp_path / "answers.csv"
    write_csv(src, [{**cycle[i % 4], "id": f"c{i + 1}"} for i in range(n)])
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "JOBS_CHUNK_SIZE": "5",
           "JOBS_RANGE_SIZE": "100", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    cmd = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "wsgi", "verify-file", str(src),
           "--out", str(out), "--progress-every", "0.2"]
    # Ctrl-C as a terminal sends it, whatever the suite was started from: a
    # shell's background job (`.ci/run &`) starts with SIGINT ignored, and a
    # child inherits that, so the signal would do nothing.
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def answered():
        with get_engine(app).connect() as conn:
            return conn.execute(text("SELECT coalesce(max(answered), 0) FROM jobs")).scalar()

    deadline = time.monotonic() + 60
    while answered() < 30:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, (stdout, stderr)
    assert "Run the same command again to continue" in stderr
    stopped = answered()
    assert 30 <= stopped < n and not out.exists()

    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"{stopped}/{n} answered, continuing" in again.stderr
    assert f"{n} claim(s): verified {n // 2}, mismatch {n // 4}, unverified {n // 4}, error 0" in again.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(1, n + 1)]
    assert [r["line"] for r in rows] == [str(i) for i in range(2, n + 2)]
    with get_engine(app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 1  # the same job, continued
