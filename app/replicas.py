"""Read replicas: which PostgreSQL server can answer a read, and how fresh it is.

A newsroom whose verify traffic outgrows one database adds streaming
replicas of the primary (``DATABASE_REPLICA_URLS``). Each process keeps the
state of every replica, looked at again at most every
``DATABASE_REPLICA_CHECK_INTERVAL`` seconds with one small query:

* **down**: the replica did not answer (refused, timed out, or failed a
  read since the last look). Not used until a look finds it up again.
* **lagging**: more than ``DATABASE_REPLICA_MAX_LAG`` seconds behind. Used
  only as a last resort, when the primary cannot answer either (a stale
  answer beats none while the primary is away).
* **ok**: up and current enough; reads go to one of these, in turn.

How far behind: a replica has replayed everything the primary wrote up to
``fresh_as_of``, the later of (a) the primary's commit time of the last
transaction it replayed (``pg_last_xact_replay_timestamp()``), and (b) the
last time a look found it streaming from the primary with nothing received
left to replay (``pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()``).
The lag is the replica's ``now()`` minus that. (a) alone would call a
replica of an idle primary hours behind (its last replayed commit is hours
old though nothing is missing); (b) covers that case. A replica that is not
streaming (its primary is away, or replication broke) has no (b) after its
last look, so its lag grows from there and it is skipped once it exceeds the
limit: it cannot know what it is missing.

Nothing here decides which request reads where: that is ``app/db.py``.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

OK, LAGGING, DOWN, UNKNOWN = "ok", "lagging", "down", "unknown"

# One round trip: is it a replica, what has it received and replayed, is its
# WAL receiver streaming, and its clock (seconds since the epoch).
_STATE = text("""
SELECT pg_is_in_recovery() AS in_recovery,
       pg_last_wal_receive_lsn() IS NULL
           OR pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() AS replayed_all,
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming,
       EXTRACT(EPOCH FROM pg_last_xact_replay_timestamp())::float8 AS replayed_commit_at,
       EXTRACT(EPOCH FROM clock_timestamp())::float8 AS now
""")


def display_name(engine: Engine) -> str:
    """host:port/database, without the user or password (for /health and logs)."""
    url = make_url(engine.url)
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


@dataclass
class Server:
    """A database server reads can go to, with what the last look found."""

    name: str
    engine: Engine
    sessions: sessionmaker
    is_primary: bool = False
    state: str = UNKNOWN
    lag: Optional[float] = None  # seconds; None when unknown
    error: Optional[str] = None
    checked_at: float = -1e18  # time.monotonic() of the last look
    fresh_as_of: Optional[float] = None  # replica clock, see the module's doc
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "state": self.state,
                               "lag_seconds": None if self.lag is None else round(self.lag, 3)}
        if self.error:
            out["error"] = self.error
        return out


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]


class ReplicaSet:
    """The primary and the replicas of one application, and the order to ask them in."""

    def __init__(self, primary: Server, replicas: list[Server], *, max_lag: float, check_interval: float,
                 clock: Callable[[], float] = time.monotonic):
        self.primary = primary
        self.replicas = replicas
        self.max_lag = max_lag
        self.check_interval = check_interval
        self._clock = clock
        self._turn = itertools.count()

    # --- looking -------------------------------------------------------------------------

    def _due(self, server: Server) -> bool:
        return self._clock() - server.checked_at >= self.check_interval

    def refresh(self, server: Server, *, force: bool = False) -> None:
        """Look at a replica again if its last look is older than the interval."""
        if not force and not self._due(server):
            return
        if not server.lock.acquire(blocking=False):
            return  # another thread is looking; use what is known
        try:
            if not force and not self._due(server):
                return
            self._look(server)
            server.checked_at = self._clock()
        finally:
            server.lock.release()

    def _look(self, server: Server) -> None:
        try:
            with server.engine.connect() as conn:
                conn.exec_driver_sql("SET LOCAL statement_timeout = 2000")  # this look only
                row = conn.execute(_STATE).one()
                conn.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure means: do not read there
            server.state, server.lag, server.error = DOWN, None, _reason(exc)
            return
        server.error = None
        if not row.in_recovery:
            # Promoted (or pointed at a primary by mistake): current by definition.
            server.state, server.lag = OK, 0.0
            return
        if row.streaming and row.replayed_all:
            server.fresh_as_of = row.now
        seen = [t for t in (row.replayed_commit_at, server.fresh_as_of) if t is not None]
        server.lag = max(0.0, row.now - max(seen)) if seen else None
        server.state = OK if server.lag is not None and server.lag <= self.max_lag else LAGGING

    def mark_down(self, server: Server, exc: BaseException) -> None:
        """A read failed there: skip it until the next look."""
        server.state, server.lag, server.error = DOWN, None, _reason(exc)
        server.checked_at = self._clock()
        server.engine.dispose()

    def mark_up(self, server: Server) -> None:
        if server.is_primary and server.state != OK:
            server.state, server.error = OK, None

    # --- choosing ------------------------------------------------------------------------

    def order(self) -> list[Server]:
        """Where to send a read, best first.

        Current replicas (a different one first on each call, to spread the
        load), then the primary, then lagging replicas (freshest first) for
        when the primary is away. Replicas that are down are left out; so is
        the primary while it is known to be down, unless nothing else is left.
        """
        for server in self.replicas:
            self.refresh(server)
        current = [s for s in self.replicas if s.state == OK]
        if len(current) > 1:
            k = next(self._turn) % len(current)
            current = current[k:] + current[:k]
        lagging = sorted((s for s in self.replicas if s.state == LAGGING), key=lambda s: s.lag or 0.0)
        primary_away = self.primary.state == DOWN and not self._due(self.primary)
        if primary_away:
            return current + lagging + [self.primary]
        return current + [self.primary] + lagging

    def report(self) -> list[dict[str, Any]]:
        for server in self.replicas:
            self.refresh(server)
        return [s.report() for s in self.replicas]

