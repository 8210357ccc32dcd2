"""Rate limits: per key and per address, costs by the work, 429 with Retry-After, /health exempt."""
import os
import uuid

import pytest

from .helpers import assert_error

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def app_config():
    return {"RATE_LIMIT_ANONYMOUS": "150 per minute", "RATE_LIMIT_PER_KEY": "250 per minute",
            "RATE_LIMIT_KEY_PREFIX": f"vb-test-{uuid.uuid4().hex[:8]}"}


def batch(n):
    return {"claims": [{"text": f"claim number {i} about the weather"} for i in range(n)]}


def test_a_batch_costs_its_claims_and_the_address_budget_runs_out(client):
    r = client.post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 200
    assert r.headers["X-RateLimit-Limit"] == "150" and r.headers["X-RateLimit-Remaining"] == "50"
    err = assert_error(client.post("/api/v1/verify/batch", json=batch(100)), 429)
    assert "150 per 1 minute" in err["message"]
    r = client.post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
    for _ in range(50):  # single claims still fit what is left
        assert client.post("/api/v1/verify", json={"text": "hello there"}).status_code == 200
    assert_error(client.post("/api/v1/verify", json={"text": "hello there"}), 429)
    assert_error(client.get("/api/v1/quotes"), 429)


def test_health_and_the_docs_are_never_limited(client):
    client.post("/api/v1/verify/batch", json=batch(100))
    client.post("/api/v1/verify/batch", json=batch(50))
    assert client.post("/api/v1/verify", json={"text": "hello"}).status_code == 429
    for _ in range(5):
        r = client.get("/api/v1/health")
        assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_a_key_has_its_own_budget(client, make_key):
    reader, other = make_key("read", name="desk a"), make_key("read", name="desk b")
    assert client.post("/api/v1/verify/batch", json=batch(100)).status_code == 200
    assert client.post("/api/v1/verify/batch", json=batch(100)).status_code == 429  # the address is spent
    for _ in range(2):
        r = client.post("/api/v1/verify/batch", json=batch(100), headers=reader)
        assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "250"
    assert_error(client.post("/api/v1/verify/batch", json=batch(100), headers=reader), 429)
    assert client.post("/api/v1/verify/batch", json=batch(100), headers=other).status_code == 200


def test_a_made_up_key_spends_the_address_budget(client):
    bad = {"Authorization": "Bearer vbt_made-up"}
    assert_error(client.post("/api/v1/verify", json={"text": "hello"}, headers=bad), 401)
    client.post("/api/v1/verify/batch", json=batch(100))
    client.post("/api/v1/verify/batch", json=batch(49))
    assert_error(client.post("/api/v1/verify", json={"text": "hello"}, headers=bad), 429)


def test_costs_reflect_the_work(app):
    from app.limits import request_cost

    cases = [("/api/v1/verify/batch", batch(37), None, 37), ("/api/v1/verify", {"text": "a"}, None, 1),
             ("/api/v1/articles/check", {"text": "x" * 9000}, None, 5),
             ("/api/v1/quotes/import", None, b"x" * 250_000, 25), ("/api/v1/quotes/import", None, b"x", 10),
             ("/api/v1/verify/batch", None, b"{not json", 1)]
    for path, body, data, want in cases:
        kwargs = {"json": body} if body is not None else {"data": data}
        with app.test_request_context(path, method="POST", **kwargs):
            assert request_cost() == want, path


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_TEST_URL}: {exc}")
    return REDIS_TEST_URL


def test_with_redis_every_worker_shares_the_budget(database_url, redis_url, app_config):
    """Two application instances (two gunicorn workers) on one Redis: what
    one spent, the other cannot spend again."""
    from tests.conftest import make_app

    config = {**app_config, "REDIS_URL": redis_url}
    first, second = make_app(database_url, **config), make_app(database_url, **config)
    assert first.test_client().post("/api/v1/verify/batch", json=batch(100)).status_code == 200
    r = second.test_client().post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 429 and r.headers["Retry-After"]


def test_without_redis_each_process_counts_in_memory(database_url, app_config):
    from tests.conftest import make_app

    first, second = make_app(database_url, **app_config), make_app(database_url, **app_config)
    assert first.test_client().post("/api/v1/verify/batch", json=batch(100)).status_code == 200
    assert second.test_client().post("/api/v1/verify/batch", json=batch(100)).status_code == 200
