"""Rate limits: per key and per address, costs by the work, 429 with Retry-After, /health exempt."""
import os
import shutil
import socket
import subprocess
import time
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


def _limited(r):
    """The rate-limit headers of an answer, checked for shape."""
    limit, remaining, reset = (int(r.headers[h]) for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining",
                                                             "X-RateLimit-Reset"))
    retry_after = int(r.headers["Retry-After"])
    assert time.time() - 1 <= reset <= time.time() + 61 and 0 <= retry_after <= 60
    return limit, remaining


def test_the_headers_on_an_answer_and_on_a_refusal_and_none_on_exempt_answers(client):
    assert _limited(client.post("/api/v1/verify", json={"text": "hello there"})) == (150, 149)
    assert _limited(client.post("/api/v1/verify/batch", json=batch(100))) == (150, 49)
    r = client.post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 429 and _limited(r) == (150, 49)
    exempt = [client.get("/api/v1/health"), client.get("/api/v1/no-such-thing"), client.delete("/api/v1/health"),
              client.get("/openapi.json"), client.options("/api/v1/verify")]
    for r in exempt:
        assert not [h for h in r.headers.keys() if h.startswith("X-RateLimit") or h == "Retry-After"], r.request.path


def test_a_refused_batch_spends_nothing(client):
    assert client.post("/api/v1/verify/batch", json=batch(100)).status_code == 200
    for _ in range(3):
        assert client.post("/api/v1/verify/batch", json=batch(51)).status_code == 429
    r = client.post("/api/v1/verify/batch", json=batch(50))
    assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == "0"


def test_a_request_costs_at_most_the_whole_budget(client):
    r = client.post("/api/v1/quotes/import", data=b"x" * 2_000_000)  # 200 units asked, 150 in the budget
    assert r.headers["X-RateLimit-Remaining"] == "0"


def test_limits_off_means_no_headers_and_no_refusals(database_url, app_config):
    from tests.conftest import make_app

    client = make_app(database_url, **app_config, RATE_LIMIT_ENABLED=False).test_client()
    for _ in range(3):
        r = client.post("/api/v1/verify/batch", json=batch(100))
        assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers and "Retry-After" not in r.headers


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_redis_down_requests_are_answered_and_counted_in_memory_until_it_is_back(database_url, app_config):
    """A Redis URL on a closed port: every answer still comes, the budget is
    counted in the process; once a Redis answers there, the counters are its."""
    from app.limits import budgets
    from tests.conftest import make_app

    port = _free_port()
    config = {**app_config, "RATE_LIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0"}
    app = make_app(database_url, **config)
    client = app.test_client()
    r = client.post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == "50"
    assert budgets(app).store_down
    r = client.post("/api/v1/verify/batch", json=batch(100))
    assert r.status_code == 429 and r.headers["Retry-After"]
    assert client.get("/api/v1/quotes").status_code == 200

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("the return to Redis needs redis-server")
    redis = pytest.importorskip("redis")
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                redis.Redis(port=port, socket_connect_timeout=1).ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        budgets(app).RECHECK_AFTER_S = (0,)  # ask again at once rather than after a second
        r = client.post("/api/v1/verify/batch", json=batch(100))  # Redis's counters are empty
        assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == "50"
        assert not budgets(app).store_down
        other = make_app(database_url, **config).test_client()  # another worker sees what was spent
        assert other.post("/api/v1/verify/batch", json=batch(100)).status_code == 429
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_budget_is_one_limit(database_url, app_config):
    from tests.conftest import make_app

    with pytest.raises(ValueError, match="RATE_LIMIT_ANONYMOUS must be one limit"):
        make_app(database_url, **{**app_config, "RATE_LIMIT_ANONYMOUS": "10 per second; 600 per minute"})
