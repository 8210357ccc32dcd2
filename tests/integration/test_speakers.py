from .helpers import assert_error, create


def test_create_list_get_patch_speakers(client, write_headers):
    r = client.post("/api/v1/speakers", json={"name": "Volodymyr Zelenskyy", "aliases": ["Volodymyr Zelensky"],
                                              "description": "President of Ukraine", "wikidata_id": "Q3874799"},
                    headers=write_headers)
    assert r.status_code == 201
    s = r.get_json()
    assert s["name"] == "Volodymyr Zelenskyy" and s["aliases"] == ["Volodymyr Zelensky"]
    assert s["wikidata_id"] == "Q3874799" and s["description"] == "President of Ukraine"
    assert client.get(f"/api/v1/speakers/{s['id']}").get_json() == s

    page = client.get("/api/v1/speakers").get_json()
    assert page["total"] == 1 and page["items"][0]["id"] == s["id"]
    assert client.get("/api/v1/speakers?q=Zelensky").get_json()["total"] == 1
    assert client.get("/api/v1/speakers?q=Putin").get_json()["total"] == 0

    r = client.patch(f"/api/v1/speakers/{s['id']}", json={"add_aliases": ["Zelenskiy", "Ukrainian leader"]},
                     headers=write_headers)
    assert r.get_json()["aliases"] == ["Volodymyr Zelensky", "Zelenskiy", "Ukrainian leader"]
    r = client.patch(f"/api/v1/speakers/{s['id']}", json={"remove_aliases": ["zelenskiy"]}, headers=write_headers)
    assert r.get_json()["aliases"] == ["Volodymyr Zelensky", "Ukrainian leader"]
    r = client.patch(f"/api/v1/speakers/{s['id']}", json={"aliases": ["V. Zelensky"], "description": None},
                     headers=write_headers)
    assert r.get_json()["aliases"] == ["V. Zelensky"] and r.get_json()["description"] is None

    # A quote stored under the new alias goes to the same speaker.
    q = create(client, write_headers, speaker="V. Zelensky")
    assert q["speaker_id"] == s["id"]


def test_speaker_errors(client, write_headers):
    client.post("/api/v1/speakers", json={"name": "Vladimir Putin"}, headers=write_headers)
    assert_error(client.post("/api/v1/speakers", json={"name": "vladimir  PUTIN"}, headers=write_headers), 409)
    assert_error(client.post("/api/v1/speakers", json={"name": ""}, headers=write_headers), 422)
    assert_error(client.post("/api/v1/speakers", json={"name": "X", "wikidata_id": "7747"},
                             headers=write_headers), 422)
    assert_error(client.post("/api/v1/speakers", json={"name": "X", "aliases": "Y"}, headers=write_headers), 422)
    assert_error(client.patch("/api/v1/speakers/99", json={"name": "Y"}, headers=write_headers), 404)
    assert_error(client.get("/api/v1/speakers/99"), 404)
    other = client.post("/api/v1/speakers", json={"name": "Dmitry Peskov"}, headers=write_headers).get_json()
    assert_error(client.patch(f"/api/v1/speakers/{other['id']}", json={"name": "Vladimir Putin"},
                              headers=write_headers), 409)
    assert_error(client.patch(f"/api/v1/speakers/{other['id']}", json={"aliases": ["a"], "add_aliases": ["b"]},
                              headers=write_headers), 422)
    assert_error(client.get("/api/v1/speakers?per_page=0"), 422)
