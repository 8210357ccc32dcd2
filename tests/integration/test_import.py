"""Bulk import: JSON Lines and CSV, bad lines reported, good lines kept."""
import json
import threading

import pytest

from .helpers import assert_error, cited

NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv"}


def ndjson(*objs):
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n"


def test_ndjson_import_keeps_good_lines_and_reports_bad_ones(client, write_headers):
    body = ndjson(
        {"text": "First good quote about rivers.", "speaker": "Ann Lee", "spoken_at": "2025-01-02",
         "location": "Paris, France", "sources": [{"publisher": "AFP", "url": "https://afp.com/1"}]},
        {"text": "", "speaker": "Ann Lee"},                       # 2: blank text
        "{not json",                                               # 3: malformed
        "",                                                        # 4: blank line, skipped silently
        {"text": "Second good quote about mountains.", "speaker": "Bob Stone", "event": "Summit"},
        ["a", "list"],                                             # 6: not an object
        {"text": "Bad date.", "speaker": "Ann Lee", "spoken_at": "last week"},   # 7
        {"text": "Third good one, same speaker.", "speaker": "ann lee"},
    )
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON})
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["imported"] == 3
    assert [e["line"] for e in out["errors"]] == [2, 3, 6, 7]
    assert "text" in out["errors"][0]["errors"]
    assert "spoken_at" in out["errors"][3]["errors"]
    listed = client.get("/api/v1/quotes?per_page=10").get_json()
    assert listed["total"] == 3
    by_text = {q["text"]: q for q in listed["items"]}
    first = by_text["First good quote about rivers."]
    assert first["place"]["country_code"] == "FR" and first["sources"][0]["publisher"] == "AFP"
    assert by_text["Third good one, same speaker."]["speaker_id"] == first["speaker_id"]
    revs = client.get(f"/api/v1/quotes/{first['id']}/revisions", headers=write_headers).get_json()
    assert revs[0]["action"] == "create" and revs[0]["api_key"]["name"] == "writer"
    # Imported quotes are searchable and verifiable at once.
    v = client.post("/api/v1/verify", json={"text": "Second good quote about mountains."}).get_json()
    assert v["verdict"] == "verified"


def test_csv_import(client, write_headers):
    body = (
        "text,speaker,spoken_at,location,source_publisher,source_url\n"
        '"He said ""no"", then left.",Ann Lee,2025-09,Beijing,Reuters,https://reuters.com/x\n'
        ",Ann Lee,,,,\n"
        '"Multi-line\nquote text here.",Bob Stone,2025,,,\n'
        "Bad date here,Bob Stone,someday,,,\n"
    )
    r = client.post("/api/v1/quotes/import", data=body.encode(), headers={**write_headers, **CSV})
    out = r.get_json()
    assert r.status_code == 200, out
    assert out["imported"] == 2
    assert [e["line"] for e in out["errors"]] == [3, 6]
    items = client.get("/api/v1/quotes").get_json()["items"]
    texts = {q["text"] for q in items}
    assert texts == {'He said "no", then left.', "Multi-line\nquote text here."}
    q = next(q for q in items if q["text"].startswith("He said"))
    assert cited(q) == [{"url": "https://reuters.com/x", "publisher": "Reuters", "title": None,
                             "published_at": None}]


def test_csv_sources_column_and_unknown_columns(client, write_headers):
    body = ("text,speaker,sources,mood\n"
            '"Quote one.",Ann Lee,"[{""publisher"": ""AP""}, {""publisher"": ""DPA""}]",happy\n'
            '"Quote two.",Ann Lee,"not json",sad\n')
    out = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **CSV}).get_json()
    assert out["imported"] == 1
    assert out["errors"][0]["line"] == 1 and "mood" in json.dumps(out["errors"][0])
    assert out["errors"][1]["line"] == 3 and "sources" in out["errors"][1]["errors"]
    q = client.get("/api/v1/quotes").get_json()["items"][0]
    assert [s["publisher"] for s in q["sources"]] == ["AP", "DPA"]


def test_csv_without_required_columns_is_422(client, write_headers):
    assert_error(client.post("/api/v1/quotes/import", data="quote,who\na,b\n",
                             headers={**write_headers, **CSV}), 422)


