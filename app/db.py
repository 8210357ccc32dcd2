"""Database engine and the per-request session.

One engine per application (a connection pool); one session per request,
opened on first use and closed when the application context ends. Nothing of
the corpus is kept in the process: every query goes to the database, so every
gunicorn worker sees what another one committed.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

EXTENSION = "verbatim"


def make_engine(url: str, *, busy_timeout_ms: int = 15000, pool_size: int = 5,
                echo: bool = False, sqlite_cache_mb: int = 64, sqlite_mmap_mb: int = 0,
                **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs.

    SQLite: WAL so readers never block the writer, a busy timeout so a second
    writer waits instead of failing, foreign keys switched on (SQLite leaves
    them off per connection). PostgreSQL: pre-ping so a restarted server does
    not hand a dead connection to a request.
    """
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
        engine = create_engine(
            sa_url,
            echo=echo,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Transactions are begun explicitly below (the pysqlite driver's
            # own implicit BEGIN breaks SAVEPOINTs and read consistency).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL + NORMAL is durable across application crashes, and only
            # risks the last transactions on power loss; much faster commits.
            cur.execute("PRAGMA synchronous=NORMAL")
            # SQLite's own page cache is 2 MB by default: at a million quotes
            # every index probe of a verify, and every index page an import
            # touches, would go back to the file. A bounded cache per
            # connection (not the corpus: pages, evicted as needed).
            cur.execute(f"PRAGMA cache_size={-1024 * int(sqlite_cache_mb)}")
            if sqlite_mmap_mb:
                cur.execute(f"PRAGMA mmap_size={1024 * 1024 * int(sqlite_mmap_mb)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the write lock up front (BEGIN IMMEDIATE), waiting
            # for it under the busy timeout. A deferred transaction that
            # reads first and writes later could instead fail at once with
            # SQLITE_BUSY when another worker committed in between.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size * 2)
    return create_engine(sa_url, echo=echo, pool_pre_ping=True, **kwargs)


def init_app(app: Flask) -> None:
    cfg = app.config
    engine = make_engine(
        cfg["DATABASE_URL"],
        busy_timeout_ms=cfg["SQLITE_BUSY_TIMEOUT_MS"],
        pool_size=cfg["DATABASE_POOL_SIZE"],
        echo=cfg["DATABASE_ECHO"],
        sqlite_cache_mb=cfg["SQLITE_CACHE_MB"],
        sqlite_mmap_mb=cfg["SQLITE_MMAP_MB"],
    )
    app.extensions[EXTENSION] = {
        "engine": engine,
        "read_sessions": sessionmaker(bind=engine, expire_on_commit=False),
        "write_sessions": sessionmaker(
            bind=engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        ),
    }
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    app = app or current_app
    return app.extensions[EXTENSION]["engine"]


def dialect_name(app: Flask | None = None) -> str:
    return get_engine(app).dialect.name


def mark_writing() -> None:
    """Declare that this request writes, before its session is opened.

    Only matters on SQLite, where a writing request's transactions take the
    write lock at BEGIN. Requests are read-only unless they say so; CLI
    commands (no request) are writers.
    """
    g.db_write = True


def get_session() -> Session:
    """The session of the current application context (request or CLI)."""
    if "db_session" not in g:
        writing = g.get("db_write", not has_request_context())
        kind = "write_sessions" if writing else "read_sessions"
        g.db_session = current_app.extensions[EXTENSION][kind]()
    return g.db_session


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
