"""Job webhooks, against a real HTTP receiver on loopback (a thread started and stopped by each test).

The receiver records every request (path, headers, raw body, when) and
answers from a script (a status per request, 200 once the script is used
up, redirects, or holding the answer until the test lets go). Loopback is a
refused target by default; these tests allow 127.0.0.0/8 with
WEBHOOK_ALLOWED_NETWORKS, except where the refusal is what is tested. Both
databases (the ``app`` fixture); the RQ test needs the real Redis.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sqlalchemy import text

from app import job_processing, jobs, webhooks
from app.db import get_engine

from .helpers import assert_error
from .test_jobs import CORRECT, MOSCOW_IN_PARIS, UNRELATED, ndjson, rq_app, wait_for, work  # noqa: F401

FAST = {"WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "WEBHOOK_RETRY_BASE": 0.2, "WEBHOOK_RETRY_MAX": 5,
        "WEBHOOK_POLL_SECONDS": 0.1, "WEBHOOK_TIMEOUT": 5}


@pytest.fixture
def app_config():
    return dict(FAST)


@pytest.fixture(autouse=True)
def _clean(app):
    with get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM job_webhooks"))
        conn.execute(text("DELETE FROM job_items"))
        conn.execute(text("DELETE FROM jobs"))
    yield
    webhooks.dispatcher(app).stop()


class Receiver:
    """A webhook receiver: ``script`` holds what to answer (a status, or ("redirect", path))."""

    def __init__(self):
        self.script: list = []
        self.received: list[dict] = []
        self.hold = threading.Event()
        self.hold.set()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "at": time.monotonic()})
                    step = receiver.script.pop(0) if receiver.script else 200
                receiver.hold.wait(30)
                if isinstance(step, tuple):
                    self.send_response(307)
                    self.send_header("Location", step[1])
                else:
                    self.send_response(step)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count, timeout=20.0):
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"the receiver got {len(self.received)} request(s), not {count}")
            time.sleep(0.02)
        return self.received

    def close(self):
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def signing_key(runner):
    """(headers, webhook secret) of a write key created by the CLI with --webhook-secret."""
    out = runner.invoke(args=["keys", "create", "desk", "--scope", "write", "--webhook-secret"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    key, secret = lines[0], lines[1]
    assert key.startswith("vbt_") and secret.startswith("whsec_")
    return {"Authorization": f"Bearer {key}"}, secret


def submit(client, headers, body, **params):
    return client.post("/api/v1/jobs/verify", data=body, query_string=params,
                       headers={**headers, "Content-Type": "application/x-ndjson"})


def delivery(client, job_id, state=("delivered", "failed"), timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}").get_json()
        deliveries = (job.get("webhook") or {}).get("deliveries") or []
        if deliveries and deliveries[0]["state"] in state:
            return job, deliveries[0]
        if time.monotonic() > deadline:
            pytest.fail(f"no delivery in {state} after {timeout}s: {job.get('webhook')}")
        time.sleep(0.05)


def check_signature(secret, request):
    """What a receiver does (docs/jobs.md): the HMAC of the raw body, and a fresh timestamp."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, request["headers"]["X-Verbatim-Signature"])
    stamp = int(request["headers"]["X-Verbatim-Timestamp"])
    assert abs(time.time() - stamp) < 300
    payload = json.loads(request["body"])
    assert payload["timestamp"] == stamp  # inside the signed body: a replay cannot change it
    return payload


