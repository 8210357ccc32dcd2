"""Configuration from environment variables.

Every setting has a safe default for a laptop: an SQLite file under
``instance/``, reads open, small request bodies. Production sets
``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY`` and, for a newsroom whose drafts
are confidential, ``REQUIRE_API_KEY_FOR_READ=true``.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

MB = 1024 * 1024

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r} (use true or false)")


def env_int(value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    return int(value.strip())


def normalize_database_url(url: str) -> str:
    """Make a database URL use the drivers we ship.

    Hosting platforms hand out ``postgres://`` or ``postgresql://`` URLs;
    SQLAlchemy would pick psycopg2 for those, which is not installed. We use
    psycopg 3, so the URL is rewritten to ``postgresql+psycopg://``.
    """
    url = url.strip()
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def replica_urls(value: str | None) -> list[str]:
    """DATABASE_REPLICA_URLS: comma-separated URLs, each normalised like DATABASE_URL."""
    return [normalize_database_url(part) for part in (value or "").split(",") if part.strip()]


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "verbatim.db")


def load_config(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The application's settings, read from ``environ`` (default: os.environ)."""
    env = os.environ if environ is None else environ
    database_url = env.get("DATABASE_URL") or default_database_url(instance_path)
    return {
        # Flask
        "SECRET_KEY": env.get("SECRET_KEY", "dev-only-not-secret"),
        # Every endpoint except the import takes at most this many bytes.
        "MAX_CONTENT_LENGTH": env_int(env.get("MAX_CONTENT_LENGTH"), 1 * MB),
        # The bulk import takes more (5,000 quotes with sources are ~3 MB).
        "IMPORT_MAX_CONTENT_LENGTH": env_int(env.get("IMPORT_MAX_CONTENT_LENGTH"), 50 * MB),
        # Database
        "DATABASE_URL": normalize_database_url(database_url),
        "DATABASE_POOL_SIZE": env_int(env.get("DATABASE_POOL_SIZE"), 5),
        "SQLITE_BUSY_TIMEOUT_MS": env_int(env.get("SQLITE_BUSY_TIMEOUT_MS"), 15000),
        "SQLITE_CACHE_MB": env_int(env.get("SQLITE_CACHE_MB"), 64),
        "SQLITE_MMAP_MB": env_int(env.get("SQLITE_MMAP_MB"), 0),
        "DATABASE_ECHO": env_bool(env.get("DATABASE_ECHO")),
        # Read replicas (PostgreSQL streaming replicas of DATABASE_URL; see
        # app/replicas.py): comma-separated URLs. Verify, article checks,
        # searches and job reads go to a replica that is up and at most
        # DATABASE_REPLICA_MAX_LAG seconds behind; writes, and reads that
        # must see the caller's own writes, go to the primary.
        "DATABASE_REPLICA_URLS": replica_urls(env.get("DATABASE_REPLICA_URLS")),
        "DATABASE_REPLICA_MAX_LAG": float(env.get("DATABASE_REPLICA_MAX_LAG") or 10),
        # How often each process looks at a replica's state (seconds), and
        # how long it waits to connect to one that does not answer.
        "DATABASE_REPLICA_CHECK_INTERVAL": float(env.get("DATABASE_REPLICA_CHECK_INTERVAL") or 1),
        "DATABASE_REPLICA_CONNECT_TIMEOUT": env_int(env.get("DATABASE_REPLICA_CONNECT_TIMEOUT"), 2),
        # Access
        "REQUIRE_API_KEY_FOR_READ": env_bool(env.get("REQUIRE_API_KEY_FOR_READ")),
        # Verification
        "CANDIDATE_LIMIT": env_int(env.get("CANDIDATE_LIMIT"), 40),
        "BATCH_MAX_CLAIMS": env_int(env.get("BATCH_MAX_CLAIMS"), 100),
        # Quotes one article check verifies (a long feature has ~50).
        "ARTICLE_MAX_QUOTES": env_int(env.get("ARTICLE_MAX_QUOTES"), 500),
        "IMPORT_CHUNK_SIZE": env_int(env.get("IMPORT_CHUNK_SIZE"), 1000),
        # Import bodies above this are imported in the background (202 and a
        # status URL), where no server time-out can cut them (~17,000 quotes).
        "IMPORT_SYNC_MAX_BYTES": env_int(env.get("IMPORT_SYNC_MAX_BYTES"), 10 * MB),
        # How long a request's Idempotency-Key answer is kept (app/idempotency.py).
        "IDEMPOTENCY_TTL_HOURS": env_int(env.get("IDEMPOTENCY_TTL_HOURS"), 24),
        # Processes that prepare a large import's rows (0: all in the
        # importing process). One is enough on two cores: the importing
        # process, which validates and writes, is the slower stage.
        "IMPORT_WORKERS": env_int(env.get("IMPORT_WORKERS"), 1),
        # Fetching pages for POST /sources/ingest (see app/fetch.py).
        "ALLOW_PRIVATE_FETCH": env_bool(env.get("ALLOW_PRIVATE_FETCH")),
        "FETCH_ALLOWED_NETWORKS": env.get("FETCH_ALLOWED_NETWORKS", ""),
        "FETCH_CONNECT_TIMEOUT": float(env.get("FETCH_CONNECT_TIMEOUT") or 5),
        "FETCH_TIMEOUT": float(env.get("FETCH_TIMEOUT") or 10),
        "FETCH_TOTAL_TIMEOUT": float(env.get("FETCH_TOTAL_TIMEOUT") or 30),
        "FETCH_MAX_BYTES": env_int(env.get("FETCH_MAX_BYTES"), 5 * MB),
        # Bulk verification jobs (app/jobs.py, docs/jobs.md). Without
        # REDIS_URL they run in a small thread pool inside the web process;
        # with it they go to an RQ queue served by `flask --app wsgi worker`.
        "REDIS_URL": env.get("REDIS_URL") or None,
        "JOBS_QUEUE": env.get("JOBS_QUEUE") or "verbatim",
        "JOBS_MAX_CLAIMS": env_int(env.get("JOBS_MAX_CLAIMS"), 100_000),
        "JOBS_MAX_CONTENT_LENGTH": env_int(env.get("JOBS_MAX_CONTENT_LENGTH"), 50 * MB),
        "JOBS_CHUNK_SIZE": env_int(env.get("JOBS_CHUNK_SIZE"), 200),
        "JOBS_THREADS": env_int(env.get("JOBS_THREADS"), 2),
        "JOBS_TIMEOUT": env_int(env.get("JOBS_TIMEOUT"), 24 * 3600),
        # Job webhooks (app/webhooks.py): the address rules of fetching, with their own
        # allowances; retries with exponential backoff for a bounded time.
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "WEBHOOK_ALLOW_PRIVATE": env_bool(env.get("WEBHOOK_ALLOW_PRIVATE")),
        "WEBHOOK_ALLOWED_NETWORKS": env.get("WEBHOOK_ALLOWED_NETWORKS", ""),
        "WEBHOOK_TIMEOUT": float(env.get("WEBHOOK_TIMEOUT") or 10),
        "WEBHOOK_RETRY_BASE": float(env.get("WEBHOOK_RETRY_BASE") or 10),
        "WEBHOOK_RETRY_MAX": float(env.get("WEBHOOK_RETRY_MAX") or 3600),
        "WEBHOOK_RETRY_FOR": float(env.get("WEBHOOK_RETRY_FOR") or 24 * 3600),
        "WEBHOOK_POLL_SECONDS": float(env.get("WEBHOOK_POLL_SECONDS") or 2),
        # Ranges and heartbeats (app/job_ranges.py, app/job_heartbeat.py): a job
        # is split into ranges of JOBS_RANGE_SIZE claims answered by up to
        # JOBS_PARALLEL RQ workers at once (JOBS_THREADS threads without Redis);
        # a range whose runner has not shown life for JOBS_STALE_AFTER seconds
        # is taken over by a live runner, which looks every JOBS_SWEEP_INTERVAL.
        "JOBS_RANGE_SIZE": env_int(env.get("JOBS_RANGE_SIZE"), 1000),
        "JOBS_PARALLEL": env_int(env.get("JOBS_PARALLEL"), 8),
        "JOBS_HEARTBEAT_INTERVAL": float(env.get("JOBS_HEARTBEAT_INTERVAL") or 10),
        "JOBS_STALE_AFTER": float(env.get("JOBS_STALE_AFTER") or 60),
        "JOBS_SWEEP_INTERVAL": float(env.get("JOBS_SWEEP_INTERVAL") or 10),
        # Rate limits (app/limits.py): units a minute per API key, and per
        # address for requests without one; a batch costs its claims.
        "RATE_LIMIT_ENABLED": env_bool(env.get("RATE_LIMIT_ENABLED"), True),
        "RATE_LIMIT_PER_KEY": env.get("RATE_LIMIT_PER_KEY") or "6000 per minute",
        "RATE_LIMIT_ANONYMOUS": env.get("RATE_LIMIT_ANONYMOUS") or "600 per minute",
        "RATE_LIMIT_STORAGE_URI": env.get("RATE_LIMIT_STORAGE_URI") or None,
        # Proxies in front that set X-Forwarded-For (the client's address for
        # rate limits); 0: none.
        "PROXY_FIX_X_FOR": env_int(env.get("PROXY_FIX_X_FOR"), 0),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # OpenAPI document and interactive docs (flask-smorest)
        "API_TITLE": "Verbatim",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Swagger UI is served from the swagger-ui-bundle package (see
        # app/docs_assets.py), so /docs works on a machine with no internet.
        "OPENAPI_SWAGGER_UI_URL": env.get("OPENAPI_SWAGGER_UI_URL", "/docs/assets/"),
        # /redoc only where the operator hosts ReDoc's script (no CDN by default).
        "OPENAPI_REDOC_PATH": "redoc",
        "OPENAPI_REDOC_URL": env.get("OPENAPI_REDOC_URL") or None,
        # CORS for CMS plugins calling from the browser (app/http_policy.py):
        # comma-separated origins, none by default; * for any.
        "CORS_ORIGINS": env.get("CORS_ORIGINS", ""),
        "CORS_ALLOW_CREDENTIALS": env_bool(env.get("CORS_ALLOW_CREDENTIALS")),
        "CORS_MAX_AGE": env_int(env.get("CORS_MAX_AGE"), 600),
        # Keep JSON answers in the order the schemas declare.
        "JSON_SORT_KEYS": False,
    }