def test_json_array_import(client, write_headers):
    body = [{"text": "Array quote one.", "speaker": "Ann Lee"}, {"speaker": "Ann Lee"}]
    out = client.post("/api/v1/quotes/import", json=body, headers=write_headers).get_json()
    assert out["imported"] == 1 and out["errors"][0]["line"] == 2


def test_import_needs_a_known_content_type_and_a_write_key(client, write_headers, make_key):
    assert_error(client.post("/api/v1/quotes/import", data="x", headers={**write_headers,
                                                                        "Content-Type": "text/plain"}), 415)
    body = ndjson({"text": "Some quote.", "speaker": "Ann Lee"})
    assert_error(client.post("/api/v1/quotes/import", data=body, headers=NDJSON), 401)
    assert_error(client.post("/api/v1/quotes/import", data=body, headers={**make_key("read"), **NDJSON}), 403)


def test_import_of_5000_quotes_in_one_request(client, write_headers):
    n = 5000
    speakers = [f"Speaker Number{i}" for i in range(50)]
    places = ["Paris, France", "Beijing, China", "West Palm Beach, Florida", "Kyiv, Ukraine", None]
    lines = []
    for i in range(n):
        obj = {"text": f"Quote number {i} says word{i} and topic{i % 97} with detail{i % 13}.",
               "speaker": speakers[i % 50], "spoken_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
               "event": f"Event {i % 7}", "language": "en",
               "sources": [{"publisher": "Agency", "url": f"https://example.org/{i}"}]}
        if places[i % 5]:
            obj["location"] = places[i % 5]
        lines.append(obj)
    lines[1234] = {"text": "", "speaker": "X"}
    body = ndjson(*lines)
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON})
    out = r.get_json()
    assert r.status_code == 200, out
    assert out["imported"] == n - 1
    assert out["errors"] == [{"line": 1235, "errors": {"text": ["Must not be blank."]}}]
    assert client.get("/api/v1/health").get_json()["quotes"] == n - 1
    v = client.post("/api/v1/verify", json={"text": "Quote number 4321 says word4321 and topic53 with detail5.",
                                            "speaker": "Speaker Number21"}).get_json()
    assert v["verdict"] == "verified", v
    assert v["match"]["quote"]["sources"][0]["url"] == "https://example.org/4321"
    assert client.get("/api/v1/quotes?speaker=Speaker Number7").get_json()["total"] == 100


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"IMPORT_MAX_CONTENT_LENGTH": 2000, "MAX_CONTENT_LENGTH": 1000}],
                         indirect=True)
def test_import_body_limit_is_its_own(client, write_headers):
    small = ndjson({"text": "x" * 1200, "speaker": "Ann Lee"})  # above the general limit
    r = client.post("/api/v1/quotes/import", data=small, headers={**write_headers, **NDJSON})
    assert r.status_code == 200 and r.get_json()["imported"] == 1
    big = ndjson(*[{"text": "y" * 500, "speaker": "Ann Lee"}] * 5)
    assert_error(client.post("/api/v1/quotes/import", data=big, headers={**write_headers, **NDJSON}), 413)
    assert_error(client.post("/api/v1/verify", json={"text": "z" * 1200}), 413)


