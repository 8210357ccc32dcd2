"""A forked process never talks on its parent's database connections.

gunicorn forks its workers from a master that loaded the application
(``preload_app``), RQ forks a work horse per job, an import forks helper
processes. A pooled connection inherited through a fork is the same socket
or file handle in two processes: whatever one sends, the other may read.
After a fork each engine forgets its parent's connections (``app/db.py``)
and opens its own; the parent's stay open and usable.
"""
from __future__ import annotations

import json
import os

from sqlalchemy import text

from app.db import get_engine


def _connection_identity(conn) -> str:
    if conn.dialect.name == "postgresql":
        return str(conn.execute(text("SELECT pg_backend_pid()")).scalar())
    return str(id(conn.connection.dbapi_connection))


def test_a_forked_child_opens_its_own_connection_and_the_parents_stays_usable(app):
    engine = get_engine(app)
    with engine.connect() as conn:  # one connection, back in the pool after the block
        parent_identity = _connection_identity(conn)
    assert engine.pool.checkedin() == 1

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running any of the parent's clean-up
        try:
            inherited = engine.pool.checkedin()
            with engine.connect() as conn:
                identity = _connection_identity(conn)
                count = conn.execute(text("SELECT count(*) FROM quotes")).scalar()
            report = {"inherited": inherited, "identity": identity, "count": count}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            report = {"error": repr(exc)}
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        report = json.loads(pipe.read())
    os.waitpid(pid, 0)

    assert "error" not in report, report
    assert report["inherited"] == 0  # the parent's pooled connection was not handed on
    assert report["count"] == 0
    if engine.dialect.name == "postgresql":
        assert report["identity"] != parent_identity  # another server backend
    with engine.connect() as conn:  # the parent's connection was not closed under it
        assert _connection_identity(conn) == parent_identity
        assert conn.execute(text("SELECT count(*) FROM quotes")).scalar() == 0
