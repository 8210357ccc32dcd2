"""Reading quote files line by line: JSON Lines and CSV.

Both readers stream (a 50 MB body is never held as Python objects at once)
and yield ``(line, data, errors)``: validated data for a good line, the
marshmallow errors for a bad one. Storage is :func:`app.bulk_import.import_quotes`.

CSV columns: ``text``, ``speaker``, ``speaker_gender``, ``spoken_at``, ``location``, ``event``,
``language``, ``context``, ``status``, and the sources either as a
``sources`` column holding a JSON list, or as one source in
``source_url``, ``source_publisher``, ``source_title``, ``source_published_at``.
Empty cells mean "not given". ``line`` is the physical line in the file (the
header is line 1).
"""
from __future__ import annotations

import csv
import io
import json
from collections import deque
from itertools import islice
from typing import IO, Any, Iterable, Iterator, Optional

from marshmallow import ValidationError

from .schemas import QuoteCreateSchema

Record = tuple[int, Optional[dict[str, Any]], Optional[dict[str, Any]]]

CSV_FIELDS = ("text", "speaker", "speaker_gender", "spoken_at", "location", "event", "language", "context",
              "status", "sources")
CSV_SOURCE_FIELDS = ("source_url", "source_publisher", "source_title", "source_published_at")
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl",
                "application/x-jsonlines", "application/jsonlines", "application/json-lines"}
CSV_TYPES = {"text/csv", "application/csv"}

_schema = QuoteCreateSchema()


class FileError(ValueError):
    """The file as a whole cannot be read (e.g. a CSV without text/speaker columns)."""


def _validate(line: int, obj: Any) -> Record:
    if not isinstance(obj, dict):
        return line, None, {"_schema": ["Each line must be a JSON object."]}
    try:
        return line, _schema.load(obj), None
    except ValidationError as exc:
        return line, None, exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}


def _parse_line(n: int, raw: bytes | str) -> Optional[Record]:
    """One JSON Lines line as a record; None for a blank line."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return n, None, {"_line": ["Not UTF-8 text."]}
    if n == 1:
        raw = raw.lstrip("\ufeff")
    if not raw.strip():
        return None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return n, None, {"_line": [f"Not valid JSON: {exc.msg} (column {exc.colno})."]}
    except RecursionError:
        return n, None, {"_line": ["Nested too deeply."]}
    return _validate(n, obj)


def _parse_batch(batch: list[tuple[int, bytes | str]]) -> list[Record]:
    return [r for r in (_parse_line(n, raw) for n, raw in batch) if r is not None]


class NdjsonRecords:
    """The records of a JSON Lines body, line by line, in order.

    A large import may hand it a process pool (:meth:`use_pool`): from then
    on the remaining lines are parsed and validated there, a batch at a time,
    a few batches ahead, while the importing process stores what it has.
    """

    BATCH = 1000

    def __init__(self, lines: Iterable[bytes | str]) -> None:
        self._lines = lines
        self._pool: Any = None
        self._ahead = 2

    def use_pool(self, pool: Any, ahead: int = 2) -> None:
        self._pool, self._ahead = pool, max(1, ahead)

    def __iter__(self) -> Iterator[Record]:
        numbered = enumerate(self._lines, start=1)
        pending: deque = deque()
        while True:
            if self._pool is None:
                item = next(numbered, None)
                if item is None:
                    return
                record = _parse_line(*item)
                if record is not None:
                    yield record
                continue
            while len(pending) < self._ahead:
                batch = list(islice(numbered, self.BATCH))
                if not batch:
                    break
                pending.append((batch, self._pool.submit(_parse_batch, batch)))
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                records = future.result()
            except Exception:  # a worker died: parse this batch here
                records = _parse_batch(batch)
            yield from records


def iter_ndjson(lines: Iterable[bytes | str]) -> NdjsonRecords:
    return NdjsonRecords(lines)


def _csv_row_to_obj(row: dict[str, Any]) -> tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]:
    obj: dict[str, Any] = {}
    for k in CSV_FIELDS:
        v = row.get(k)
        if v is not None and v.strip() != "":
            obj[k] = v
    if "sources" in obj:
        try:
            obj["sources"] = json.loads(obj["sources"])
        except json.JSONDecodeError:
            return None, {"sources": ["Must be a JSON list of {url, publisher, title, published_at}."]}
    else:
        src = {k[len("source_"):]: row[k] for k in CSV_SOURCE_FIELDS
               if row.get(k) is not None and row[k].strip() != ""}
        if src:
            obj["sources"] = [src]
    if None in row:  # more cells than header columns
        return None, {"_line": [f"{len(row[None])} more cell(s) than the header has columns."]}
    return obj, None


def iter_csv(stream: IO[str]) -> Iterator[Record]:
    reader = csv.DictReader(stream)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise FileError(f"Not readable as CSV: {exc}") from None
    if not header:
        return
    header = [h.strip().lstrip("\ufeff") if h else h for h in header]
    reader.fieldnames = header
    missing = [c for c in ("text", "speaker") if c not in header]
    if missing:
        raise FileError(f"The CSV header needs the columns text and speaker (missing: {', '.join(missing)}).")
    unknown = [h for h in header if h not in CSV_FIELDS and h not in CSV_SOURCE_FIELDS]
    if unknown:
        yield 1, None, {"_header": [f"Unknown column(s) ignored: {', '.join(map(str, unknown))}."]}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, {"_line": [f"Not readable as CSV: {exc}"]}
            continue
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        obj, err = _csv_row_to_obj(row)
        if err:
            yield line, None, err
            continue
        yield _validate(line, obj)


class BodyNotJson(FileError):
    """A body sent as one JSON document that is not JSON (400)."""


def iter_json_array(stream: IO[bytes]) -> Iterator[Record]:
    """A JSON array of quotes (or ``{"quotes": [...]}``); ``line`` is the 1-based position."""
    data = stream.read()
    try:
        body = json.loads(data) if data.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise BodyNotJson(f"The request body is not valid JSON: {exc}") from None
    if isinstance(body, dict) and isinstance(body.get("quotes"), list):
        body = body["quotes"]
    if not isinstance(body, list):
        raise FileError("Send a JSON array of quotes, or JSON Lines.")
    return (_validate(i, obj) for i, obj in enumerate(body, start=1))


def records_from_bytes_stream(stream: IO[bytes], kind: str) -> Iterator[Record]:
    """Records from a binary stream (a request body or an open file):
    ``kind`` is ``ndjson``, ``csv`` or ``json`` (an array)."""
    if kind == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        return iter_csv(text)
    if kind == "json":
        return iter_json_array(stream)
    return iter_ndjson(stream)


def kind_for_filename(name: str) -> str:
    return "csv" if name.lower().endswith(".csv") else "ndjson"


def kind_for_mimetype(mimetype: Optional[str]) -> Optional[str]:
    """``ndjson``, ``csv`` or ``json`` for a request's content type (None: not an import body)."""
    mimetype = (mimetype or "").lower()
    if mimetype in NDJSON_TYPES:
        return "ndjson"
    if mimetype in CSV_TYPES:
        return "csv"
    if mimetype == "application/json":
        return "json"
    return None
