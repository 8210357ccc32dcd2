"""The verify hot path's statements, run on the driver's own cursor.

A verify runs about eight small indexed queries. Built as SQLAlchemy
statements, each cost more to build, compile and turn into rows than the
database took to answer it (~0.3 ms against ~0.02 ms on SQLite). These are
written once, as SQL in each driver's own placeholders (``:name`` for
sqlite3, ``%(name)s`` for psycopg; a list is a JSON array read with
``json_each`` on SQLite and an array on PostgreSQL), and run with a cursor of
the connection the request's session already holds: the same transaction,
and whichever database the session is bound to. The drivers keep them
prepared (sqlite3's statement cache; psycopg prepares a statement on its
fifth use on a connection).

Errors come out as SQLAlchemy's (an unreachable database is still an
``OperationalError``, answered 503), and a connection the database dropped
is invalidated as SQLAlchemy would.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import exc
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Statement:
    """One statement, as each database's driver takes it."""

    sqlite: str
    postgresql: str

    def sql(self, dialect: str) -> str:
        return self.sqlite if dialect == "sqlite" else self.postgresql


def id_list(dialect: str, ids: Sequence[Any]) -> Any:
    """A list parameter: a JSON array for ``json_each`` (SQLite), a list (PostgreSQL arrays)."""
    return json.dumps(list(ids)) if dialect == "sqlite" else list(ids)


def fetch(session: Session, statement: Statement | str, params: Mapping[str, Any]) -> list[tuple]:
    """The rows of ``statement`` run in ``session``'s transaction (begun if not yet)."""
    return fetch_described(session, statement, params)[0]


def fetch_described(session: Session, statement: Statement | str,
                    params: Mapping[str, Any]) -> tuple[list[tuple], tuple[Any, ...]]:
    """The rows and each column's type code as the driver describes it (None on SQLite)."""
    conn = session.connection()
    dialect = conn.dialect
    sql = statement if isinstance(statement, str) else statement.sql(dialect.name)
    raw = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        # The engine's cursor events still see every statement (logging, the tests' EXPLAINs).
        conn.dispatch.before_cursor_execute(conn, cursor, sql, params, None, False)
        cursor.execute(sql, params)
        conn.dispatch.after_cursor_execute(conn, cursor, sql, params, None, False)
        return cursor.fetchall(), tuple(d[1] for d in cursor.description or ())
    except dialect.loaded_dbapi.Error as e:
        gone = dialect.is_disconnect(e, raw, cursor)
        if gone:
            conn.invalidate(e)
        raise exc.DBAPIError.instance(sql, params, e, dialect.loaded_dbapi.Error, dialect=dialect,
                                      connection_invalidated=gone) from e
    finally:
        cursor.close()


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name
