"""Read replicas against a real streaming replica (DATABASE_REPLICA_URLS).

The module starts its own PostgreSQL primary and a ``pg_basebackup -R``
replica of it on free loopback ports (tests/pg_cluster.py; ~3 s), runs the
migrations on the primary, and stops both at the end. The shared server on
:5432 is not touched. Skipped, saying why, where the PostgreSQL server
binaries are missing. Each test leaves both servers running and replaying.
"""
from __future__ import annotations

import json
import random
import time
import uuid

import pytest

from tests.pg_cluster import Cluster, unavailable_reason

@pytest.fixture(scope="module")
def cluster():
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"a streaming replica cannot be started here: {reason}")
    from app.db import make_engine
    from app.migrate import upgrade

    c = Cluster()
    try:
        c.start()
        engine = make_engine(c.primary_url)
        upgrade(engine)
        engine.dispose()
        c.wait_streaming()
        c.wait_replayed()
        yield c
    finally:
        c.close()


@pytest.fixture
def replicated(cluster):
    """make(**config) -> an application on the cluster's primary with its replica."""
    from app import create_app
    from app.db import get_engine
    replica_set = lambda a: type("N", (), {"replicas": []})

    apps = []

    def make(**config):
        application = create_app({
            "TESTING": True, "LOG_LEVEL": "WARNING", "DATABASE_URL": cluster.primary_url,
            "DATABASE_REPLICA_URLS": [cluster.replica_url], "DATABASE_REPLICA_MAX_LAG": 30.0,
            "DATABASE_REPLICA_CHECK_INTERVAL": 0.0,
            "JOBS_SWEEP_INTERVAL": 0,  # no job sweeps from these apps, as in tests/conftest.py
            **config})
        apps.append(application)
        return application

    yield make
    for application in apps:
        get_engine(application).dispose()
        for server in replica_set(application).replicas:
            server.engine.dispose()
    # Whatever a test did, the next one finds both servers up and replaying.
    try:
        cluster.psql(cluster.primary_port, "verbatim", "SELECT 1")
    except Exception:  # noqa: BLE001 - stopped by the test
        cluster.start_primary()
    try:
        cluster.psql(cluster.replica_port, "verbatim", "SELECT 1")
    except Exception:  # noqa: BLE001
        cluster.start_replica()
    if cluster.psql(cluster.replica_port, "verbatim", "SELECT pg_is_wal_replay_paused()") == "t":
        cluster.resume_replay()
    cluster.wait_streaming()
    cluster.wait_replayed()


def _key(app, *scopes):
    from app import auth
    from app.db import get_session

    with app.app_context():
        session = get_session()
        _, secret = auth.create_key(session, f"replica-test-{uuid.uuid4().hex[:6]}", scopes)
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


_WORDS = ("harbour bridge cyclists winter floods council budget railway station tunnel ferry island "
          "farmers harvest prices market fishing quota schools teachers hospital nurses doctors pension "
          "reform election ballot turnout mayor governor treaty border customs tariffs steel factory "
          "workers strike wages housing rents tenants museum library theatre orchestra festival forest "
          "wildfire drought reservoir canal airport runway satellite launch vaccine clinic").split()


