"""The canonical quote store: typed SQLAlchemy 2.0 models.

The schema itself is owned by the Alembic migrations in ``migrations/`` (they
also create the full-text index, which differs per database); these classes
describe the same tables for the ORM. Keep both in step.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def naive_utc(value: dt.datetime) -> dt.datetime:
    """How timestamps are stored: UTC without a zone (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


class UTCDateTime(TypeDecorator):
    """Timestamps are always UTC and always come back timezone-aware.

    SQLite has no time zone type and would hand back naive datetimes; storing
    naive UTC everywhere and tagging it on the way out gives the same answer
    on both databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect) -> Optional[dt.datetime]:
        return None if value is None else naive_utc(value)

    def process_result_value(self, value: Optional[dt.datetime], dialect) -> Optional[dt.datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON()}


# Quote statuses. Only approved quotes are candidates for verification;
# pending_review quotes are stored but not yet vouched for; retracted quotes
# are kept (nothing is lost) and never matched.
APPROVED = "approved"
PENDING_REVIEW = "pending_review"
RETRACTED = "retracted"
STATUSES = (APPROVED, PENDING_REVIEW, RETRACTED)


class Speaker(Base):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[Optional[str]] = mapped_column(Text)
    wikidata_id: Mapped[Optional[str]] = mapped_column(String(20), index=True)
    # "female", "male" or None (not recorded); see verification.genders.
    gender: Mapped[Optional[str]] = mapped_column(String(10))
    # [{"title": ..., "start": "YYYY-MM-DD" | None, "end": ... | None}, ...]
    roles: Mapped[Optional[list[Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    aliases: Mapped[list["SpeakerAlias"]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan", order_by="SpeakerAlias.id"
    )
    keys: Mapped[list["SpeakerKey"]] = relationship(cascade="all, delete-orphan")

    @property
    def alias_names(self) -> list[str]:
        return [a.alias for a in self.aliases]


class SpeakerAlias(Base):
    """Another name a speaker goes by, as written (``Volodymyr Zelensky``)."""

    __tablename__ = "speaker_aliases"
    __table_args__ = (UniqueConstraint("speaker_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))

    speaker: Mapped[Speaker] = relationship(back_populates="aliases")


class SpeakerKey(Base):
    """Normalised lookup keys of a speaker's name and aliases.

    Derived with the engine's ``speaker_keys`` and rebuilt whenever the name or
    aliases change. The index on ``key`` turns "which speakers could
    'Clinton' be?" into an index lookup instead of loading every speaker.
    ``exact`` marks the key that is a whole name or alias (not a part of one),
    which is how a stored quote's speaker is resolved without guessing.
    """

    __tablename__ = "speaker_keys"

    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    exact: Mapped[bool] = mapped_column(default=False)


class CacheVersion(Base):
    """What a web worker may keep in memory, and its version: triggers move
    ``speakers`` whenever speakers, aliases or keys change (migration 0012,
    :mod:`app.speaker_cache`)."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")


