"""Sources are records shared by the quotes that cite them; imports in order form a source's sequence."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from .helpers import cited, create

NDJSON = {"Content-Type": "application/x-ndjson"}
TALKS = "https://example.org/talks"


def ndjson(*objs) -> bytes:
    return ("\n".join(json.dumps(o) for o in objs) + "\n").encode()


def test_quotes_citing_one_url_share_its_record(client, write_headers):
    a = create(client, write_headers, text="First words about the bridge.", sources=[{"url": TALKS}])
    b = create(client, write_headers, text="Second words about the bridge.",
               sources=[{"url": TALKS, "publisher": "AP"}, {"publisher": "BBC"}])
    assert a["sources"][0]["id"] == b["sources"][0]["id"]
    assert b["sources"][1]["id"] != b["sources"][0]["id"]
    # What the record lacked is filled in, for every quote citing it.
    again = client.get(f"/api/v1/quotes/{a['id']}").get_json()
    assert cited(again) == [{"url": TALKS, "publisher": "AP", "title": None, "published_at": None}]
    # A quote whose source says something else gets a record of its own.
    c = create(client, write_headers, text="Third words about the bridge.",
               sources=[{"url": TALKS, "publisher": "Reuters"}])
    assert c["sources"][0]["id"] != a["sources"][0]["id"]
    assert cited(c)[0]["publisher"] == "Reuters"
    # Single quotes stored one by one form no sequence.
    assert [s["position"] for s in a["sources"] + b["sources"] + c["sources"]] == [None] * 4


def test_import_in_order_forms_the_sequence_and_an_edit_keeps_the_place(client, write_headers):
    other = "https://example.org/other"
    lines = [{"text": f"Sentence number {i} of the speech.", "speaker": "Ann Lee",
              "sources": [{"url": TALKS if i != 2 else other}]} for i in range(5)]
    out = client.post("/api/v1/quotes/import", data=ndjson(*lines), headers={**write_headers, **NDJSON}).get_json()
    assert out == {"imported": 5, "rejected": 0, "errors": []}
    more = [{"text": "Sentence number 5 of the speech.", "speaker": "Ann Lee", "sources": [{"url": TALKS}]}]
    client.post("/api/v1/quotes/import", data=ndjson(*more), headers={**write_headers, **NDJSON})
    items = client.get("/api/v1/quotes?per_page=10").get_json()["items"][::-1]  # oldest first
    assert [(q["sources"][0]["url"], q["sources"][0]["position"]) for q in items] == [
        (TALKS, 1), (TALKS, 2), (other, 1), (TALKS, 3), (TALKS, 4), (TALKS, 5)]
    # A later import continues the sequence; an edit of the source list keeps the place.
    q = items[3]
    r = client.patch(f"/api/v1/quotes/{q['id']}", json={"sources": [{"publisher": "BBC"}, {"url": TALKS}]},
                     headers=write_headers)
    assert r.status_code == 200, r.get_json()
    assert [(s["url"], s["position"]) for s in r.get_json()["sources"]] == [(None, None), (TALKS, 3)]


def test_a_refused_line_leaves_no_gap_and_no_source_behind(app, database_url):
    """A chunk the database refuses is retried line by line: the positions
    of the lines stored stay consecutive, and a source only the refused line
    cited is not left behind."""
    from sqlalchemy import text

    from app import bulk_import, importer
    from app.db import get_session
    from app.models import QuoteSource, Source

    lines = [{"text": f"Refusal check {i} about the bridge.", "speaker": "Ann Lee", "sources": [{"url": TALKS}]}
             for i in range(12)]
    lines[7] = {"text": "Please REFUSE this one.", "speaker": "Ann Lee",
                "sources": [{"url": TALKS}, {"url": "https://example.org/only-refused"}]}
    with app.app_context():
        session = get_session()
        if database_url.startswith("sqlite"):
            session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON quotes WHEN new.text LIKE '%REFUSE%' "
                                 "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:  # the schema is this worker's for the session: the constraint goes again below
            session.execute(text("ALTER TABLE quotes ADD CONSTRAINT refuse_for_links CHECK (text NOT LIKE '%REFUSE%')"))
        session.commit()
        try:
            result = bulk_import.import_quotes(session, importer.iter_ndjson([json.dumps(x) for x in lines]),
                                            chunk_size=5)
            assert result.imported == 11 and [e["line"] for e in result.errors] == [8]
            positions = session.scalars(select(QuoteSource.position).order_by(QuoteSource.quote_id)).all()
            assert positions == list(range(1, 12))
            assert session.scalar(select(func.count()).select_from(Source)) == 1
            keys = session.scalars(select(QuoteSource.boundary_key).order_by(QuoteSource.quote_id)).all()
            assert keys[0] is None and all(keys[1:])  # the first has nothing before it
        finally:
            session.rollback()
            if not database_url.startswith("sqlite"):
                session.execute(text("ALTER TABLE quotes DROP CONSTRAINT refuse_for_links"))
                session.commit()


def test_boundary_keys_follow_an_edited_text_and_a_reindex(app, client, write_headers, runner):
    from sqlalchemy import text

    from app import search_keys
    from app.db import get_session
    from app.models import QuoteSource

    lines = [{"text": t, "speaker": "Ann Lee", "sources": [{"url": TALKS}]}
             for t in ("We will build the bridge next year.", "It will cost two billion dollars.",
                       "And it will carry trains across the river.")]
    client.post("/api/v1/quotes/import", data=ndjson(*lines), headers={**write_headers, **NDJSON})

    def keys():
        with app.app_context():
            return get_session().scalars(select(QuoteSource.boundary_key).order_by(QuoteSource.position)).all()

    first = keys()
    assert first[0] is None and first[1] == search_keys.boundary_key("next year", "it will")
    items = client.get("/api/v1/quotes?per_page=10").get_json()["items"][::-1]
    r = client.patch(f"/api/v1/quotes/{items[1]['id']}", json={"text": "That will cost three billion dollars."},
                     headers=write_headers)
    assert r.status_code == 200
    edited = keys()
    assert edited[1] == search_keys.boundary_key("next year", "that will")
    assert edited[2] == search_keys.boundary_key("billion dollars", "and it") == first[2]
    v = client.post("/api/v1/verify", json={"text": "three billion dollars. And it will carry trains"}).get_json()
    assert v["verdict"] == "verified" and len(v["match"]["passage"]["quote_ids"]) == 2
    with app.app_context():
        session = get_session()
        session.execute(text("UPDATE quote_sources SET boundary_key = 7"))
        session.commit()
    result = runner.invoke(args=["quotes", "reindex"])
    assert result.exit_code == 0 and "3 sequence boundary key(s) changed" in result.output, result.output
    assert keys() == edited
