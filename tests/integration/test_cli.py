"""The flask command line: db, keys, quotes import, demo load, verify."""
import json

from sqlalchemy import func, select

from app import migrate
from app.db import get_engine, get_session
from app.models import ApiKey, Quote


def test_keys_create_list_revoke(app, runner, client):
    result = runner.invoke(args=["keys", "create", "CMS plugin", "--scope", "write"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("vbt_") and len(key) > 40
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/quotes", json={"text": "Hello", "speaker": "A B"}, headers=headers).status_code == 201

    result = runner.invoke(args=["keys", "create", "ops", "--scope", "read,admin"])
    assert result.exit_code == 0
    listing = runner.invoke(args=["keys", "list"]).output
    assert "CMS plugin" in listing and "write" in listing and "read,admin" in listing
    assert key not in listing  # never shown again

    result = runner.invoke(args=["keys", "revoke", key[:12]])
    assert result.exit_code == 0, result.output
    assert "revoked" in runner.invoke(args=["keys", "list"]).output
    assert client.post("/api/v1/quotes", json={"text": "Hello", "speaker": "A B"}, headers=headers).status_code == 401

    assert runner.invoke(args=["keys", "create", "bad", "--scope", "root"]).exit_code != 0
    assert runner.invoke(args=["keys", "revoke", "nope"]).exit_code != 0
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(ApiKey)) == 2


def test_quotes_import_file(app, runner, tmp_path):
    path = tmp_path / "quotes.jsonl"
    lines = [json.dumps({"text": f"Imported line number {i}.", "speaker": "Ann Lee"}) for i in range(30)]
    lines.insert(5, "{oops")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["quotes", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 30 quote(s); 1 line(s) rejected." in result.output
    assert "line 6" in result.output

    csv_path = tmp_path / "more.csv"
    csv_path.write_text("text,speaker,spoken_at\n\"A CSV quote, with a comma.\",Bob Stone,2025\n", encoding="utf-8")
    result = runner.invoke(args=["quotes", "import", str(csv_path)])
    assert result.exit_code == 0 and "Imported 1 quote(s)" in result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Quote)) == 31

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(args=["quotes", "import", str(bad)])
    assert result.exit_code != 0 and "text and speaker" in result.output


def test_demo_load_is_idempotent(app, runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "2 new speaker(s), 5 new quote(s)" in first.output
    again = runner.invoke(args=["demo", "load"])
    assert "0 new speaker(s), 0 new quote(s); 5 quote(s) stored" in again.output
    speakers = client.get("/api/v1/speakers").get_json()
    putin = next(s for s in speakers["items"] if s["name"] == "Vladimir Putin")
    assert putin["wikidata_id"] == "Q7747" and "Russian President Vladimir Putin" in putin["aliases"]


def test_verify_command_prints_a_readable_verdict(demo, runner):
    result = runner.invoke(args=["verify", "if Zelenskyy is ready, let him come to Moscow",
                                 "--speaker", "Putin", "--location", "Paris"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("MISMATCH: wrong_location")
    assert "Beijing" in out and "Vladimir Putin" in out and "Anadolu Agency" in out
    result = runner.invoke(args=["verify", "invite me to Moscow", "--speaker", "Putin", "--json"])
    answer = json.loads(result.output)
    assert answer["issues"][0]["type"] == "misattributed"
    assert runner.invoke(args=["verify", "   "]).exit_code != 0


def test_db_upgrade_downgrade_current(app, runner):
    head = migrate.head_revision()
    result = runner.invoke(args=["db", "current"])
    assert f"current: {head}" in result.output and f"head: {head}" in result.output
    result = runner.invoke(args=["db", "upgrade"])  # already at head: a no-op
    assert result.exit_code == 0 and f"revision {head}" in result.output
    result = runner.invoke(args=["db", "downgrade", "0001"])
    assert result.exit_code == 0 and "revision 0001" in result.output
    result = runner.invoke(args=["db", "upgrade"])
    assert f"revision {head}" in result.output
    with app.app_context():
        assert migrate.current_revision(get_engine()) == migrate.head_revision()


def test_demo_load_if_empty_only_fills_a_new_store(app, runner, client, write_headers):
    assert "5 new quote(s)" in runner.invoke(args=["demo", "load", "--if-empty"]).output
    quotes = client.get("/api/v1/quotes").get_json()["items"]
    client.delete(f"/api/v1/quotes/{quotes[0]['id']}?reason=test", headers=write_headers)
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert client.get("/api/v1/health").get_json()["quotes"] == 4
