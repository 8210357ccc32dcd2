"""Speakers a web worker keeps in memory between requests, and when it forgets them.

Every verify needs the speakers the claimed name can mean and the speakers
of its candidates, with their aliases, gender and roles: two queries and
their rows, each time, for a few hundred speakers that rarely change. A
worker keeps them here instead (at most ``KEPT`` of each kind; all
forgotten when full), per database.

The rule that keeps it right: the row ``speakers`` of ``cache_versions``
moves whenever ``speakers``, ``speaker_aliases`` or ``speaker_keys``
change (database triggers, migration 0012: whoever writes, in the writer's
transaction). Each request reads it once, in its own transaction, before it
uses anything kept; if it moved, everything kept is forgotten. So a speaker
renamed, given an alias or created by another worker, another process or
another machine is seen by the next request of every worker, exactly as if
nothing were kept. Speakers are only read from the database after the
version, so what is kept is never older than the version it is kept under.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from sqlalchemy.orm import Session

from verification.model import SpeakerRef

from .driver_sql import Statement, fetch

KEPT = 20_000

VERSION = Statement(
    sqlite="SELECT version FROM cache_versions WHERE name = 'speakers'",
    postgresql="SELECT version FROM cache_versions WHERE name = 'speakers'",
)

_CHECKED = "verbatim.speakers_version"  # session.info: the version this request read


class _Kept:
    def __init__(self) -> None:
        self.version: Optional[int] = None
        self.refs: dict[int, SpeakerRef] = {}
        self.by_name: dict[str, list[int]] = {}

    def forget(self, version: Optional[int]) -> None:
        self.version = version
        self.refs.clear()
        self.by_name.clear()


_BY_DATABASE: dict[str, _Kept] = {}


def _kept(session: Session) -> _Kept:
    """What this worker keeps for the session's database, checked against
    the version once per session (a request, a job's claim)."""
    bind = session.get_bind()
    kept = _BY_DATABASE.setdefault(str(bind.url), _Kept())
    if _CHECKED not in session.info:
        rows = fetch(session, VERSION, {})
        version = int(rows[0][0]) if rows else None
        session.info[_CHECKED] = version
        if version is None or version != kept.version:
            kept.forget(version)
    return kept


def refs(session: Session, ids: Iterable[int],
         load: Callable[[Session, list[int]], dict[int, SpeakerRef]]) -> dict[int, SpeakerRef]:
    """Speaker records by id; those not kept are loaded with ``load`` (and kept)."""
    kept = _kept(session)
    wanted = set(ids)
    missing = sorted(wanted - kept.refs.keys())
    if missing:
        found = load(session, missing)
        if kept.version is not None:
            if len(kept.refs) + len(found) > KEPT:
                kept.refs.clear()
            kept.refs.update(found)
        return {i: r for i in wanted if (r := kept.refs.get(i) or found.get(i)) is not None}
    return {i: kept.refs[i] for i in wanted}


def ids_for_name(session: Session, name: str, load: Callable[[Session, str], list[int]]) -> list[int]:
    """The speaker ids a claimed name can mean (``load`` when not kept)."""
    kept = _kept(session)
    found = kept.by_name.get(name)
    if found is None:
        found = load(session, name)
        if kept.version is not None:
            if len(kept.by_name) >= KEPT:
                kept.by_name.clear()
            kept.by_name[name] = found
    return found


def forget_all() -> None:
    """Drop everything kept (tests)."""
    _BY_DATABASE.clear()

