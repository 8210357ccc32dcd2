from sqlalchemy import inspect

from app.db import dialect_name, get_engine


def test_health_reports_backend_and_count(app, client, write_headers):
    from .helpers import create

    r = client.get("/api/v1/health")
    assert r.status_code == 200
    with app.app_context():
        backend = dialect_name()
    assert backend in ("sqlite", "postgresql")
    assert r.get_json() == {"status": "ok", "database": backend, "quotes": 0}
    create(client, write_headers)
    assert client.get("/api/v1/health").get_json()["quotes"] == 1
    # Pending quotes count, retracted ones do not.
    create(client, write_headers, text="A second quote, waiting for review.", status="pending_review")
    gone = create(client, write_headers, text="A third quote, soon retracted.")
    assert client.get("/api/v1/health").get_json()["quotes"] == 3
    r = client.delete(f"/api/v1/quotes/{gone['id']}", json={"reason": "Wrong transcript."}, headers=write_headers)
    assert r.status_code in (200, 204), r.get_data(as_text=True)
    assert client.get("/api/v1/health").get_json()["quotes"] == 2


def test_openapi_document_is_generated_from_schemas(client):
    spec = client.get("/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/health", "/api/v1/quotes", "/api/v1/quotes/import", "/api/v1/quotes/{quote_id}",
                 "/api/v1/quotes/{quote_id}/revisions", "/api/v1/speakers", "/api/v1/speakers/{speaker_id}",
                 "/api/v1/verify", "/api/v1/verify/batch"):
        assert path in paths, path
    assert "QuoteCreate" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert paths["/api/v1/quotes"]["post"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/v1/verify"]["post"]["summary"] == "Verify one quote"


def test_interactive_docs_are_served(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert b"swagger" in r.data.lower()


def test_interactive_docs_need_no_internet(client):
    # Every script and stylesheet /docs loads is served by the app itself.
    import re

    page = client.get("/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets, page
    for url in assets:
        assert url.startswith("/"), url
        r = client.get(url)
        assert r.status_code == 200 and len(r.data) > 1000, url
    assert client.get("/docs/assets/index.html").status_code == 404


def test_schema_comes_from_the_migrations(app):
    with app.app_context():
        engine = get_engine()
        tables = set(inspect(engine).get_table_names())
        assert {"quotes", "speakers", "speaker_aliases", "speaker_keys", "sources", "quote_revisions",
                "api_keys", "alembic_version"} <= tables
        if engine.dialect.name == "sqlite":
            assert "quotes_fts" in tables
        else:
            cols = {c["name"] for c in inspect(engine).get_columns("quotes")}
            assert "search_vector" in cols
