"""Database engines and the per-request sessions.

One engine per application (a connection pool); one session per request,
opened on first use and closed when the application context ends. Nothing of
the corpus is kept in the process: every query goes to the database, so every
gunicorn worker sees what another one committed.

With read replicas (``DATABASE_REPLICA_URLS``, PostgreSQL), :func:`read`
runs a read that need not see the caller's own latest writes (verify,
article checks, searches, job status and results) on a current replica, and
:func:`get_session` stays on the primary for writes and for reads that must
see them. Which replica is current is :mod:`app.replicas`' business; a
client's ``Verbatim-Min-Position`` (:mod:`app.read_position`) passes over a
replica that has not replayed that client's write.
"""
from __future__ import annotations

import os
import sqlite3
import weakref
from typing import Any, Callable, Optional, TypeVar

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from . import config
from .replicas import OK, ReplicaSet, Server, display_name

T = TypeVar("T")

EXTENSION = "verbatim"

# Every engine this process made. A forked child (a gunicorn worker of a
# preloaded application, an RQ work horse, an import's helper process)
# must not use its parent's pooled connections: a database connection is a
# socket or a file handle with its own state, and two processes talking on
# one corrupt each other's conversations. After a fork each engine forgets
# the parent's connections without closing them (close=False: closing
# would end the parent's sessions too) and opens its own when next asked.
_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _forget_parent_connections() -> None:
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)


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
            # On the driver's connection: the whole statement machinery for
            # one word was an eighth of a read request's database overhead.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            try:
                conn.connection.dbapi_connection.execute(f"BEGIN {mode}")
            except sqlite3.Error as e:  # "database is locked" -> OperationalError, as any statement's
                raise DBAPIError.instance(f"BEGIN {mode}", None, e, sqlite3.Error) from e
    else:
        if "poolclass" not in kwargs:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size * 2)
        engine = create_engine(sa_url, echo=echo, pool_pre_ping=True, **kwargs)
    _ENGINES.add(engine)
    return engine


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401 - every mapped class, for configure_mappers

    # SQLAlchemy configures the mappers on the first ORM statement a process
    # runs (~35 ms, once): done here instead, so that no request pays it
    # (and, under gunicorn's preload_app, once in the master for every worker).
    configure_mappers()
    cfg = app.config
    replica_urls = cfg.get("DATABASE_REPLICA_URLS") or []
    if isinstance(replica_urls, str):
        replica_urls = config.replica_urls(replica_urls)
    extra: dict[str, Any] = {}
    if replica_urls:
        if make_url(cfg["DATABASE_URL"]).get_backend_name() != "postgresql":
            raise ValueError("DATABASE_REPLICA_URLS: read replicas need a PostgreSQL DATABASE_URL "
                             "(they are its streaming replicas)")
        # A primary that is away must fail fast, so that reads can go on
        # from a replica instead of waiting for the system's TCP time-out.
        extra["connect_args"] = {"connect_timeout": cfg.get("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)}
    engine = make_engine(
        cfg["DATABASE_URL"],
        busy_timeout_ms=cfg["SQLITE_BUSY_TIMEOUT_MS"],
        pool_size=cfg["DATABASE_POOL_SIZE"],
        echo=cfg["DATABASE_ECHO"],
        sqlite_cache_mb=cfg["SQLITE_CACHE_MB"],
        sqlite_mmap_mb=cfg["SQLITE_MMAP_MB"],
        **extra,
    )
    read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions[EXTENSION] = {
        "engine": engine,
        "read_sessions": read_sessions,
        "write_sessions": sessionmaker(
            bind=engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        ),
        "replicas": _replica_set(cfg, engine, read_sessions, replica_urls, extra) if replica_urls else None,
    }
    app.teardown_appcontext(_close_session)


def _replica_set(cfg: Any, engine: Engine, read_sessions: sessionmaker, urls: list[str],
                 extra: dict[str, Any]) -> ReplicaSet:
    replicas = []
    for url in urls:
        replica = make_engine(url, pool_size=cfg["DATABASE_POOL_SIZE"], echo=cfg["DATABASE_ECHO"], **extra)
        replicas.append(Server(display_name(replica), replica, sessionmaker(bind=replica, expire_on_commit=False)))
    primary = Server(display_name(engine), engine, read_sessions, is_primary=True, state=OK)
    return ReplicaSet(primary, replicas, max_lag=cfg.get("DATABASE_REPLICA_MAX_LAG", 10.0),
                      check_interval=cfg.get("DATABASE_REPLICA_CHECK_INTERVAL", 1.0))


def replica_set(app: Flask | None = None) -> Optional[ReplicaSet]:
    """The application's replicas, or None when it has none."""
    return (app or current_app).extensions[EXTENSION]["replicas"]


def dispose_engines(app: Flask) -> None:
    """Close every pooled connection (primary and replicas)."""
    get_engine(app).dispose()
    replicas = replica_set(app)
    for server in replicas.replicas if replicas else ():
        server.engine.dispose()


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


# --- reads that may go to a replica ----------------------------------------------


def read(work: Callable[[Session], T], *, ask_primary_if_missing: bool = False) -> T:
    """``work(session)`` on a current replica, else on the primary.

    For reads that need not see the caller's own latest writes. Without
    replicas, or in a request that writes, it is ``work(get_session())``.
    A server that fails during the work (an ``OperationalError``: it went
    away, or a replica cancelled the query) is skipped until its next look
    and the work runs again on the next one, so ``work`` must only read.
    With ``ask_primary_if_missing``, a ``None`` from a replica is asked of
    the primary again (a record written a moment ago, not yet replayed).
    The request keeps its replica session until it ends (lazy loads).
    """
    replicas = replica_set()
    if replicas is None or g.get("db_write", not has_request_context()):
        with _Kept(get_session(), "db_session") as session:
            return work(session)
    return _read_in_turn(replicas, work, _request_session, ask_primary_if_missing,
                         g.get("db_min_position"))


def read_apart(work: Callable[[Session], T], *, ask_primary_if_missing: bool = False) -> T:
    """:func:`read` in short sessions of its own (rate limits, job runners), in or out of a request."""
    replicas = replica_set()
    if replicas is None:
        with current_app.extensions[EXTENSION]["read_sessions"]() as session:
            return work(session)
    return _read_in_turn(replicas, work, _own_session, ask_primary_if_missing, None)


def read_sessions() -> sessionmaker:
    """Sessions on the server the last :func:`read` of this request used
    (the primary's read sessions when none): to stream what it found."""
    server = g.get("db_read_server")
    return server.sessions if server is not None else current_app.extensions[EXTENSION]["read_sessions"]


class _Own:
    """A session opened for one piece of work and closed after it."""

    def __init__(self, server: Server):
        self.session = server.sessions()

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, *exc: Any) -> None:
        self.session.close()


def _own_session(server: Server) -> _Own:
    return _Own(server)


class _Kept:
    """The request's session on a server (``g.<name>``), closed when the request ends."""

    def __init__(self, session: Session, name: str):
        self.session, self.name = session, name

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            return
        if issubclass(exc_type, (OperationalError, InterfaceError)):
            # The server failed: this session is of no further use (the
            # next get_session() opens another).
            held = g.pop(self.name, None)
            if held is not None:
                (held[1] if isinstance(held, tuple) else held).close()
        else:  # the work failed: the session goes on (a batch's next claim)
            self.session.rollback()


def _request_session(server: Server) -> _Kept:
    if server.is_primary:
        return _Kept(get_session(), "db_session")
    held = g.get("db_read")
    if held is not None and held[0] is server:
        return _Kept(held[1], "db_read")
    if held is not None:
        held[1].close()
    session = server.sessions()
    g.db_read = (server, session)
    return _Kept(session, "db_read")


def _has_replayed(session: Session, position: str) -> bool:
    """Has this replica replayed the primary's WAL up to ``position`` (app/read_position.py)?"""
    return bool(session.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:p AS pg_lsn)"),
                                {"p": position}).scalar())


def _read_in_turn(replicas: ReplicaSet, work: Callable[[Session], T], open_session: Callable[[Server], Any],
                  ask_primary_if_missing: bool, min_position: Optional[str]) -> T:
    failure: Optional[BaseException] = None
    for server in replicas.order():
        try:
            with open_session(server) as session:
                if min_position and not server.is_primary and not _has_replayed(session, min_position):
                    continue  # not there yet: the next one, at worst the primary
                result = work(session)
        except (OperationalError, InterfaceError) as exc:
            replicas.mark_down(server, exc)
            failure = exc
            continue
        replicas.mark_up(server)
        g.db_read_server = server
        if result is None and ask_primary_if_missing and not server.is_primary:
            try:
                with open_session(replicas.primary) as session:
                    result = work(session)
                g.db_read_server = replicas.primary
            except (OperationalError, InterfaceError) as exc:
                replicas.mark_down(replicas.primary, exc)  # the replica's answer stands
        return result
    assert failure is not None
    raise failure


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    held = g.pop("db_read", None)
    if held is not None:
        held[1].close()
    g.pop("db_read_server", None)
