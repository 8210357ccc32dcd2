"""A job's answers as a download: JSON Lines (the default) or CSV for a spreadsheet.

Both are streamed from the database a page (``RESULTS_PAGE`` items) at a
time, each page read in a short session of its own, so a 100,000-answer
download starts at once, holds no transaction (and, on SQLite, does not pin
the WAL) and is never built in memory.

CSV (:data:`CSV_HEADER`): one row per claim in input order. UTF-8 with a
byte-order mark, so Excel opens it as UTF-8; RFC 4180 (CRLF line ends, a
cell with a comma, a quote or a line break quoted, quotes doubled); and a
cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return) is prefixed with ``'`` so that a spreadsheet shows it as text rather
than running it as a formula (CSV injection).
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable, Iterator, Optional, Sequence

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import EXTENSION as DB_EXTENSION
from .models import JobItem

RESULTS_PAGE = 500
FORMATS = ("ndjson", "csv")
CSV_HEADER = ("line", "id", "verdict", "issues", "messages", "reason", "quote_id", "quote_text",
              "quote_speaker", "quote_spoken_at", "quote_location", "error")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def iter_pages(app: Flask, job_id: str, upto: int, offset: int = 0,
               sessions: Optional[Callable[[], Session]] = None) -> Iterator[Sequence[Any]]:
    """The stored items ``offset`` .. ``upto - 1`` (seq, line, client_id, result), a page at a time.

    Each page is read in a short session of its own, so a long download holds
    no transaction (and, on SQLite, does not pin the WAL); ``sessions`` (a
    replica's) default to the primary's.
    """
    factory = sessions or app.extensions[DB_EXTENSION]["read_sessions"]
    last = offset - 1
    while last + 1 < upto:
        with factory() as session:
            rows = session.execute(
                select(JobItem.seq, JobItem.line, JobItem.client_id, JobItem.result)
                .where(JobItem.job_id == job_id, JobItem.seq > last, JobItem.seq < upto)
                .order_by(JobItem.seq).limit(RESULTS_PAGE)
            ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].seq


# --- JSON Lines -----------------------------------------------------------------------------


def result_line(line: int, client_id: Optional[str], result: Optional[dict[str, Any]]) -> str:
    return json.dumps({"line": line, "id": client_id, **(result or {})}, ensure_ascii=False) + "\n"


def iter_results(app: Flask, job_id: str, upto: int, offset: int = 0,
                 sessions: Optional[Callable[[], Session]] = None) -> Iterator[str]:
    """The answers of items ``offset`` .. ``upto - 1`` as JSON Lines."""
    for rows in iter_pages(app, job_id, upto, offset, sessions):
        yield "".join(result_line(r.line, r.client_id, r.result) for r in rows)


# --- CSV ------------------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A cell's text, made inert for a spreadsheet (see the module docstring)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(line: int, client_id: Optional[str], result: Optional[dict[str, Any]]) -> list[str]:
    """One answer as the cells of :data:`CSV_HEADER`."""
    result = result or {}
    issues = [i for i in result.get("issues") or [] if isinstance(i, dict)]
    messages = [i.get("message") for i in issues if i.get("message")]
    if not messages and result.get("message"):
        messages = [result["message"]]  # an unverified answer's sentence
    match = result.get("match") or {}
    quote = match.get("quote") or {} if isinstance(match, dict) else {}
    error = result.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("status")
    cells = [line, client_id, result.get("verdict"), ";".join(str(i.get("type", "")) for i in issues),
             " | ".join(messages), result.get("reason"), quote.get("id"), quote.get("text"),
             quote.get("speaker"), quote.get("spoken_at"), quote.get("location"), error]
    return [neutralise(c) for c in cells]


def iter_results_csv(app: Flask, job_id: str, upto: int, offset: int = 0,
                     sessions: Optional[Callable[[], Session]] = None) -> Iterator[str]:
    """The answers of items ``offset`` .. ``upto - 1`` as CSV: a BOM and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    yield BOM + buffer.getvalue()
    for rows in iter_pages(app, job_id, upto, offset, sessions):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(csv_row(r.line, r.client_id, r.result) for r in rows)
        yield buffer.getvalue()