class Quote(Base):
    __tablename__ = "quotes"
    # Partial: nearly every quote is approved, so only the others are worth
    # indexing by status (see migration 0002).
    __table_args__ = (
        Index("ix_quotes_status_not_approved", "status",
              postgresql_where=sql_text("status <> 'approved'"),
              sqlite_where=sql_text("status <> 'approved'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    # The text as the full-text index sees it: the engine's normalisation,
    # case-folded, accents removed. Both SQLite FTS5 (triggers) and
    # PostgreSQL (a generated tsvector) index this column, so both backends
    # tokenise the same string and a query term built the same way matches.
    search_text: Mapped[str] = mapped_column(Text)
    # One hashed token per pair of consecutive words of search_text: what the
    # word-pair index (migration 0003) stores; see search_keys.shingle_text.
    shingles: Mapped[str] = mapped_column(Text, default="", server_default="")
    # sha1 of search_text: finds an identical quote without a text scan
    # (idempotent demo loading, duplicate checks).
    text_hash: Mapped[str] = mapped_column(String(40), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id"), index=True)

    # When: the string as given, and the span of days it covers so date
    # filters are plain indexed range comparisons.
    spoken_at: Mapped[Optional[str]] = mapped_column(String(40))
    spoken_on_start: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    spoken_on_end: Mapped[Optional[dt.date]] = mapped_column(Date)
    date_precision: Mapped[Optional[str]] = mapped_column(String(10))  # year|month|day|timestamp
    tz_offset: Mapped[Optional[str]] = mapped_column(String(6))  # "+03:00" for timestamps

    # Where: the text given, and what the gazetteer resolved (if anything).
    location: Mapped[Optional[str]] = mapped_column(String(300))
    place_name: Mapped[Optional[str]] = mapped_column(String(200))
    place_kind: Mapped[Optional[str]] = mapped_column(String(20))
    city: Mapped[Optional[str]] = mapped_column(String(200))
    region: Mapped[Optional[str]] = mapped_column(String(200))
    region_code: Mapped[Optional[str]] = mapped_column(String(20))
    country_code: Mapped[Optional[str]] = mapped_column(String(2), index=True)
    country: Mapped[Optional[str]] = mapped_column(String(200))
    lat: Mapped[Optional[float]] = mapped_column(Float)
    lon: Mapped[Optional[float]] = mapped_column(Float)

    event: Mapped[Optional[str]] = mapped_column(String(500))
    language: Mapped[Optional[str]] = mapped_column(String(20))
    context: Mapped[Optional[str]] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(20), default=APPROVED)
    retraction_reason: Mapped[Optional[str]] = mapped_column(Text)
    retracted_at: Mapped[Optional[dt.datetime]] = mapped_column()

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    speaker: Mapped[Speaker] = relationship(lazy="joined")
    source_links: Mapped[list["QuoteSource"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteSource.source_order"
    )
    revisions: Mapped[list["QuoteRevision"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteRevision.revision"
    )

    @property
    def sources(self) -> list["Source"]:
        """The quote's sources, in order."""
        return [link.source for link in self.source_links]


class Source(Base):
    """Where quotes come from: a publication, or a transcript with the document's text.

    One row per source, shared by every quote that cites it (migration 0009;
    before that each quote had its own copies). ``key`` identifies the
    source for lookups (see :func:`app.sources.source_key`): its URL, or
    without one its publisher and title. A transcript (``kind``
    ``"transcript"``) keeps the document as it was entered (``document``) and
    the event's facts; its quotes point into it (:class:`QuoteSource`).
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[Optional[str]] = mapped_column(String(2000))
    publisher: Mapped[Optional[str]] = mapped_column(String(300))
    title: Mapped[Optional[str]] = mapped_column(String(1000))
    published_at: Mapped[Optional[str]] = mapped_column(String(40))
    kind: Mapped[Optional[str]] = mapped_column(String(20))  # "transcript", or None
    document: Mapped[Optional[str]] = mapped_column(Text)
    spoken_at: Mapped[Optional[str]] = mapped_column(String(40))
    location: Mapped[Optional[str]] = mapped_column(String(300))
    event: Mapped[Optional[str]] = mapped_column(String(500))
    language: Mapped[Optional[str]] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QuoteSource(Base):
    """A quote's link to one of its sources.

    ``source_order`` orders a quote's sources. ``position`` is the quote's
    place in the source's sequence (1, 2, ...: the order things were said),
    or None when the source keeps no order; ``doc_start``/``doc_end`` are the
    quote's character offsets in the source's ``document``, when it has one.
    ``boundary_key`` hashes the two words before the quote (the end of the
    quote at the previous position) and its first two: a claim running from
    one quote into the next holds those four words, which finds the pair
    among thousands of copies of either sentence
    (:func:`app.search_keys.boundary_key`).
    """

    __tablename__ = "quote_sources"
    __table_args__ = (
        Index("ix_quote_sources_source_position", "source_id", "position"),
        Index("ix_quote_sources_boundary_key", "boundary_key",
              postgresql_where=sql_text("boundary_key IS NOT NULL"),
              sqlite_where=sql_text("boundary_key IS NOT NULL")),
    )

    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), primary_key=True)
    source_order: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    position: Mapped[Optional[int]] = mapped_column(Integer)
    doc_start: Mapped[Optional[int]] = mapped_column(Integer)
    doc_end: Mapped[Optional[int]] = mapped_column(Integer)
    boundary_key: Mapped[Optional[int]] = mapped_column(BigInteger)

    quote: Mapped[Quote] = relationship(back_populates="source_links")
    source: Mapped[Source] = relationship(lazy="joined")


class QuoteRevision(Base):
    """One change to a canonical quote: what changed, when, and by which key.

    ``changes`` maps each field to ``{"before": ..., "after": ...}``. Revision 1
    is the creation; a retraction is a revision too. Rows are never updated or
    deleted by the application.
    """

    __tablename__ = "quote_revisions"
    __table_args__ = (UniqueConstraint("quote_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create|update|retract|import
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    api_key_id: Mapped[Optional[int]] = mapped_column(ForeignKey("api_keys.id"), index=True)

    quote: Mapped[Quote] = relationship(back_populates="revisions")
    api_key: Mapped[Optional["ApiKey"]] = relationship(lazy="joined")


class ApiKey(Base):
    """An API key. Only its SHA-256 is stored; the key is shown once.

    Keys are 256-bit random tokens, so a fast hash is enough (no dictionary to
    attack); the unique index on the hash makes the lookup one probe.
    ``prefix`` is the first characters of the key, safe to display so people
    can tell their keys apart.
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # comma-separated: read,write,admin
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column()
    # Signs this key's job webhooks (HMAC-SHA256; kept readable to sign; shown
    # once). None: the key cannot ask for a callback_url (migration 0010).
    webhook_secret: Mapped[Optional[str]] = mapped_column(String(100))

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]


# --- bulk verification jobs (app/jobs.py, migration 0004) ------------------------------

JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_FINISHED = "finished"
JOB_FAILED = "failed"
JOB_STATUSES = (JOB_QUEUED, JOB_RUNNING, JOB_FINISHED, JOB_FAILED)


class Job(Base):
    """A bulk verification job: progress and verdict counts; its claims are ``job_items``.

    ``done`` items are exactly the first ``done`` by ``seq``: a chunk's
    results and the counters move together in one transaction, so a job that
    stopped anywhere resumes at item ``done``.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_api_key_created", "api_key_id", "created_at"),)

    # Random, unguessable (uuid4 hex): knowing the id is what lets one read a job.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="verify")
    status: Mapped[str] = mapped_column(String(20), default=JOB_QUEUED, index=True)
    runner: Mapped[Optional[str]] = mapped_column(String(10))  # thread|rq|cli
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    # Claims answered in all ranges, also beyond the ``done`` prefix (migration 0011).
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verified: Mapped[int] = mapped_column(Integer, default=0)
    mismatch: Mapped[int] = mapped_column(Integer, default=0)
    unverified: Mapped[int] = mapped_column(Integer, default=0)
    errored: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)  # invalid input lines, skipped
    input_errors: Mapped[Optional[list[Any]]] = mapped_column(JSON)  # the first of them
    error: Mapped[Optional[str]] = mapped_column(Text)
    api_key_id: Mapped[Optional[int]] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"),
                                                      index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[Optional[dt.datetime]] = mapped_column()
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The client's label, where to POST the summary when the job ends, and the
    # address the job was submitted to (absolute URLs in that summary): 0010.
    name: Mapped[Optional[str]] = mapped_column(String(200))
    callback_url: Mapped[Optional[str]] = mapped_column(String(2000))
    base_url: Mapped[Optional[str]] = mapped_column(String(500))


class JobItem(Base):
    """One claim of a job, in input order (``seq``), and its verify answer once done."""

    __tablename__ = "job_items"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[Optional[str]] = mapped_column(String(200))
    claim: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[Optional[str]] = mapped_column(String(20))
    result: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)


class JobWebhook(Base):
    """One webhook delivery: a job's event (``job.finished`` or ``job.failed``) to its callback URL.

    Unique per job and event, so a runner that reaches the same end twice
    sends once. ``state``: pending, delivered or failed (gave up);
    ``locked_until`` is the lease of the process making an attempt; ``log``
    holds the attempts (app/webhooks.py).
    """

    __tablename__ = "job_webhooks"
    __table_args__ = (UniqueConstraint("job_id", "event", name="uq_job_webhooks_job_event"),
                      Index("ix_job_webhooks_state_next", "state", "next_attempt_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    log: Mapped[Optional[list[Any]]] = mapped_column(JSON)
    next_attempt_at: Mapped[Optional[dt.datetime]] = mapped_column()
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column()
    give_up_at: Mapped[dt.datetime] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column()


class JobRange(Base):
    """A slice ``[start, stop)`` of a verify job's items, answered by one runner at a time
    (app/job_processing.py, migration 0011).

    ``done`` items from ``start`` are answered (a prefix of the range, moved by
    compare-and-set); the four counters count their verdicts. ``owner`` is the
    runner holding the range and ``heartbeat_at`` when it last showed life (or
    when the range was offered to the runners): a range whose heartbeat is
    older than ``JOBS_STALE_AFTER`` is taken over by a live runner.
    """

    __tablename__ = "job_ranges"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    start: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stop: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[int] = mapped_column(Integer, default=0)
    mismatch: Mapped[int] = mapped_column(Integer, default=0)
    unverified: Mapped[int] = mapped_column(Integer, default=0)
    errored: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[Optional[str]] = mapped_column(String(64))
    heartbeat_at: Mapped[Optional[dt.datetime]] = mapped_column()


class IdempotencyKey(Base):
    """The answer a request sent with an ``Idempotency-Key`` got (app/idempotency.py, migration 0007)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_key_id", "key", name="uq_idempotency_keys_api_key_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)  # JSON text (ASCII: stores on both databases as is)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class QuoteImport(Base):
    """A background import (a ``jobs`` row of kind ``import``): its body's
    format and size, and how many quotes it stored (app/import_jobs.py)."""

    __tablename__ = "quote_imports"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    format: Mapped[str] = mapped_column(String(10))  # ndjson | csv | json
    size: Mapped[int] = mapped_column(BigInteger)
    imported: Mapped[Optional[int]] = mapped_column(Integer)


class QuoteImportChunk(Base):
    """A background import's body, in order, until it is imported."""

    __tablename__ = "quote_import_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