def _quote(client, headers):
    """A quote of this test's own (unique words), stored through the API on the primary."""
    # Words of its own, so that no quote of another test in the module is near it.
    words = random.Random(uuid.uuid4().int).sample(_WORDS, 12)
    body = {"text": " ".join(words).capitalize() + ".",
            "speaker": "Ada Lindqvist", "spoken_at": "2025-09-03", "location": "Stockholm, Sweden"}
    r = client.post("/api/v1/quotes", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    return {**r.get_json(), "claim": {"text": body["text"], "speaker": "Ada Lindqvist"}}


def _verdict(client, claim, headers=None):
    r = client.post("/api/v1/verify", json=claim, headers=headers or {})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["verdict"]


def _replica_state(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert len(body["replicas"]) == 1, body
    return body, body["replicas"][0]


def _written_while_replay_is_paused(cluster, app):
    """(client, write headers, quote): the replica, current a moment ago, pauses its
    replay; then a quote is stored on the primary."""
    client = app.test_client()
    writer = _key(app, "write")
    cluster.wait_replayed()
    assert _verdict(client, {"text": "Nothing stored says this yet, surely not."}) == "unverified"
    cluster.pause_replay()
    return client, writer, _quote(client, writer)


def test_a_quote_written_on_the_primary_is_verified_from_the_replica_once_replayed(cluster, replicated):
    client, writer, quote = _written_while_replay_is_paused(cluster, replicated())
    # Not replayed yet: the verify is answered by the replica (within the
    # allowed lag), which does not have the quote...
    assert _verdict(client, quote["claim"]) == "unverified"
    # ...while a read of the record itself goes to the primary (read your writes).
    assert client.get(f"/api/v1/quotes/{quote['id']}", headers=writer).status_code == 200
    cluster.resume_replay()
    cluster.wait_replayed()
    assert _verdict(client, quote["claim"]) == "verified"
    # The search reads the replica too, and finds it now.
    r = client.get("/api/v1/quotes", query_string={"q": quote["text"].rstrip(".")})
    assert r.status_code == 200 and [q["id"] for q in r.get_json()["items"]] == [quote["id"]]
    body, replica = _replica_state(client)
    assert body["primary"] == "ok" and replica["state"] == "ok" and replica["lag_seconds"] < 30


def test_a_replica_that_stops_is_skipped_without_errors(cluster, replicated):
    # One application looks at the replica before every read; the other never
    # looks again, so it meets the stopped replica in the middle of a read.
    looking = replicated()
    trusting = replicated(DATABASE_REPLICA_CHECK_INTERVAL=3600.0)
    quote = _quote(looking.test_client(), _key(looking, "write"))
    cluster.wait_replayed()
    for app in (looking, trusting):
        assert _verdict(app.test_client(), quote["claim"]) == "verified"  # pools hold replica connections
    cluster.stop_replica()
    for app in (trusting, looking):
        client = app.test_client()
        assert _verdict(client, quote["claim"]) == "verified"
        r = client.post("/api/v1/verify/batch", json={"claims": [quote["claim"], quote["claim"]]})
        assert r.status_code == 200 and [x["verdict"] for x in r.get_json()["results"]] == ["verified"] * 2
        assert client.get("/api/v1/quotes", query_string={"speaker": "Ada Lindqvist"}).status_code == 200
        body, replica = _replica_state(client)
        assert body["status"] == "ok" and replica["state"] == "down" and replica["error"], body
    cluster.start_replica()
    cluster.wait_streaming()
    client = looking.test_client()
    assert _verdict(client, quote["claim"]) == "verified"
    assert _replica_state(client)[1]["state"] == "ok"


def test_the_primary_going_away_does_not_stop_verification_from_the_replica(cluster, replicated):
    app = replicated(REQUIRE_API_KEY_FOR_READ=True, DATABASE_REPLICA_MAX_LAG=1.0)
    client = app.test_client()
    reader, writer = _key(app, "read"), _key(app, "write")
    quote = _quote(client, writer)
    cluster.wait_replayed()
    cluster.stop_primary()
    # The key is checked on the replica; the verify and the article check run there.
    assert _verdict(client, quote["claim"], reader) == "verified"
    article = f'Ada Lindqvist said: "{quote["claim"]["text"]}"'
    r = client.post("/api/v1/articles/check", json={"text": article, "published_at": "2025-09-04"},
                    headers=reader)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["summary"]["verified"] == 1
    body, replica = _replica_state(client)
    assert (body["status"], body["primary"], replica["state"]) == ("degraded", "down", "ok")
    # Past the allowed lag, the replica (cut off from its primary, it cannot
    # know what it misses) is lagging; with the primary away it still answers.
    time.sleep(1.3)
    assert _replica_state(client)[1]["state"] == "lagging"
    assert _verdict(client, quote["claim"], reader) == "verified"
    # Writes need the primary: a clear 503 at once, not a hang.
    r = client.post("/api/v1/quotes", json={"text": "Anything at all.", "speaker": "Ada Lindqvist"},
                    headers=writer)
    assert r.status_code == 503, r.get_data(as_text=True)
    cluster.start_primary()
    cluster.wait_streaming()
    assert _verdict(client, quote["claim"], reader) == "verified"
    assert _replica_state(client)[0]["primary"] == "ok"


def test_a_lagging_replica_is_skipped(cluster, replicated):
    client, _, quote = _written_while_replay_is_paused(cluster, replicated(DATABASE_REPLICA_MAX_LAG=1.0))
    time.sleep(1.3)
    # The replica has not replayed the quote and is past the limit: the
    # primary answers, and knows the quote.
    body, replica = _replica_state(client)
    assert replica["state"] == "lagging" and replica["lag_seconds"] > 1.0, body
    assert _verdict(client, quote["claim"]) == "verified"
    cluster.resume_replay()
    cluster.wait_replayed()
    assert _replica_state(client)[1]["state"] == "ok"
    # An idle primary: nothing is written, the last replayed commit grows
    # old, yet the replica has everything and stays current.
    time.sleep(1.3)
    assert _replica_state(client)[1]["state"] == "ok"


def test_job_status_and_results_are_read_from_the_replica(cluster, replicated):
    app = replicated()
    client = app.test_client()
    writer = _key(app, "write")
    quote = _quote(client, writer)
    cluster.wait_replayed()
    cluster.pause_replay()
    body = "".join(json.dumps({**quote["claim"], "id": f"c{i}"}) + "\n" for i in range(3))
    r = client.post("/api/v1/jobs/verify", data=body, headers={**writer, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 202, r.get_data(as_text=True)
    job_id = r.get_json()["id"]
    # Not on the replica yet: its status is asked of the primary, never a 404.
    deadline = time.monotonic() + 30
    while True:
        r = client.get(f"/api/v1/jobs/{job_id}", headers=writer)
        assert r.status_code == 200, r.get_data(as_text=True)
        if r.get_json()["status"] in ("finished", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert r.get_json()["status"] == "finished", r.get_json()
    cluster.resume_replay()
    cluster.wait_replayed()
    cluster.stop_primary()
    # Status and answers, from the replica alone.
    r = client.get(f"/api/v1/jobs/{job_id}", headers=writer)
    assert r.status_code == 200 and r.get_json()["summary"]["verified"] == 3, r.get_data(as_text=True)
    r = client.get(f"/api/v1/jobs/{job_id}/results", headers=writer)
    assert r.status_code == 200, r.get_data(as_text=True)
    lines = [json.loads(x) for x in r.get_data(as_text=True).splitlines()]
    assert [(x["id"], x["verdict"]) for x in lines] == [("c0", "verified"), ("c1", "verified"), ("c2", "verified")]


def test_a_client_can_ask_to_read_its_own_write(cluster, replicated):
    app = replicated()
    client, writer, quote = _written_while_replay_is_paused(cluster, app)
    # The write's answer says where the primary's WAL stood after it...
    position = client.get(f"/api/v1/quotes/{quote['id']}", headers=writer).headers.get("Verbatim-Position")
    assert position is None  # (a read carries none)
    r = client.patch(f"/api/v1/quotes/{quote['id']}", json={"event": "Harbour committee"}, headers=writer)
    assert r.status_code == 200, r.get_data(as_text=True)
    position = r.headers["Verbatim-Position"]
    # ...and a read that asks for it passes over the replica that has not
    # replayed that far (paused): the primary answers, with the quote.
    assert _verdict(client, quote["claim"]) == "unverified"  # the replica, without the header
    assert _verdict(client, quote["claim"], {"Verbatim-Min-Position": position}) == "verified"
    r = client.get("/api/v1/quotes", query_string={"q": quote["text"].rstrip(".")},
                   headers={"Verbatim-Min-Position": position})
    assert [q["id"] for q in r.get_json()["items"]] == [quote["id"]]
    cluster.resume_replay()
    cluster.wait_replayed(position)
    assert _verdict(client, quote["claim"], {"Verbatim-Min-Position": position}) == "verified"
    assert _verdict(client, quote["claim"]) == "verified"
    r = client.post("/api/v1/verify", json=quote["claim"], headers={"Verbatim-Min-Position": "0/zz"})
    assert r.status_code == 400 and "Verbatim-Min-Position" in r.get_json()["errors"]


def test_replica_urls_are_read_from_the_environment_and_need_postgresql(tmp_path):
    from app import create_app
    from app.config import load_config

    cfg = load_config(str(tmp_path), {"DATABASE_REPLICA_URLS": " postgres://r1/db , postgresql://r2:5433/db,",
                                      "DATABASE_REPLICA_MAX_LAG": "2.5"})
    assert cfg["DATABASE_REPLICA_URLS"] == ["postgresql+psycopg://r1/db", "postgresql+psycopg://r2:5433/db"]
    assert cfg["DATABASE_REPLICA_MAX_LAG"] == 2.5
    assert load_config(str(tmp_path), {})["DATABASE_REPLICA_URLS"] == []
    with pytest.raises(ValueError, match="need a PostgreSQL DATABASE_URL"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                    "DATABASE_REPLICA_URLS": "postgresql://r1/db"})
