"""A database to measure in: a new SQLite file, or a schema of its own on a
PostgreSQL server (dropped afterwards), migrated by whoever uses it."""
from __future__ import annotations

import os
import sys
import tempfile
import uuid
from contextlib import contextmanager
from typing import Iterator, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextmanager
def scratch_database(server_url: Optional[str], prefix: str = "vb_bench") -> Iterator[str]:
    """The URL of an empty database: a schema on ``server_url`` (PostgreSQL), else SQLite."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    if not server_url:
        yield f"sqlite:///{tempfile.mkdtemp(prefix=prefix.replace('_', '-') + '-')}/bench.db"
        return
    from sqlalchemy import text

    from app.config import normalize_database_url
    from app.db import make_engine
    from tests.conftest import _pg_url_with_schema

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(normalize_database_url(server_url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_url_with_schema(server_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
