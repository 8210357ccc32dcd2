"""API keys: scopes, Bearer header, REQUIRE_API_KEY_FOR_READ."""
import pytest

from .helpers import assert_error, quote_body


def test_writes_need_a_write_key(client, make_key):
    body = quote_body()
    err = assert_error(client.post("/api/v1/quotes", json=body), 401)
    assert "write" in err["message"]
    r = client.post("/api/v1/quotes", json=body)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.post("/api/v1/quotes", json=body, headers=make_key("read")), 403)
    assert client.post("/api/v1/quotes", json=body, headers=make_key("write")).status_code == 201
    assert client.post("/api/v1/quotes", json=body, headers=make_key("admin")).status_code == 201
    assert client.post("/api/v1/quotes", json=body, headers=make_key("read", "write")).status_code == 201


@pytest.mark.parametrize("method,path", [
    ("post", "/api/v1/quotes"), ("post", "/api/v1/quotes/import"), ("patch", "/api/v1/quotes/1"),
    ("delete", "/api/v1/quotes/1"), ("post", "/api/v1/speakers"), ("patch", "/api/v1/speakers/1"),
])
def test_every_write_endpoint_is_closed(client, method, path):
    assert_error(getattr(client, method)(path, json={}), 401)


def test_auth_comes_before_validation(client, make_key):
    assert_error(client.post("/api/v1/quotes", data="{broken"), 401)
    assert_error(client.post("/api/v1/quotes", data="{broken", headers=make_key("read")), 403)


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", "Basic dXNlcjpwYXNz", "vbt_raw_key_without_scheme",
                                    "Bearer  "])
def test_bad_authorization_headers_are_401_even_on_open_endpoints(client, header):
    assert_error(client.post("/api/v1/quotes", json=quote_body(), headers={"Authorization": header}), 401)
    assert_error(client.get("/api/v1/quotes", headers={"Authorization": header}), 401)


def test_revoked_key_stops_working(app, client, make_key):
    headers = make_key("write")
    assert client.post("/api/v1/quotes", json=quote_body(), headers=headers).status_code == 201
    from sqlalchemy import select

    from app import auth
    from app.db import get_session
    from app.models import ApiKey

    with app.app_context():
        session = get_session()
        row = session.scalars(select(ApiKey).where(ApiKey.key_hash == auth.hash_key(
            headers["Authorization"].split()[1]))).one()
        auth.revoke_key(session, row)
        session.commit()
    assert_error(client.post("/api/v1/quotes", json=quote_body(), headers=headers), 401)


def test_keys_are_stored_hashed(app, make_key):
    headers = make_key("write")
    secret = headers["Authorization"].split()[1]
    from sqlalchemy import select

    from app.db import get_session
    from app.models import ApiKey

    with app.app_context():
        row = get_session().scalars(select(ApiKey)).one()
        assert secret not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
        assert secret.startswith(row.prefix)


def test_reads_are_open_by_default(client):
    assert client.get("/api/v1/quotes").status_code == 200
    assert client.get("/api/v1/speakers").status_code == 200
    assert client.post("/api/v1/verify", json={"text": "hello"}).status_code == 200


@pytest.mark.parametrize("app_config", [{"REQUIRE_API_KEY_FOR_READ": True}])
def test_require_api_key_for_read_closes_reads(client, make_key, app_config):
    read = make_key("read")
    for method, path, body in [
        ("get", "/api/v1/quotes", None), ("get", "/api/v1/quotes/1", None),
        ("get", "/api/v1/quotes/1/revisions", None), ("get", "/api/v1/speakers", None),
        ("get", "/api/v1/speakers/1", None), ("post", "/api/v1/verify", {"text": "hello"}),
        ("post", "/api/v1/verify/batch", {"claims": [{"text": "hello"}]}),
    ]:
        assert_error(getattr(client, method)(path, json=body), 401)
        r = getattr(client, method)(path, json=body, headers=read)
        assert r.status_code in (200, 404), (path, r.get_json())
    # Health stays open for load balancers.
    assert client.get("/api/v1/health").status_code == 200


def test_require_api_key_for_read_from_environment(monkeypatch, database_url):
    from tests.conftest import make_app

    monkeypatch.setenv("REQUIRE_API_KEY_FOR_READ", "true")
    app = make_app(database_url)
    assert app.config["REQUIRE_API_KEY_FOR_READ"] is True
    assert_error(app.test_client().get("/api/v1/quotes"), 401)


def test_keys_api_needs_admin(client, make_key):
    assert_error(client.get("/api/v1/keys"), 401)
    assert_error(client.get("/api/v1/keys", headers=make_key("write")), 403)
    admin = make_key("admin", name="root")
    r = client.post("/api/v1/keys", json={"name": "cms plugin", "scopes": ["read", "write"]}, headers=admin)
    assert r.status_code == 201
    created = r.get_json()
    assert created["key"].startswith(created["prefix"]) and created["scopes"] == ["read", "write"]
    new_headers = {"Authorization": f"Bearer {created['key']}"}
    assert client.post("/api/v1/quotes", json=quote_body(), headers=new_headers).status_code == 201
    listed = client.get("/api/v1/keys", headers=admin).get_json()
    assert {k["name"] for k in listed} == {"test", "root", "cms plugin"}
    assert all("key" not in k for k in listed)
    r = client.delete(f"/api/v1/keys/{created['id']}", headers=admin)
    assert r.get_json()["revoked_at"]
    assert_error(client.post("/api/v1/quotes", json=quote_body(), headers=new_headers), 401)
    assert_error(client.post("/api/v1/keys", json={"name": "x", "scopes": ["root"]}, headers=admin), 422)
    assert_error(client.delete("/api/v1/keys/999", headers=admin), 404)