def test_a_large_import_prepares_rows_in_another_process(app, client, monkeypatch):
    """Once the worker process is ready, the remaining lines are parsed,
    validated and prepared there: same rows, same errors, same order."""
    from concurrent.futures import ProcessPoolExecutor

    from sqlalchemy import select

    from app import bulk_import, importer, services
    from app.db import get_session
    from app.models import Quote

    objs = []
    for i in range(40):
        if i in (2, 33):  # one bad line before the workers are ready, one after
            objs.append({"text": "", "speaker": "Ann Lee"})
        else:
            objs.append({"text": f"Quote number {i} about the river crossing at dawn.", "speaker": "Ann Lee",
                         "spoken_at": "2025-09-03", "location": "Beijing, China"})
    submitted, started = [], []

    class CountingPool(ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            future = super().submit(fn, *args, **kwargs)
            submitted.append(fn.__name__)
            if fn.__name__ == "_warm_worker":
                started.append(future)
            return future

    monkeypatch.setattr(bulk_import, "ProcessPoolExecutor", CountingPool)

    def lines():
        for n, o in enumerate(objs, start=1):
            if n == 16:  # give the worker time to start, however slow the machine
                assert started and all(f.result(timeout=120) for f in started)
            yield json.dumps(o).encode()

    with app.app_context():
        session = get_session()
        result = bulk_import.import_quotes(session, importer.iter_ndjson(lines()), chunk_size=5, workers=1)
        assert result.imported == 38
        assert [e["line"] for e in result.errors] == [3, 34]
        assert "_prepare_in_worker" in submitted and "_parse_batch" in submitted
        rows = session.scalars(select(Quote).order_by(Quote.id)).all()
        assert [q.id for q in rows] == result.ids
        assert [q.text for q in rows] == [o["text"] for o in objs if o["text"]]
        for q in rows:  # the worker's columns are the ones computed here
            want = services.quote_columns({"text": q.text, "spoken_at": q.spoken_at, "location": q.location},
                                          q.speaker)
            for col in ("search_text", "shingles", "text_hash", "spoken_on_start", "country_code", "city"):
                assert getattr(q, col) == want[col], col
    v = client.post("/api/v1/verify", json={"text": "Quote number 37 about the river crossing", "speaker": "Ann Lee",
                                            "location": "Beijing"}).get_json()
    assert v["verdict"] == "verified"
    assert v["match"]["quote"]["text"].startswith("Quote number 37 ")


class _SlowStartPool:
    """An in-process stand-in for the worker pool whose start-up finishes
    while the importer is looking: each warm-up future answers "not done"
    to its first ``not_done_for`` questions, then "done"."""

    instances: list["_SlowStartPool"] = []

    def __init__(self, max_workers, mp_context=None, not_done_for=1, **_guard):
        self.submitted: list[str] = []
        self.not_done_for = not_done_for
        _SlowStartPool.instances.append(self)

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        self.submitted.append(fn.__name__)
        future = Future()
        future.set_result(fn(*args, **kwargs))
        if fn.__name__ == "_warm_worker":
            answers = [False] * self.not_done_for
            future.done = lambda: answers.pop(0) if answers else True
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


@pytest.mark.parametrize("not_done_for", [0, 1, 2, 3])
def test_the_lines_go_to_the_workers_whenever_they_become_ready(app, monkeypatch, not_done_for):
    """However the workers' start-up falls between the importer's checks,
    once they get chunks they also get the lines to parse (they did not when
    the start-up finished between two checks of the same chunk)."""
    from app import bulk_import, importer
    from app.db import get_session

    _SlowStartPool.instances.clear()
    monkeypatch.setattr(bulk_import, "ProcessPoolExecutor",
                        lambda **kw: _SlowStartPool(**kw, not_done_for=not_done_for))
    lines = [json.dumps({"text": f"Hand-over line {i} about the harbour.", "speaker": "Ann Lee"})
             for i in range(40)]
    with app.app_context():
        result = bulk_import.import_quotes(get_session(), importer.iter_ndjson(lines), chunk_size=5, workers=1)
    assert result.imported == 40 and result.errors == []
    submitted = _SlowStartPool.instances[0].submitted
    assert "_prepare_in_worker" in submitted
    # Handed over with the first chunk the workers prepare, not never.
    assert "_parse_batch" in submitted
    assert submitted.index("_parse_batch") == submitted.index("_prepare_in_worker") + 1


def test_a_small_import_starts_no_worker(app, client, write_headers, monkeypatch):
    from app import bulk_import

    monkeypatch.setattr(bulk_import, "ProcessPoolExecutor", None)  # would fail if called
    body = ndjson(*({"text": f"Small import line {i}.", "speaker": "Ann Lee"} for i in range(20)))
    r = client.post("/api/v1/quotes/import", data=body, headers={**write_headers, **NDJSON})
    assert r.status_code == 200 and r.get_json()["imported"] == 20


def test_sqlite_import_settings_are_put_back(app, database_url):
    """An import enlarges its connection's page cache and WAL; the pooled
    connection goes back to the configured settings afterwards."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite connection settings")
    from app import bulk_import, importer
    from app.db import get_session

    lines = [json.dumps({"text": f"Setting check number {i}.", "speaker": "Ann Lee"}) for i in range(30)]
    with app.app_context():
        session = get_session()
        conn = session.connection()
        before = (conn.exec_driver_sql("PRAGMA cache_size").scalar(),
                  conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar())
        assert before == (-1024 * app.config["SQLITE_CACHE_MB"], 1000)
        result = bulk_import.import_quotes(session, importer.iter_ndjson(lines), chunk_size=10)
        assert result.imported == 30
        conn = session.connection()
        assert (conn.exec_driver_sql("PRAGMA cache_size").scalar(),
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()) == before


def test_postgresql_import_settings_are_put_back(app, database_url):
    """An import lengthens its session's GIN pending list, merges the list
    into both GIN indexes at the end, and puts the setting back."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL session settings")
    from sqlalchemy import text

    from app import bulk_import, importer
    from app.db import get_session

    lines = [json.dumps({"text": f"Setting check number {i}.", "speaker": "Ann Lee"}) for i in range(30)]
    with app.app_context():
        session = get_session()
        def settings():
            return (session.execute(text("SHOW gin_pending_list_limit")).scalar(),
                    session.execute(text("SHOW work_mem")).scalar())

        before = settings()
        result = bulk_import.import_quotes(session, importer.iter_ndjson(lines), chunk_size=10)
        assert result.imported == 30
        assert settings() == before
        for index in ("ix_quotes_search_vector", "ix_quotes_pair_keys"):
            # Nothing left pending: a second clean has nothing to move.
            moved = session.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"), {"i": index})
            assert moved.scalar() == 0


