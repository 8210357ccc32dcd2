"""Spreadsheets in and out of bulk jobs: a multipart CSV upload, and the answers as CSV and JSON Lines.

    python -m bench.job_files --claims 100000            # SQLite (a temporary file)
    python -m bench.job_files --claims 100000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test   # a scratch schema there

The app is served on loopback (werkzeug, threaded) and driven over real HTTP
with ``requests``, as curl or a browser would:

* **upload**: a ``--claims``-row CSV as a spreadsheet writes it (BOM,
  semicolons, a header in another order and case, every text cell quoted
  with a line break inside), sent as ``multipart/form-data`` with Excel's
  content type; timed from the request to the 202 (parse, validate, store;
  the job is not run: this measures the file handling, not verification);
* **download**: every claim given the same stored answer (a mismatch with
  the matched quote, about the size of a real one), then the results
  streamed as CSV and as JSON Lines: time to the first byte, total time,
  rows/s, bytes; and the largest amount of memory Python allocated while the
  server streamed it (``tracemalloc`` over a second download, so the timed
  one is not slowed; the client reads 64 KB chunks and keeps none).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import tempfile
import threading
import time
import tracemalloc
import uuid

ANSWER = {"verdict": "mismatch",
          "issues": [{"type": "wrong_location", "claimed": "Paris", "canonical": "Beijing, China",
                      "message": "Said in Beijing, China (3 September 2025), not in Paris."}],
          "match": {"quote": {"id": 17, "text": "Ultimately, if Zelenskyy is ready, let him come to Moscow "
                                                "- then the meeting will take place. " * 2,
                              "speaker": "Vladimir Putin", "spoken_at": "2025-09-03",
                              "location": "Beijing, China"}, "score": 97.5},
          "alternatives": []}


def spreadsheet(n: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(["ID", "Text", "Speaker", "Date", "Location"])
    for i in range(n):
        writer.writerow([f"r-{i}", f"if Zelenskyy is ready, let him come to Moscow; row {i}\nthen the meeting",
                         "Putin", "2025-09-03", "Paris"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL server (a scratch schema is made and dropped)")
    args = parser.parse_args()

    import requests
    from sqlalchemy import text
    from werkzeug.serving import make_server

    from app import create_app, jobs
    from app.auth import create_key
    from app.db import get_engine, get_session, make_engine
    from app.migrate import upgrade

    schema = None
    if args.database_url:
        schema = f"bench_job_files_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.database_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.database_url else "?"
        url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-job-files-')}/verbatim.db"
    try:
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "RATE_LIMIT_ENABLED": False,
                          "JOBS_MAX_CLAIMS": max(args.claims, 100_000)})
        upgrade(get_engine(app))
        jobs.enqueue = lambda app, job_id: "none"  # stored, not run: the files are measured
        with app.app_context():
            session = get_session()
            _, key = create_key(session, "bench", ["write"])
            session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        headers = {"Authorization": f"Bearer {key}"}

        data = spreadsheet(args.claims)
        started = time.perf_counter()
        r = requests.post(f"{base}/api/v1/jobs/verify", headers=headers, timeout=3600,
                          files={"file": ("claims.csv", data, "application/vnd.ms-excel")})
        took = time.perf_counter() - started
        assert r.status_code == 202, r.text[:500]
        job_id = r.json()["id"]
        assert r.json()["total"] == args.claims, r.json()["total"]
        print(f"upload    {args.claims:>7} rows  {len(data) / 1e6:6.1f} MB  {took:6.2f} s  "
              f"{args.claims / took:8.0f} claims/s")

        with get_engine(app).begin() as conn:
            conn.execute(text("UPDATE job_items SET verdict = 'mismatch', result = :r WHERE job_id = :j"),
                         {"r": json.dumps(ANSWER), "j": job_id})
            conn.execute(text("UPDATE jobs SET done = total, status = 'finished' WHERE id = :j"), {"j": job_id})

        for fmt in ("csv", "ndjson"):
            def download() -> tuple[float, float, int]:
                t0 = time.perf_counter()
                first, size = None, 0
                with requests.get(f"{base}/api/v1/jobs/{job_id}/results?format={fmt}", stream=True,
                                  timeout=3600) as resp:
                    assert resp.status_code == 200
                    for chunk in resp.iter_content(64 * 1024):
                        first = first if first is not None else time.perf_counter() - t0
                        size += len(chunk)
                return first or 0.0, time.perf_counter() - t0, size

            first, total, size = download()
            tracemalloc.start()
            download()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{fmt:<9} {args.claims:>7} rows  {size / 1e6:6.1f} MB  {total:6.2f} s  "
                  f"{args.claims / total:8.0f} rows/s  first byte {first * 1000:5.0f} ms  "
                  f"peak Python memory {peak / 1e6:5.1f} MB")
        server.shutdown()
        get_engine(app).dispose()
    finally:
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
