"""Security headers on every answer; CORS only for the origins configured."""
import base64
import hashlib
import re

import pytest

from .helpers import assert_error


def test_json_answers_carry_the_security_headers(client):
    for r in (client.get("/api/v1/health"), client.get("/api/v1/quotes/999"),
              client.post("/api/v1/verify", json={"text": "hello there"}), client.get("/openapi.json")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_docs_page_allows_only_its_own_scripts(client):
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["X-Content-Type-Options"] == "nosniff"
    policy = r.headers["Content-Security-Policy"]
    assert "http:" not in policy and "https:" not in policy and "'unsafe-eval'" not in policy
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src
    page = r.get_data(as_text=True)
    for inline in re.findall(r"<script>(.*?)</script>", page, re.S):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    for src in re.findall(r'<script src="([^"]+)"', page):
        assert src.startswith("/")
    assert "frame-ancestors 'none'" in policy


def test_redoc_is_not_served_from_a_cdn(client):
    assert_error(client.get("/redoc"), 404)


def test_a_503_says_when_to_retry(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")  # no schema: the database answers errors
    r = app.test_client().get("/api/v1/health")
    assert_error(r, 503)
    assert int(r.headers["Retry-After"]) > 0
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_no_cors_by_default(client):
    r = client.options("/api/v1/verify", headers={"Origin": "https://cms.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.post("/api/v1/verify", json={"text": "hello there"}, headers={"Origin": "https://cms.example"})
    assert "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("app_config", [{"CORS_ORIGINS": "https://cms.example, https://desk.example/"}])
def test_configured_origins_get_cors_and_preflight(client, app_config, write_headers):
    r = client.options("/api/v1/quotes/import", headers={
        "Origin": "https://cms.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://cms.example"
    allowed = {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "POST" in r.headers["Access-Control-Allow-Methods"] and int(r.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in r.headers
    r = client.post("/api/v1/verify", json={"text": "hello there"}, headers={"Origin": "https://desk.example"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "https://desk.example"
    assert "Origin" in r.headers["Vary"] and "Location" in r.headers["Access-Control-Expose-Headers"]
    r = client.post("/api/v1/verify", json={"text": "hello there"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.options("/api/v1/verify", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("app_config", [{"CORS_ORIGINS": "*"}])
def test_a_wildcard_allows_any_origin_without_credentials(client, app_config):
    r = client.post("/api/v1/verify", json={"text": "hello there"}, headers={"Origin": "https://any.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_credentials_with_a_wildcard_are_refused(database_url):
    from tests.conftest import make_app

    with pytest.raises(ValueError, match="CORS_ALLOW_CREDENTIALS"):
        make_app(database_url, CORS_ORIGINS="*", CORS_ALLOW_CREDENTIALS=True)
    app = make_app(database_url, CORS_ORIGINS="https://cms.example", CORS_ALLOW_CREDENTIALS=True)
    r = app.test_client().get("/api/v1/health", headers={"Origin": "https://cms.example"})
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Allow-Origin"] == "https://cms.example"