def docs_receiver():
    """The Python example of docs/jobs.md ("Checking the signature"), as a function."""
    import os
    import re

    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "jobs.md"), encoding="utf-8") as f:
        doc = f.read()
    code = re.search(r"### Checking the signature\s+```python\n(.*?)```", doc, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verbatim_webhook"]


def test_a_finished_job_posts_a_signed_summary(demo, live_server, client, receiver, signing_key):
    headers, secret = signing_key
    # A browser or curl form: the callback and the name as form fields, over real HTTP.
    r = requests.post(f"{live_server}/api/v1/jobs/verify", headers=headers, timeout=30,
                      files={"file": ("claims.jsonl", ndjson(MOSCOW_IN_PARIS, UNRELATED, CORRECT))},
                      data={"callback_url": receiver.url + "/hooks/verbatim?desk=1", "name": "Sept archive"})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert r.json()["webhook"] == {"url": receiver.url + "/hooks/verbatim?desk=1", "deliveries": []}
    [request] = receiver.wait(1)
    assert request["path"] == "/hooks/verbatim?desk=1"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Verbatim-Event"] == "job.finished"
    payload = check_signature(secret, request)
    assert payload["id"] == job_id and payload["status"] == "finished" and payload["name"] == "Sept archive"
    assert payload["event"] == "job.finished" and payload["delivery"] == request["headers"]["X-Verbatim-Delivery"]
    assert (payload["total"], payload["done"], payload["rejected"]) == (3, 3, 0)
    assert payload["summary"] == {"verified": 1, "mismatch": 1, "unverified": 1, "error": 0}
    assert payload["url"] == f"{live_server}/api/v1/jobs/{job_id}"
    assert payload["results"] == {"ndjson": f"{live_server}/api/v1/jobs/{job_id}/results",
                                  "csv": f"{live_server}/api/v1/jobs/{job_id}/results?format=csv"}
    assert requests.get(payload["results"]["csv"], timeout=10).text.count("\r\n") == 4

    # The receiver's check that docs/jobs.md gives, run on the real request.
    documented = docs_receiver()
    assert documented(secret, request["body"], request["headers"])["id"] == job_id
    with pytest.raises(ValueError):
        documented(secret, request["body"].replace(b'"finished"', b'"failed"'), request["headers"])
    with pytest.raises(ValueError):
        documented("whsec_another", request["body"], request["headers"])

    job, sent = delivery(client, job_id)
    assert sent["state"] == "delivered" and sent["attempts"] == 1 and sent["id"] == payload["delivery"]
    assert sent["log"][0]["status"] == 200 and "error" not in sent["log"][0]
    time.sleep(0.5)
    assert len(receiver.received) == 1


def test_failures_are_retried_with_backoff_then_delivered(demo, client, receiver, signing_key):
    headers, secret = signing_key
    receiver.script = [500, 503, 200]
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url + "/hook").get_json()["id"]
    got = receiver.wait(3)
    _, sent = delivery(client, job_id)
    assert sent["state"] == "delivered" and sent["attempts"] == 3
    assert [a.get("status") for a in sent["log"]] == [500, 503, 200]
    assert "answered 500" in sent["log"][0]["error"]
    first, second = got[1]["at"] - got[0]["at"], got[2]["at"] - got[1]["at"]
    assert first >= 0.2 and second >= 0.4  # 0.2 s, then doubled
    assert len({g["headers"]["X-Verbatim-Delivery"] for g in got}) == 1  # one delivery, three attempts
    for g in got:
        check_signature(secret, g)


def test_retries_stop_after_the_bounded_time(app, demo, client, receiver, signing_key):
    app.config["WEBHOOK_RETRY_FOR"] = 1.0  # attempts at 0, 0.2, 0.6 s; the next (1.4 s) is too late
    headers, _ = signing_key
    receiver.script = [500] * 10
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    _, sent = delivery(client, job_id, state=("failed",))
    assert sent["attempts"] == 3 and sent["next_attempt_at"] is None and sent["ended_at"]
    time.sleep(0.8)
    assert len(receiver.received) == 3


def test_a_failed_job_is_reported_too(app, demo, client, receiver, signing_key, monkeypatch):
    headers, secret = signing_key

    def broken(session, claim, limit):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(job_processing, "_verify_one", broken)
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    [request] = receiver.wait(1)
    payload = check_signature(secret, request)
    assert payload["event"] == "job.failed" and payload["status"] == "failed"
    assert "disk on fire" in payload["error"] and payload["done"] == 0


def test_the_same_end_is_sent_once(app, demo, second_app, client, receiver, signing_key):
    """A runner that reports the same end twice, and two processes attempting at once: one request."""
    headers, _ = signing_key
    receiver.hold.clear()  # the first attempt waits for the test
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    receiver.wait(1)
    first = webhooks.job_ended(app, job_id)
    assert webhooks.job_ended(second_app, job_id) == first  # stored once
    # Another process looks for due deliveries while the first attempt is out: it holds the lease.
    assert webhooks.attempt_due(second_app) == 0
    receiver.hold.set()
    _, sent = delivery(client, job_id)
    assert sent["state"] == "delivered" and sent["attempts"] == 1 and sent["id"] == first
    assert webhooks.attempt_due(second_app) == 0
    time.sleep(0.3)
    assert len(receiver.received) == 1


