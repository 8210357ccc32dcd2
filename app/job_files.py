"""Reading the claims of a bulk verification job: JSON Lines, CSV, a JSON array, an uploaded file.

Every reader yields :data:`Record` tuples ``(line, client id, claim, errors)``
one claim at a time, so a 100,000-line file is never held in memory: a valid
claim has ``claim`` set, an invalid one ``errors`` (and the job reports it at
its ``line``, and goes on with the rest).

CSV is read the way a spreadsheet writes it: a header row naming the columns
``id``, ``text``, ``speaker``, ``date``, ``location``, ``reference_date`` in
any order and any case; UTF-8 with or without a byte-order mark; comma,
semicolon or tab as the delimiter (told from the header row); quoted fields
that hold the delimiter, quotes or newlines. A row's ``line`` is the physical
line it starts on (the header is line 1), so a row with a newline in a cell
is reported where an editor finds it.

An upload (``multipart/form-data``, the field ``file``) is told apart by the
part's content type, and when that says nothing useful (curl sends
``application/octet-stream``, Excel on Windows ``application/vnd.ms-excel``)
by the file name's extension: :func:`upload_format`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
from typing import IO, Any, Iterable, Iterator, Optional

from marshmallow import ValidationError

from .schemas import VerifySchema, storable_text

NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl",
                "application/x-jsonlines", "application/jsonlines", "application/json-lines"}
CSV_TYPES = {"text/csv", "application/csv", "text/tab-separated-values"}
JSON_TYPES = {"application/json"}
CSV_COLUMNS = ("id", "text", "speaker", "date", "location", "reference_date")
DELIMITERS = (",", ";", "\t")
EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".jsonl": "ndjson", ".ndjson": "ndjson",
              ".jsonlines": "ndjson", ".json": "json"}

CLIENT_ID_MAX = 200
# A cell longer than this is refused by the csv module (its default is 128 KiB);
# the request's own size limit bounds it anyway.
csv.field_size_limit(16 * 1024 * 1024)

_verify_schema = VerifySchema()

# (line, client id, claim ready to store, errors)
Record = tuple[int, Optional[str], Optional[dict[str, Any]], Optional[dict[str, Any]]]


class InputError(Exception):
    """The body as a whole cannot become a job (422 with ``errors``)."""

    def __init__(self, message: str, errors: Any = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


def validate_claim(line: int, obj: Any) -> Record:
    """One input line as a claim to store, or its errors."""
    if not isinstance(obj, dict):
        return line, None, None, {"_schema": ["Each claim must be a JSON object."]}
    obj = dict(obj)
    errors: dict[str, Any] = {}
    client_id = obj.pop("id", None)
    if client_id is not None:
        if isinstance(client_id, bool) or not isinstance(client_id, (str, int)):
            errors["id"] = ["The id must be a string or an integer."]
            client_id = None
        else:
            client_id = str(client_id)
            if not storable_text(client_id):
                errors["id"] = ["Must be valid Unicode text (it holds a lone UTF-16 surrogate)."]
                client_id = None
            elif len(client_id) > CLIENT_ID_MAX:
                errors["id"] = [f"At most {CLIENT_ID_MAX} characters."]
                client_id = client_id[:CLIENT_ID_MAX]
    try:
        data = _verify_schema.load(obj)
    except ValidationError as exc:
        msgs = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors.update(msgs)
        data = None
    if errors:
        return line, client_id, None, errors
    assert data is not None
    claim = {k: v for k, v in data.items() if v is not None and v != ""}
    if isinstance(claim.get("reference_date"), dt.date):
        claim["reference_date"] = claim["reference_date"].isoformat()
    return line, client_id, claim, None


# --- JSON Lines and JSON ------------------------------------------------------------------


def iter_ndjson(lines: Iterable[bytes | str]) -> Iterator[Record]:
    for n, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, None, None, {"_line": ["Not UTF-8 text."]}
                continue
        if n == 1:
            raw = raw.lstrip("\ufeff")
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield n, None, None, {"_line": [f"Not valid JSON: {exc.msg} (column {exc.colno})."]}
            continue
        yield validate_claim(n, obj)


def iter_json_array(body: Any) -> Iterator[Record]:
    """A JSON array of claims (or ``{"claims": [...]}``); ``line`` is the 1-based position."""
    if isinstance(body, dict) and isinstance(body.get("claims"), list):
        body = body["claims"]
    if not isinstance(body, list):
        raise InputError("Send JSON Lines, CSV, or a JSON array of claims.", {"json": ["Not an array."]})
    for i, obj in enumerate(body, start=1):
        yield validate_claim(i, obj)


def load_json(stream: IO[bytes]) -> Any:
    """A whole JSON body; InputError (as a 400-worthy message) if it is not JSON."""
    try:
        return json.loads(stream.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"The body is not valid JSON: {exc}", {"json": ["Invalid JSON body."]}) from None


# --- CSV ------------------------------------------------------------------------------------


def text_stream(binary: IO[bytes]) -> IO[str]:
    """UTF-8 text from ``binary``, a byte-order mark dropped. Bytes that are not UTF-8
    become lone surrogates, which :func:`iter_csv` reports at their row."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header row: the one that splits it into the most known columns.

    The column names hold no delimiter, so the header is a better witness than
    the data (whose cells hold commas and semicolons); ties go to the one seen
    most often, then to the comma.
    """
    def score(delim: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delim), [])
        except csv.Error:
            cells = []
        known = sum(1 for c in cells if c.strip().strip('"').lower() in CSV_COLUMNS)
        return known, header.count(delim)

    return max(DELIMITERS, key=lambda d: (*score(d), -DELIMITERS.index(d)))


def _has_surrogate(values: Iterable[str]) -> bool:
    return any(not storable_text(v) for v in values)


def iter_csv(stream: IO[str]) -> Iterator[Record]:
    """CSV with a header row: text (required), and any of id, speaker, date, location, reference_date."""
    try:
        first = stream.readline()
    except UnicodeDecodeError as exc:  # only with a strict decoder
        raise InputError(f"Not UTF-8 text: {exc}", {"_file": ["Not UTF-8 text."]}) from None
    first = first.lstrip("\ufeff")
    if not first.strip():
        return
    delimiter = sniff_delimiter(first.rstrip("\r\n"))
    lines = _LineCounter(itertools.chain([first], stream))
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        raw_header = next(reader)
    except csv.Error as exc:
        raise InputError(f"Not readable as CSV: {exc}", {"_header": [str(exc)]}) from None
    header = [h.strip().lstrip("\ufeff").lower() for h in raw_header]
    if "text" not in header:
        raise InputError("The CSV header needs a text column (and may have id, speaker, date, location, "
                         "reference_date, in any order).",
                         {"_header": [f"Missing column: text (the header has: {', '.join(raw_header)[:300]})."]})
    duplicated = sorted({h for h in header if h in CSV_COLUMNS and header.count(h) > 1})
    if duplicated:
        raise InputError(f"The CSV header names a column twice: {', '.join(duplicated)}.",
                         {"_header": [f"Duplicate column(s): {', '.join(duplicated)}."]})
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        yield 1, None, None, {"_header": [f"Unknown column(s) ignored: {', '.join(unknown)}."]}
    width = len(header)
    while True:
        start = lines.count + 1  # the row starts on the line after the last one read
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, None, None, {"_line": [f"Not readable as CSV: {exc}"]}
            continue
        if not any(cell.strip() for cell in row):
            continue
        if _has_surrogate(row):
            yield start, None, None, {"_line": ["Not UTF-8 text: save the file as \"CSV UTF-8\"."]}
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            yield start, None, None, {"_line": [f"{len(row) - width} more cell(s) than the header has "
                                                f"columns ({width}); a cell holding the delimiter "
                                                f"{delimiter!r} must be quoted."]}
            continue
        obj = {h: v for h, v in zip(header, row) if h in CSV_COLUMNS and v.strip() != ""}
        yield validate_claim(start, obj)


class _LineCounter:
    """Counts the physical lines the csv reader takes (``reader.line_num`` counts the same, but
    this one can be read before a row is parsed, to know where it starts)."""

    def __init__(self, lines: Iterable[str]):
        self._lines = iter(lines)
        self.count = 0

    def __iter__(self) -> "_LineCounter":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


# --- uploads ----------------------------------------------------------------------------


def upload_format(content_type: Optional[str], filename: Optional[str]) -> Optional[str]:
    """"csv", "ndjson" or "json" for an uploaded part, or None when neither tells.

    The part's content type when it names a format; otherwise the file name's
    extension (generic types such as ``application/octet-stream``,
    ``text/plain`` or Excel's ``application/vnd.ms-excel`` say nothing).
    """
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in CSV_TYPES:
        return "csv"
    if mime in NDJSON_TYPES:
        return "ndjson"
    ext = os.path.splitext((filename or "").strip().lower())[1]
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if mime in JSON_TYPES:
        return "json"
    return None


def records(fmt: str, binary: IO[bytes]) -> Iterator[Record]:
    """The claims of a body or file of format ``fmt`` (csv, ndjson or json), read as they come."""
    if fmt == "ndjson":
        return iter_ndjson(binary)
    if fmt == "csv":
        return iter_csv(text_stream(binary))
    if fmt == "json":
        return _json_records(binary)
    raise ValueError(fmt)


def _json_records(binary: IO[bytes]) -> Iterator[Record]:
    yield from iter_json_array(load_json(binary))  # read when iterated: its InputError is the caller's 422