def test_an_import_cut_off_stores_nothing(app):
    """A reader that fails half-way (a dropped upload): the import is one
    transaction, so the chunks already written are rolled back too; the
    error reaches the caller and the connection is usable."""
    from sqlalchemy import func, select

    from app import bulk_import, importer
    from app.db import get_session
    from app.models import Quote, Speaker

    def lines():
        for i in range(25):
            yield json.dumps({"text": f"Cut-off import line {i}.", "speaker": "Ann Lee"})
        raise OSError("connection reset")

    with app.app_context():
        session = get_session()
        with pytest.raises(OSError):
            bulk_import.import_quotes(session, importer.iter_ndjson(lines()), chunk_size=10)
        assert session.scalar(select(func.count()).select_from(Quote)) == 0
        assert session.scalar(select(func.count()).select_from(Speaker)) == 0
        if session.get_bind().dialect.name == "sqlite":
            assert session.connection().exec_driver_sql("PRAGMA cache_size").scalar() \
                == -1024 * app.config["SQLITE_CACHE_MB"]


# Text that COPY's text format must escape (PostgreSQL imports send it so),
# and that must come back exactly as sent on both databases.
AWKWARD = [
    "Tab\there, newline\nthere, return\rthere.",
    "A backslash \\ and \\N and \\t written out.",
    "\\.",
    "Quotes \"double\" and 'single', café, Zelenskyy – Зеленський.",
]


def test_awkward_text_comes_back_exactly(client, write_headers):
    lines = [{"text": t, "speaker": "Ann Lee", "event": t, "context": t,
              "sources": [{"title": t, "publisher": "P\\Q", "url": "https://example.org/a\\b"}]}
             for t in AWKWARD]
    lines += [{"text": f"Filler quote {i} about the weather.", "speaker": "Ann Lee"} for i in range(6)]
    out = client.post("/api/v1/quotes/import", data=ndjson(*lines),
                      headers={**write_headers, **NDJSON}).get_json()
    assert out == {"imported": len(lines), "rejected": 0, "errors": []}
    items = client.get("/api/v1/quotes?per_page=100").get_json()["items"]
    by_text = {q["text"]: q for q in items}
    for t in AWKWARD:
        q = by_text[t]
        assert (q["event"], q["context"], q["sources"][0]["title"]) == (t, t, t)
        assert q["sources"][0]["publisher"] == "P\\Q"
        revs = client.get(f"/api/v1/quotes/{q['id']}/revisions").get_json()
        assert revs[0]["changes"]["text"] == {"before": None, "after": t}
        assert revs[0]["changes"]["sources"]["after"][0]["title"] == t


