"""Speakers: ``/speakers`` (find one by a name or alias) and ``/speakers/<id>``.

A speaker's page shows the names they are quoted under, their roles and
their approved quotes, and a form to add a name; the form needs a write key
and JavaScript (static/record.js sends ``PATCH /api/v1/speakers/<id>`` with
``add_aliases`` and the bearer key).
"""
from __future__ import annotations

from flask import request, url_for
from sqlalchemy import func, select

from .. import repository
from ..db import get_session
from ..models import APPROVED, Quote
from . import bp, closed_page, not_found, page, reads_open, verdicts
from .record import STATUS_LABELS

PER_PAGE = 20


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 1_000_000 else 1


def _pages(endpoint: str, result, **args) -> dict:
    return {
        "prev_url": url_for(endpoint, **args, page=result.page - 1) if result.page > 1 else None,
        "next_url": url_for(endpoint, **args, page=result.page + 1) if result.page < result.pages else None,
    }


def _approved_counts(session, speaker_ids: list[int]) -> dict[int, int]:
    if not speaker_ids:
        return {}
    rows = session.execute(select(Quote.speaker_id, func.count()).where(
        Quote.speaker_id.in_(speaker_ids), Quote.status == APPROVED).group_by(Quote.speaker_id))
    return {sid: n for sid, n in rows}


@bp.get("/speakers")
def speakers():
    if not reads_open():
        return closed_page()
    session = get_session()
    q = request.args.get("q", "").strip()[:200]
    result = repository.list_speakers(session, q=q or None, page=_page_number(), per_page=PER_PAGE)
    counts = _approved_counts(session, [s.id for s in result.items])
    return page("speakers.html", q=q, result=result, counts=counts,
                **_pages("pages.speakers", result, **({"q": q} if q else {})))


@bp.get("/speakers/<id:speaker_id>")
def speaker(speaker_id: int):
    if not reads_open():
        return closed_page()
    session = get_session()
    row = repository.get_speaker(session, speaker_id)
    if row is None:
        raise not_found(f"There is no speaker {speaker_id} on record.")
    result = repository.list_quotes(session, speaker_ids=[speaker_id], status=APPROVED, page=_page_number(),
                                    per_page=PER_PAGE)
    return page("speaker.html", speaker=row, result=result, v=verdicts, STATUS_LABELS=STATUS_LABELS,
                api_url=url_for("speakers.SpeakerById", speaker_id=speaker_id),
                **_pages("pages.speaker", result, speaker_id=speaker_id))