def test_a_slow_receiver_does_not_hold_the_runner(app, demo, client, receiver, signing_key, write_headers):
    headers, _ = signing_key
    app.config["JOBS_THREADS"] = 1  # one runner thread: it must be free for the next job
    receiver.hold.clear()
    first = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    receiver.wait(1)  # the webhook is out, and its answer held
    assert wait_for(client, first)["status"] == "finished"
    second = submit(client, write_headers, ndjson(CORRECT)).get_json()["id"]
    assert wait_for(client, second, timeout=10)["status"] == "finished"
    assert client.get(f"/api/v1/jobs/{first}").get_json()["webhook"]["deliveries"][0]["state"] == "pending"
    receiver.hold.set()
    assert delivery(client, first)[1]["state"] == "delivered"


# --- addresses -------------------------------------------------------------------------------


def test_loopback_and_private_callbacks_are_refused_unless_allowed(app, client, receiver, signing_key):
    headers, _ = signing_key
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = ""
    for url, kind in ((receiver.url, "loopback"), ("http://10.1.2.3/hook", "private"),
                      ("http://169.254.169.254/latest", "link-local"), ("http://[::1]:8/x", "loopback")):
        err = assert_error(submit(client, headers, ndjson(UNRELATED), callback_url=url), 422)
        assert kind in err["errors"]["callback_url"][0] and "WEBHOOK_ALLOW" in err["message"], err
    err = assert_error(submit(client, headers, ndjson(UNRELATED), callback_url="ftp://example.org/x"), 422)
    assert "http" in err["errors"]["callback_url"][0]
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = "10.0.0.0/33"  # the operator's mistake: 503, not the client's 422
    assert "WEBHOOK_ALLOWED_NETWORKS" in assert_error(
        submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url), 503)["message"]
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = ""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    assert submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).status_code == 202
    assert receiver.wait(1)


def test_every_redirect_is_checked(app, demo, client, receiver, signing_key):
    headers, secret = signing_key
    receiver.script = [("redirect", "/moved"), 200]
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url + "/old").get_json()["id"]
    got = receiver.wait(2)
    assert [g["path"] for g in got] == ["/old", "/moved"] and got[0]["body"] == got[1]["body"]
    _, sent = delivery(client, job_id)
    assert sent["state"] == "delivered" and sent["log"][0]["redirected_to"] == receiver.url + "/moved"

    # A receiver that sends the POST on to the cloud metadata address: refused, never reached.
    app.config["WEBHOOK_RETRY_FOR"] = 0.1
    receiver.script = [("redirect", "http://169.254.169.254/latest/meta-data/")]
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url + "/evil").get_json()["id"]
    _, sent = delivery(client, job_id)
    assert sent["state"] == "failed" and sent["attempts"] == 1
    assert "169.254.169.254" in sent["log"][0]["error"] and "link-local" in sent["log"][0]["error"]
    assert [g["path"] for g in receiver.received[2:]] == ["/evil"]


# --- keys and secrets ----------------------------------------------------------------------------


def test_a_callback_needs_a_key_with_a_webhook_secret(app, client, runner, receiver, write_headers, make_key):
    err = assert_error(submit(client, write_headers, ndjson(UNRELATED), callback_url=receiver.url), 422)
    assert "--webhook-secret" in err["errors"]["callback_url"][0] and "keys webhook-secret" in err["message"]
    token = write_headers["Authorization"].split()[1]
    out = runner.invoke(args=["keys", "webhook-secret", token])
    assert out.exit_code == 0, out.output
    secret = out.stdout.strip().splitlines()[-1]
    assert secret.startswith("whsec_")
    r = submit(client, write_headers, ndjson(UNRELATED), callback_url=receiver.url)
    assert r.status_code == 202, r.get_json()
    check_signature(secret, receiver.wait(1)[0])

    # Over HTTP: an admin creates a key with a secret; it is shown once.
    admin = make_key("admin")
    created = client.post("/api/v1/keys", json={"name": "cms", "scopes": ["write"], "webhook_secret": True},
                          headers=admin).get_json()
    assert created["webhook_secret"].startswith("whsec_") and created["has_webhook_secret"] is True
    listed = {k["id"]: k for k in client.get("/api/v1/keys", headers=admin).get_json()}
    assert listed[created["id"]]["has_webhook_secret"] is True and "webhook_secret" not in listed[created["id"]]
    plain = client.post("/api/v1/keys", json={"name": "plain", "scopes": ["write"]}, headers=admin).get_json()
    assert plain["webhook_secret"] is None and plain["has_webhook_secret"] is False