def test_a_line_the_database_refuses_is_reported_and_its_chunk_kept(app, database_url):
    """A row the database itself refuses (here a constraint added for the
    test) fails its chunk's COPY / INSERT; the chunk is retried line by line,
    so only that line is reported and the rest are stored."""
    from sqlalchemy import func, select, text

    from app import bulk_import, importer
    from app.db import get_session
    from app.models import Quote

    lines = [json.dumps({"text": f"Refusal check {i} about the bridge.", "speaker": "Ann Lee"}) for i in range(12)]
    lines[7] = json.dumps({"text": "Please REFUSE this one.", "speaker": "Ann Lee"})
    with app.app_context():
        session = get_session()
        if database_url.startswith("sqlite"):
            session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON quotes WHEN new.text LIKE '%REFUSE%' "
                                 "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:
            session.execute(text("ALTER TABLE quotes ADD CONSTRAINT refuse CHECK (text NOT LIKE '%REFUSE%')"))
        session.commit()
        try:
            result = bulk_import.import_quotes(session, importer.iter_ndjson(lines), chunk_size=5)
            assert result.imported == 11 and result.rejected == 1
            assert [e["line"] for e in result.errors] == [8]
            assert "_database" in result.errors[0]["errors"]
            assert session.scalar(select(func.count()).select_from(Quote)) == 11
            assert sorted(result.ids) == result.ids and len(set(result.ids)) == 11
        finally:  # PostgreSQL's schema outlives the test
            session.rollback()
            if not database_url.startswith("sqlite"):
                session.execute(text("ALTER TABLE quotes DROP CONSTRAINT IF EXISTS refuse"))
                session.commit()


@pytest.mark.parametrize("app_config", [{"IMPORT_CHUNK_SIZE": 5}], indirect=True)
def test_speakers_are_looked_up_per_chunk_and_ambiguity_still_reported(client, write_headers):
    """Names are resolved a chunk at a time: exact names and aliases in one
    query, a name that fits two speakers reported at its own line, errors in
    line order."""
    for name, aliases in (("Bill Clinton", ["President Clinton"]), ("Hillary Clinton", [])):
        r = client.post("/api/v1/speakers", json={"name": name, "aliases": aliases}, headers=write_headers)
        assert r.status_code == 201, r.get_json()
    lines = []
    for i in range(12):
        speaker = ["Bill Clinton", "president clinton", "Hillary Clinton", "Clinton"][i % 4]
        lines.append({"text": f"Speaker check {i} on the economy.", "speaker": speaker})
    lines[9] = {"text": "", "speaker": "Bill Clinton"}  # line 10: invalid, read before line 8's chunk is stored
    out = client.post("/api/v1/quotes/import", data=ndjson(*lines),
                      headers={**write_headers, **NDJSON}).get_json()
    assert [e["line"] for e in out["errors"]] == [4, 8, 10, 12]
    assert "several speakers" in json.dumps(out["errors"][0])
    assert out["imported"] == 8
    items = client.get("/api/v1/quotes?per_page=100").get_json()["items"]
    assert sorted({q["speaker"] for q in items}) == ["Bill Clinton", "Hillary Clinton"]
    assert client.get("/api/v1/speakers").get_json()["total"] == 2  # nobody created for "Clinton"


def test_import_workers_fork_only_in_a_single_threaded_process():
    from app import bulk_import

    assert threading.active_count() == 1 or bulk_import._worker_context().get_start_method() == "spawn"
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert bulk_import._worker_context().get_start_method() == "spawn"
    finally:
        stop.set()
        t.join()
    if threading.active_count() == 1:
        assert bulk_import._worker_context().get_start_method() == "fork"


