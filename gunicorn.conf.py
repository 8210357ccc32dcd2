"""Production settings for gunicorn: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`.

(gunicorn also reads this file by itself when started from this directory.)
Every value can be overridden on the command line or by the environment
variable named beside it. See README.md, "Production".
"""
import os

bind = os.environ.get("VERBATIM_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Sync workers answering gunicorn's own errors (414, 431, 400, time-outs) in
# JSON like the application (app/server.py). A sync worker is one thread, so
# an import's helper processes are forked (fast) and die with it.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "app.server.JsonErrorSyncWorker")

# A request still running after this many seconds is stopped (its worker is
# restarted) and answered 503: an import is one transaction, so it stored
# nothing. Imports over IMPORT_SYNC_MAX_BYTES (10 MB, ~17,000 quotes, a few
# seconds) run in the background and are never cut by it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Request line: 8,190 bytes (gunicorn's most; long searches go by POST
# /api/v1/quotes/search). Headers: 100 fields of up to 8,190 bytes.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle workers now and then (memory held by a large answer is given back).
# Not every few seconds: a new worker starts with empty caches (the SQLite
# page cache of its connection, prepared quotes, speakers) and its first
# requests cost more. At 2,000 a busy worker (~400 verifies/s) was replaced
# every 5 s: 5% of the throughput over a minute (752.7 against 793.1/s). At
# 20,000 it lives about a minute under full load (BENCHMARKS.md, "Fifth
# session"); what a worker keeps is bounded (LRU caches, KEPT speakers).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# The application is loaded once, in the master, and each worker is a fork
# of it. A new worker (at start, and each time one is recycled above) then
# answers at once instead of spending ~0.6 s of CPU importing the service,
# during which its share of the requests waited: under a steady load that
# was 7-16% of the throughput, and the p99 fell from 323-805 ms to 25-31 ms
# (BENCHMARKS.md, "Fifth session"). The master opens no connection and starts no thread; after a
# fork every engine forgets its parent's pooled connections (app/db.py).
# A new deployment's code needs a restart, not a HUP (which re-forks the
# code already loaded). VERBATIM_PRELOAD=0 loads it in each worker instead.
preload_app = os.environ.get("VERBATIM_PRELOAD", "1") != "0"

accesslog = "-"
# Proxies trusted for X-Forwarded-Proto (and, with PROXY_FIX_X_FOR, the
# client's address that rate limits count).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Without Redis, each worker runs jobs in its threads and takes over the jobs of a
    worker that died (app/job_runners.py), from its start, before any request."""
    from flask import Flask

    from app.job_runners import start_in_process

    if isinstance(getattr(worker, "wsgi", None), Flask):
        start_in_process(worker.wsgi)
