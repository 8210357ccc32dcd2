"""Alembic environment for Verbatim.

Where the database is, in order of precedence:
1. a connection handed over by the caller (``config.attributes["connection"]``,
   used by ``flask --app wsgi db upgrade`` and the tests);
2. ``sqlalchemy.url`` set on the Alembic config by the caller;
3. ``DATABASE_URL`` from the environment, or the embedded SQLite default,
   read exactly as the application reads it (``app.config``).
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context

from app.config import load_config
from app.db import make_engine
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata

# The full-text index is written by hand in the migrations and differs per
# backend (SQLite FTS5 tables; PostgreSQL's generated tsvector and bigint[] columns and their
# GIN indexes); autogenerate must not try to drop them.
# pair_counts: PostgreSQL only, written by triggers (migration 0012).
_MANUAL_TABLE_PREFIXES = ("quotes_fts", "quotes_shingles", "pair_counts")
_MANUAL_COLUMNS = {"search_vector", "shingle_vector", "pair_keys"}
_MANUAL_INDEXES = {"ix_quotes_search_vector", "ix_quotes_shingle_vector", "ix_quotes_pair_keys"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(_MANUAL_TABLE_PREFIXES):
        return False
    if type_ == "column" and name in _MANUAL_COLUMNS:
        return False
    if type_ == "index" and name in _MANUAL_INDEXES:
        return False
    return True


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        # SQLite cannot ALTER most things; batch mode recreates tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    instance = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")
    return load_config(instance)["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