def test_postgresql_pair_keys_are_the_pair_tokens(client, write_headers, app, database_url):
    """The integers migration 0005's SQL function stores are the hashes the
    application computes (search_keys.pair_key of each shingles token)."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL column")
    from sqlalchemy import text

    from app import search_keys
    from app.db import get_session

    q = client.post("/api/v1/quotes", json={"text": "if Zelenskyy is ready, let him come to Moscow",
                                            "speaker": "Vladimir Putin"}, headers=write_headers).get_json()
    with app.app_context():
        session = get_session()
        shingles, keys, target = session.execute(text(
            "SELECT shingles, pair_keys, (SELECT reloptions FROM pg_class WHERE oid = to_regclass('quotes')) "
            "FROM quotes WHERE id = :i"), {"i": q["id"]}).one()
        assert keys == [search_keys.pair_key(t) for t in shingles.split()] and len(keys) >= 5
        assert "toast_tuple_target=8160" in target
        # An edit of the text moves the keys with it.
        r = client.patch(f"/api/v1/quotes/{q['id']}", json={"text": "invite me to Moscow"}, headers=write_headers)
        assert r.status_code == 200
        session.rollback()
        shingles2, keys2 = session.execute(text("SELECT shingles, pair_keys FROM quotes WHERE id = :i"),
                                           {"i": q["id"]}).one()
        assert shingles2 != shingles and keys2 == [search_keys.pair_key(t) for t in shingles2.split()]


def test_an_imported_quote_reads_back_like_a_created_one(client, write_headers):
    """The import writes rows in storage form itself (COPY on PostgreSQL, the
    driver's executemany on SQLite); the API must not be able to tell them
    from rows the ORM wrote."""
    body = {"text": "We will rebuild the bridge by 2,000 days, not 3.5 — it’s U.S. money.",
            "speaker": "Ann Lee", "spoken_at": "2025-09-03T10:15:00+08:00", "location": "Beijing, China",
            "event": "News conference", "language": "en", "context": "Asked about the budget.",
            "sources": [{"url": "https://example.org/1", "publisher": "AP", "title": "Bridge",
                         "published_at": "2025-09-03"}, {"publisher": "DPA"}]}
    created = client.post("/api/v1/quotes", json=body, headers=write_headers).get_json()
    out = client.post("/api/v1/quotes/import", data=ndjson(*[body] * 3),
                      headers={**write_headers, **NDJSON}).get_json()
    assert out == {"imported": 3, "rejected": 0, "errors": []}
    items = client.get("/api/v1/quotes?per_page=10").get_json()["items"]
    assert len(items) == 4

    def comparable(q):
        # Imported quotes citing a URL form its sequence (positions); created ones do not.
        return {**{k: v for k, v in q.items() if k not in ("id", "created_at", "updated_at", "links", "url")},
                "sources": [{k: v for k, v in s.items() if k != "position"} for s in q["sources"]]}

    assert sorted(q["sources"][0]["position"] or 0 for q in items) == [0, 1, 2, 3]

    for q in items:
        assert comparable(q) == comparable(created)
        assert q["created_at"].endswith(("Z", "+00:00")) and q["created_at"][:4] == created["created_at"][:4]
        revs = client.get(f"/api/v1/quotes/{q['id']}/revisions").get_json()
        want = client.get(f"/api/v1/quotes/{created['id']}/revisions").get_json()
        assert [(r["revision"], r["action"], r["changes"]) for r in revs] == \
            [(r["revision"], r["action"], r["changes"]) for r in want]


def test_postgresql_import_leaves_statistics_and_no_pending_entries(app, database_url):
    """After an import of ANALYZE_AFTER quotes or more, the planner's
    statistics on both index columns exist (retrieval reads the common pairs
    and words from them) and neither GIN pending list holds anything; the
    three run on connections of their own at the end of the import."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL statistics")
    from sqlalchemy import text

    from app import bulk_import, importer
    from app.db import get_session

    n = bulk_import.ANALYZE_AFTER + 200
    lines = [json.dumps({"text": f"Statistics check {i} on the river {i % 7} crossing.", "speaker": "Ann Lee",
                         "sources": [{"url": f"https://example.org/speech/{i // 20}"}]})
             for i in range(n)]
    with app.app_context():
        session = get_session()
        started = session.scalar(text("SELECT now()"))
        session.commit()
        result = bulk_import.import_quotes(session, importer.iter_ndjson(lines), chunk_size=500)
        assert result.imported == n
        # The links too: without statistics the planner joins a passage's
        # neighbours by scanning the quotes.
        analyzed = dict(session.execute(text(
            "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND relname IN ('quote_sources', 'sources')")).all())
        assert all(analyzed.get(t) and analyzed[t] >= started for t in ("quote_sources", "sources")), analyzed
        columns = set(session.scalars(text(
            "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'quotes'")))
        assert {"pair_keys", "search_vector", "speaker_id"} <= columns
        common = session.scalar(text(
            "SELECT most_common_elems::text FROM pg_stats WHERE schemaname = current_schema() "
            "AND tablename = 'quotes' AND attname = 'search_vector'"))
        assert common and "statistics" in common  # a word in every quote
        for index in ("ix_quotes_search_vector", "ix_quotes_pair_keys"):
            moved = session.execute(text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"), {"i": index})
            assert moved.scalar() == 0
