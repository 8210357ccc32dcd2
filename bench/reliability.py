"""Reliability probe: a real gunicorn (gunicorn.conf.py) on a loopback port, hit as
a hostile client and an unlucky operator would. Prints the figures RELIABILITY.md
records.

    .venv/bin/python -m bench.reliability                      # SQLite
    .venv/bin/python -m bench.reliability --database-url postgresql://postgres@127.0.0.1:5432/test

Every request goes to 127.0.0.1; every loop is bounded. The PostgreSQL run
works in a schema of its own and drops it at the end.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

import requests

from bench.scratch import scratch_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py on a migrated database, with a write key."""

    def __init__(self, database_url: str, workers: int = 2, timeout: int = 30, **env: str):
        sys.path.insert(0, ROOT)
        from app import auth, create_app
        from app.db import get_engine, get_session, make_engine
        from app.migrate import upgrade

        engine = make_engine(database_url)
        upgrade(engine)
        engine.dispose()
        app = create_app({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            session = get_session()
            _, self.key = auth.create_key(session, "probe", ["write"])
            session.commit()
        get_engine(app).dispose()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.headers = {"Authorization": f"Bearer {self.key}"}
        environ = {**os.environ, "DATABASE_URL": database_url, "VERBATIM_BIND": f"127.0.0.1:{self.port}",
                   "WEB_CONCURRENCY": str(workers), "GUNICORN_TIMEOUT": str(timeout), "LOG_LEVEL": "ERROR", **env}
        self.proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c",
                                      "gunicorn.conf.py", "--access-logfile", "/dev/null", "wsgi:app"],
                                     cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def count(self, sql: str, database_url: str) -> int:
        from app.db import make_engine
        from sqlalchemy import text

        engine = make_engine(database_url)
        with engine.connect() as conn:
            n = conn.execute(text(sql)).scalar()
        engine.dispose()
        return int(n)


def quote_lines(n: int, tag: str) -> list[str]:
    return [json.dumps({"text": f"Probe {tag} line {i} about the harbour wall and the tide.",
                        "speaker": f"Probe Speaker {i % 13}"}) for i in range(n)]


def hostile(server: Server) -> dict:
    """Inputs that were 500s (or HTML) before: every answer must be a JSON 4xx."""
    w = server.headers
    deep = "[" * 1000 + "]" * 1000
    cases = []
    for path in ("/api/v1/verify", "/api/v1/verify/batch", "/api/v1/articles/check", "/api/v1/quotes",
                 "/api/v1/speakers", "/api/v1/jobs/verify", "/api/v1/quotes/search"):
        cases.append(("post", path, {"data": deep, "headers": {**w, "Content-Type": "application/json"}}))
    sur = '{"text": "a \\ud800 b", "speaker": "\\ud800"}'
    for path in ("/api/v1/verify", "/api/v1/quotes", "/api/v1/articles/check"):
        cases.append(("post", path, {"data": sur, "headers": {**w, "Content-Type": "application/json"}}))
    cases += [
        ("post", "/api/v1/verify", {"json": {"text": "hello there", "date": "last week", "reference_date": "0001-01-01"}}),
        ("post", "/api/v1/articles/check", {"json": {"text": 'He said on Wednesday: "we will fight on."',
                                                     "published_at": "0001-01-01"}}),
        ("post", "/api/v1/quotes/99999999999/approve", {"headers": w}),
        ("post", "/api/v1/quotes", {"json": {"text": "x y z", "speaker": "A B", "sources": [
            {"publisher": "P", "published_at": "2025-09-04T25:00:00+99:99"}]}, "headers": w}),
        ("get", "/api/v1/quotes", {"params": {"q": "\u043a" * 1000}}),
        ("get", "/api/v1/health", {"headers": {"X-Big": "b" * 9000}}),
        ("post", "/api/v1/verify", {"data": (b"x" * 2_000_000 for _ in range(1)),
                                    "headers": {"Content-Type": "application/json"}}),  # chunked, over 1 MB
    ]
    answers = []
    for method, path, kwargs in cases:
        r = getattr(requests, method)(server.base + path, timeout=30, **kwargs)
        answers.append((path, r.status_code, r.headers.get("Content-Type", "")))
    null_claim = requests.post(f"{server.base}/api/v1/verify/batch", json={"claims": [None, {"text": "hi"}]},
                               timeout=30)
    answers.append(("/api/v1/verify/batch (null claim)", null_claim.status_code, null_claim.headers["Content-Type"]))
    return {"requests": len(answers), "5xx": sum(s >= 500 for _, s, _ in answers),
            "not_json": sum(not t.startswith("application/json") for _, _, t in answers),
            "codes": sorted({s for _, s, _ in answers})}


def imports(server: Server, url: str) -> dict:
    w = {**server.headers, "Content-Type": "application/x-ndjson"}
    out = {}
    before = server.count("SELECT count(*) FROM quotes", url)
    lines = quote_lines(3100, "bad-line")
    lines[2599] = '{"text": "broken \\ud800 line", "speaker": "X Y"}'
    r = requests.post(f"{server.base}/api/v1/quotes/import", data="\n".join(lines) + "\n", headers=w, timeout=120)
    out["bad line at 2,600 of 3,100"] = (r.status_code, r.json()["imported"],
                                         server.count("SELECT count(*) FROM quotes", url) - before)
    # A client that hangs up half-way: a raw socket, half the body, then closed.
    before = server.count("SELECT count(*) FROM quotes", url)
    body = ("\n".join(quote_lines(20000, "hang-up")) + "\n").encode()
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(f"POST /api/v1/quotes/import HTTP/1.1\r\nHost: x\r\nAuthorization: {w['Authorization']}\r\n"
              f"Content-Type: application/x-ndjson\r\nContent-Length: {len(body)}\r\n\r\n".encode()
              + body[: len(body) // 2])
    s.close()
    time.sleep(3)
    out["client hangs up half-way (rows stored)"] = server.count("SELECT count(*) FROM quotes", url) - before
    # Idempotency: the same import sent five times with one key.
    before = server.count("SELECT count(*) FROM quotes", url)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    data = "\n".join(quote_lines(500, "retry")) + "\n"
    codes = [requests.post(f"{server.base}/api/v1/quotes/import", data=data, headers={**w, **key}, timeout=60)
             .status_code for _ in range(5)]
    out["same import x5 with one Idempotency-Key (codes, rows)"] = (
        codes, server.count("SELECT count(*) FROM quotes", url) - before)
    # Too big for one request: 250,000 lines in the background.
    before = server.count("SELECT count(*) FROM quotes", url)
    big = ("\n".join(quote_lines(250_000, "big")) + "\n").encode()
    t0 = time.monotonic()
    r = requests.post(f"{server.base}/api/v1/quotes/import", data=big, headers=w, timeout=120)
    accepted = time.monotonic() - t0
    status = r.json()
    if r.status_code == 202:
        deadline = time.monotonic() + 900
        while status["status"] not in ("finished", "failed") and time.monotonic() < deadline:
            time.sleep(1)
            status = requests.get(server.base + r.headers["Location"], headers=server.headers, timeout=30).json()
    out["250,000 lines (MB, code, answered in s, status, imported, rows)"] = (
        round(len(big) / 1e6, 1), r.status_code, round(accepted, 1), status["status"], status.get("imported"),
        server.count("SELECT count(*) FROM quotes", url) - before)
    return out


def speakers(server: Server, url: str, rounds: int = 10) -> dict:
    w = server.headers
    doubled = 0
    for i in range(rounds):
        name = f"Race Speaker {uuid.uuid4().hex[:8]}"
        with cf.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: requests.post(f"{server.base}/api/v1/speakers", json={"name": name},
                                                          headers=w, timeout=60).status_code, range(8)))
        stored = server.count(f"SELECT count(*) FROM speakers WHERE name = '{name}'", url)
        doubled += stored != 1
        assert sorted(codes) == [201] + [409] * 7 or stored != 1, codes
    return {"rounds of 8 concurrent POST /speakers": rounds, "names stored twice": doubled}


def flood(server: Server, seconds: float = 20.0) -> dict:
    stop = time.monotonic() + seconds
    claims = {"claims": [{"text": f"flood claim {i} about the weather in Paris"} for i in range(100)]}
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def client() -> None:
        s = requests.Session()
        while time.monotonic() < stop:
            c = s.post(f"{server.base}/api/v1/verify/batch", json=claims, timeout=60).status_code
            with lock:
                codes[c] = codes.get(c, 0) + 1
            if c == 429:
                time.sleep(0.2)

    health: list[float] = []
    threads = [threading.Thread(target=client) for _ in range(16)]
    for t in threads:
        t.start()
    while time.monotonic() < stop:
        t0 = time.monotonic()
        requests.get(f"{server.base}/api/v1/health", timeout=60)
        health.append((time.monotonic() - t0) * 1000)
        time.sleep(0.2)
    for t in threads:
        t.join()
    health.sort()
    return {"batch requests": sum(codes.values()), "codes": codes,
            "/health ms p50/p95/max": (round(statistics.median(health), 1),
                                       round(health[int(len(health) * 0.95) - 1], 1), round(health[-1], 1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with scratch_database(args.database_url, "vb_probe") as url:
        server = Server(url)
        try:
            report = {"database": url.split(":")[0], "hostile inputs": hostile(server),
                      "imports": imports(server, url), "speakers": speakers(server, url),
                      "flood (16 anonymous clients, batches of 100)": flood(server)}
        finally:
            server.stop()
    json.dump(report, sys.stdout, indent=2, default=str)
    print()


if __name__ == "__main__":
    main()