def test_a_job_of_a_revoked_key_is_not_signed_nor_sent(app, demo, client, runner, receiver, signing_key):
    headers, _ = signing_key
    receiver.hold.clear()
    receiver.script = [500]
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    receiver.wait(1)
    assert runner.invoke(args=["keys", "revoke", headers["Authorization"].split()[1]]).exit_code == 0
    receiver.hold.set()
    _, sent = delivery(client, job_id, state=("failed",))
    assert sent["attempts"] == 2 and "revoked" in sent["log"][1]["error"]
    assert len(receiver.received) == 1


# --- at scale: the job ends in an RQ worker ------------------------------------------------------


def test_a_job_run_by_an_rq_worker_is_delivered_by_the_web_process(rq_app, second_app, demo, client, receiver,
                                                                   signing_key):
    headers, secret = signing_key
    job_id = submit(client, headers, ndjson(CORRECT), callback_url=receiver.url).get_json()["id"]
    time.sleep(0.3)
    assert receiver.received == []  # queued: nothing ran yet
    # The worker is another application (as another process would be) that sends nothing itself:
    # the web process's dispatcher, started at submission, finds the delivery it stored.
    second_app.config.update(REDIS_URL=rq_app.config["REDIS_URL"], JOBS_QUEUE=rq_app.config["JOBS_QUEUE"])
    webhooks.dispatcher(second_app).stop()
    work(second_app)  # a real RQ worker (burst) finishes the job and stores the delivery
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "finished", job
    assert delivery(client, job_id)[1]["state"] == "delivered"
    payload = check_signature(secret, receiver.wait(1)[0])
    assert payload["id"] == job_id and payload["summary"]["verified"] == 1


def test_an_end_the_runner_did_not_report_is_sent_anyway(rq_app, second_app, demo, client, receiver, signing_key,
                                                         monkeypatch):
    """A worker that dies between storing `finished` and storing the delivery (here: never stores it):
    the web process's dispatcher finds the ended job without a delivery, stores it and sends it."""
    headers, secret = signing_key
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    second_app.config.update(REDIS_URL=rq_app.config["REDIS_URL"], JOBS_QUEUE=rq_app.config["JOBS_QUEUE"])
    monkeypatch.setattr(webhooks, "job_ended", lambda app, job_id: None)
    work(second_app)
    assert client.get(f"/api/v1/jobs/{job_id}").get_json()["status"] == "finished"
    payload = check_signature(secret, receiver.wait(1)[0])
    assert payload["id"] == job_id and payload["event"] == "job.finished"
    assert delivery(client, job_id)[1]["attempts"] == 1


def test_the_command_line_sends_what_is_due(app, demo, client, runner, receiver, signing_key):
    headers, _ = signing_key
    webhooks.dispatcher(app).stop()  # no thread in this process: the command does it
    job_id = submit(client, headers, ndjson(UNRELATED), callback_url=receiver.url).get_json()["id"]
    wait_for(client, job_id)
    time.sleep(0.3)
    assert receiver.received == []
    out = runner.invoke(args=["webhooks", "deliver", "--wait"])
    assert out.exit_code == 0 and "1 attempt(s) made" in out.output, out.output
    assert len(receiver.received) == 1 and delivery(client, job_id)[1]["state"] == "delivered"


def test_a_job_finished_by_a_command_is_sent_before_it_exits(app, demo, receiver, signing_key):
    """`flask jobs resume` in a process of its own ends the job; its delivery is made before it exits."""
    import os
    import subprocess
    import sys

    from sqlalchemy import select

    from app.auth import hash_key
    from app.db import get_session
    from app.models import ApiKey

    with app.app_context():
        session = get_session()
        key_id = session.scalar(select(ApiKey.id).where(
            ApiKey.key_hash == hash_key(signing_key[0]["Authorization"].split()[1])))
        job, _ = jobs.create_job(session, jobs.iter_ndjson(ndjson(UNRELATED, CORRECT).splitlines()), max_claims=10,
                                 api_key_id=key_id)
        job.callback_url, job.base_url = receiver.url + "/cli", "http://verbatim.test/"
        job_id = job.id
        session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
           "REDIS_URL": "", "LOG_LEVEL": "WARNING"}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "resume", job_id], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [r["path"] for r in receiver.received] == ["/cli"]  # sent before the process exited
    payload = json.loads(receiver.received[0]["body"])
    assert payload["url"] == f"http://verbatim.test/api/v1/jobs/{job_id}" and payload["done"] == 2
