"""One speaker per name, however many requests race to create it."""
import threading

import pytest

from app import repository


@pytest.mark.parametrize("path,body", [
    ("/api/v1/speakers", {"name": "Racing Speaker"}),
    ("/api/v1/quotes", {"text": "A quote by a new speaker, posted eight times at once.", "speaker": "Racing Speaker"}),
])
def test_eight_concurrent_creations_store_one_speaker(app, client, write_headers, monkeypatch, path, body):
    """Every request looks for the name before any has stored it (a pause
    after the look-up makes the race certain): without a lock around
    creation, PostgreSQL stored it up to twice, and the name was then
    ambiguous forever."""
    real = repository.speakers_with_exact_name
    gate = threading.Barrier(8, timeout=5)

    def slow(session, name):
        found = real(session, name)
        try:
            gate.wait()  # all eight have looked (where a lock lets them)
        except threading.BrokenBarrierError:
            pass  # serialised: the others are waiting for the lock
        return found

    monkeypatch.setattr(repository, "speakers_with_exact_name", slow)
    codes = []

    def post():
        r = app.test_client().post(path, json=body, headers=write_headers)
        codes.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    monkeypatch.setattr(repository, "speakers_with_exact_name", real)
    speakers = client.get("/api/v1/speakers?q=Racing Speaker").get_json()
    assert speakers["total"] == 1, (codes, speakers)
    if path.endswith("speakers"):
        assert sorted(codes) == [201] + [409] * 7
    else:
        assert codes == [201] * 8
        # And the name is not ambiguous: a ninth quote resolves to it.
        r = client.post("/api/v1/quotes", json={**body, "text": "One more."}, headers=write_headers)
        assert r.status_code == 201
