"""Sources as records of their own; quotes point at them (and at their place in them).

Before: ``sources`` held one copy of a source per quote (``quote_id``,
``position`` among the quote's sources, ``url``, ``publisher``, ``title``,
``published_at``). After:

* ``sources``: one row per source, shared by the quotes that cite it, with a
  lookup ``key`` (its URL, or without one its publisher and title, hashed),
  and for a transcript the document's text (``kind``, ``document``) and the
  event's facts (``spoken_at``, ``location``, ``event``, ``language``).
* ``quote_sources``: a quote's links to its sources, in order
  (``source_order``), with the quote's ``position`` in the source's sequence
  and its offsets in the document (``doc_start``, ``doc_end``) where known;
  ``boundary_key`` hashes the two words before a quote in its sequence and
  its first two, so a claim running from one quote into the next is found
  (partial index: only quotes in a sequence have one).

The data moves without loss: copies that are identical in all four fields
become one source, anything that differs stays a source of its own, and each
quote keeps its list of sources in its order. Downgrading gives every quote
its copies back; what only the new shape holds (documents, sequences) is
dropped then.

Revision ID: 0009
Revises: 0007b
Create Date: 2026-11-26
"""
from __future__ import annotations

import hashlib
from typing import Any, Optional

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007b"
branch_labels = None
depends_on = None

BATCH = 20_000


def source_key(url: Optional[str], publisher: Optional[str], title: Optional[str]) -> str:
    """The lookup key as of this revision (``app.sources.source_key`` must agree; a test checks)."""
    if url and url.strip():
        basis = "url " + url.strip()
    else:
        basis = "label " + " | ".join(" ".join((v or "").split()).casefold() for v in (publisher, title))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _rename_aside(table: str, aside: str) -> None:
    """Rename ``table`` out of the way. On PostgreSQL its serial sequence and
    primary key index keep the old names unless renamed too, and the new
    table needs them."""
    op.rename_table(table, aside)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER SEQUENCE {table}_id_seq RENAME TO {aside}_id_seq")
        op.execute(f"ALTER INDEX {table}_pkey RENAME TO {aside}_pkey")


def _create_new_tables() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("publisher", sa.String(300)),
        sa.Column("title", sa.String(1000)),
        sa.Column("published_at", sa.String(40)),
        sa.Column("kind", sa.String(20)),
        sa.Column("document", sa.Text()),
        sa.Column("spoken_at", sa.String(40)),
        sa.Column("location", sa.String(300)),
        sa.Column("event", sa.String(500)),
        sa.Column("language", sa.String(20)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sources_key", "sources", ["key"])
    op.create_table(
        "quote_sources",
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_order", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("position", sa.Integer()),
        sa.Column("doc_start", sa.Integer()),
        sa.Column("doc_end", sa.Integer()),
        sa.Column("boundary_key", sa.BigInteger()),
    )
    op.create_index("ix_quote_sources_source_position", "quote_sources", ["source_id", "position"])
    op.create_index("ix_quote_sources_boundary_key", "quote_sources", ["boundary_key"],
                    postgresql_where=sa.text("boundary_key IS NOT NULL"),
                    sqlite_where=sa.text("boundary_key IS NOT NULL"))


def _quote_id_ranges(bind: Any, table: str) -> list[tuple[int, int]]:
    lo, hi = bind.execute(sa.text(f"SELECT min(quote_id), max(quote_id) FROM {table}")).one()
    if lo is None:
        return []
    return [(a, a + BATCH - 1) for a in range(lo, hi + 1, BATCH)]


def upgrade() -> None:
    bind = op.get_bind()
    _rename_aside("sources", "sources_v1")
    _create_new_tables()

    sources = sa.table("sources", *(sa.column(c) for c in (
        "id", "key", "url", "publisher", "title", "published_at", "created_at", "updated_at")))
    links = sa.table("quote_sources", *(sa.column(c) for c in ("quote_id", "source_order", "source_id")))
    ids: dict[tuple, int] = {}
    next_id = 1
    # A quote's copies in its order (position, then id); identical copies
    # (all four fields) of any quotes become one source.
    for lo, hi in _quote_id_ranges(bind, "sources_v1"):
        rows = bind.execute(sa.text(
            "SELECT s.quote_id, s.url, s.publisher, s.title, s.published_at, q.created_at "
            "FROM sources_v1 s JOIN quotes q ON q.id = s.quote_id "
            "WHERE s.quote_id BETWEEN :lo AND :hi ORDER BY s.quote_id, s.position, s.id"
        ), {"lo": lo, "hi": hi}).all()
        new_sources: list[dict[str, Any]] = []
        new_links: list[dict[str, Any]] = []
        order: dict[int, int] = {}
        for quote_id, url, publisher, title, published_at, created_at in rows:
            fields = (url, publisher, title, published_at)
            sid = ids.get(fields)
            if sid is None:
                sid = ids[fields] = next_id
                next_id += 1
                new_sources.append({"id": sid, "key": source_key(url, publisher, title), "url": url,
                                    "publisher": publisher, "title": title, "published_at": published_at,
                                    "created_at": created_at, "updated_at": created_at})
            n = order.get(quote_id, 0)
            order[quote_id] = n + 1
            new_links.append({"quote_id": quote_id, "source_order": n, "source_id": sid})
        if new_sources:
            op.bulk_insert(sources, new_sources)
        if new_links:
            op.bulk_insert(links, new_links)
    if bind.dialect.name == "postgresql" and next_id > 1:
        op.execute(f"SELECT setval('sources_id_seq', {next_id - 1})")
    op.drop_table("sources_v1")
    if bind.dialect.name == "postgresql":
        # Statistics now: without them the planner joins a passage's
        # neighbours by scanning the quotes.
        op.execute("ANALYZE quote_sources")
        op.execute("ANALYZE sources")


def downgrade() -> None:
    bind = op.get_bind()
    _rename_aside("sources", "sources_v2")
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("url", sa.String(2000)),
        sa.Column("publisher", sa.String(300)),
        sa.Column("title", sa.String(1000)),
        sa.Column("published_at", sa.String(40)),
    )
    op.create_index("ix_sources_quote_id", "sources", ["quote_id"])
    for lo, hi in _quote_id_ranges(bind, "quote_sources"):
        bind.execute(sa.text(
            "INSERT INTO sources (quote_id, position, url, publisher, title, published_at) "
            "SELECT l.quote_id, l.source_order, s.url, s.publisher, s.title, s.published_at "
            "FROM quote_sources l JOIN sources_v2 s ON s.id = l.source_id "
            "WHERE l.quote_id BETWEEN :lo AND :hi ORDER BY l.quote_id, l.source_order"
        ), {"lo": lo, "hi": hi})
    op.drop_table("quote_sources")
    op.drop_table("sources_v2")
