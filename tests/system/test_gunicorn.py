"""The production server (gunicorn with gunicorn.conf.py): its own refusals in JSON,
and a request cut by the worker time-out answered 503 with nothing stored."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(proc, base: str, seconds: float = 60) -> bool:
    """Wait until the server at ``base`` answers /api/v1/health; False if
    ``proc`` exits or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


@pytest.fixture
def server(tmp_path, sqlite_template):
    from app.db import get_engine
    from tests.conftest import _create_key, make_app

    db = tmp_path / "verbatim.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{db}"
    setup = make_app(url)
    key = _create_key(setup, ("write",))
    get_engine(setup).dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "VERBATIM_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "GUNICORN_TIMEOUT": "2", "LOG_LEVEL": "WARNING", "IMPORT_WORKERS": "0"}
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "gunicorn.conf.py",
                             "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not healthy(proc, base):
        proc.kill()
        pytest.fail(f"gunicorn did not start: {proc.stderr.read().decode()[-2000:]}")
    yield base, {"Authorization": f"Bearer {key}"}
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def assert_json_error(r, code):
    assert r.status_code == code, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    body = r.json()
    assert body["code"] == code and body["message"]
    return body


def test_the_servers_own_refusals_are_json(server):
    base, _ = server
    body = assert_json_error(requests.get(f"{base}/api/v1/quotes", params={"q": "a" * 9000}, timeout=10), 414)
    assert "POST /api/v1/quotes/search" in body["message"]
    assert_json_error(requests.get(f"{base}/api/v1/health", headers={"X-Big": "b" * 9000}, timeout=10), 431)
    many = {f"X-H{i}": "x" for i in range(120)}
    assert_json_error(requests.get(f"{base}/api/v1/health", headers=many, timeout=10), 431)
    assert_json_error(requests.get(f"{base}/api/v1/nothing", timeout=10), 404)  # the application's own


def test_a_request_cut_by_the_worker_time_out_is_503_and_stores_nothing(server):
    base, key = server
    lines = [json.dumps({"text": f"Time-out probe line {i} about the tide tables.", "speaker": f"Ann Lee {i % 7}"})
             for i in range(60_000)]
    r = requests.post(f"{base}/api/v1/quotes/import", data=("\n".join(lines) + "\n").encode(), timeout=60,
                      headers={**key, "Content-Type": "application/x-ndjson"})
    body = assert_json_error(r, 503)
    assert "time-out" in body["message"] and int(r.headers["Retry-After"]) > 0
    deadline = time.monotonic() + 30  # the arbiter starts a new worker
    while True:
        try:
            health = requests.get(f"{base}/api/v1/health", timeout=5)
            if health.status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert health.json()["quotes"] == 0


def test_the_entry_point_prepares_what_a_first_request_would(tmp_path):
    """``wsgi.py`` (loaded once in gunicorn's master under ``preload_app``)
    leaves nothing for a worker's first verify to set up (SQLAlchemy's
    mappers are configured, the gazetteer is loaded) and what it loaded out
    of the garbage collector's walks (frozen)."""
    script = ("import gc, wsgi\n"
              "from app.models import Quote\n"
              "import verification.places.gazetteer as g\n"
              "print(Quote.__mapper__.configured, g._GAZ is not None, gc.get_freeze_count() > 100_000)\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}", "LOG_LEVEL": "WARNING"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True", "True"]
