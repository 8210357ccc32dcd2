"""Source ingestion (POST /api/v1/sources/ingest), approval, and the fetcher behind it.

Fetching is tested against real HTTP servers in threads: one on 127.0.0.1
(the "allowed" host when the policy lets exactly 127.0.0.1/32 through) and,
where the machine can bind it, one on 127.0.0.2 (another loopback address,
the target of redirects that must be refused).
"""
from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
import time
from pathlib import Path

import pytest

from app.fetch import Fetcher, FetchError, address_kind, address_policy

from .helpers import assert_error, cited

SEED = (Path(__file__).parent.parent / "fixtures" / "seed_article.txt").read_text(encoding="utf-8")
INGEST = "/api/v1/sources/ingest"
MOSCOW_CLAIM = {"text": "if Zelenskyy is ready, let him come to Moscow", "speaker": "Putin"}
SOURCE = {"publisher": "Anadolu Agency", "url": "https://www.aa.com.tr/en/zelenskyy-putin",
          "title": "Zelenskyy says Putin's invitation to meeting in Moscow means it will not happen",
          "published_at": "2025-09-04"}


def seed_html(lines=None) -> str:
    lines = (lines or SEED).splitlines()
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>AA</title>"
            f"<meta property=\"og:title\" content=\"{lines[0]}\">"
            "<meta property=\"og:site_name\" content=\"Anadolu Agency\">"
            "<meta property=\"article:published_time\" content=\"2025-09-04T10:12:00+03:00\">"
            f"</head><body><article><h1>{lines[0]}</h1>"
            + "".join(f"<p>{line}</p>" for line in lines[1:]) + "</article></body></html>")


# --- local HTTP servers ----------------------------------------------------------------


class Site:
    """A tiny HTTP server: ``site.routes[path] = handler_function(request_handler)``."""

    def __init__(self, host: str):
        self.routes: dict = {}
        self.hits: list[str] = []
        self.release = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.hits.append(self.path)
                route = site.routes.get(self.path.split("?")[0])
                if route is None:
                    return send(self, 404, b"not here", "text/plain")
                route(self)

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host, self.port = host, self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def send(handler, status, body: bytes, content_type="text/html; charset=utf-8", headers=None, length=True):
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        handler.send_header(k, v)
    if not length:
        handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)


def page(body, content_type="text/html; charset=utf-8", status=200):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: send(h, status, data, content_type)


def redirect(location, status=302):
    return lambda h: send(h, status, b"", None, {"Location": location})


@pytest.fixture
def site():
    s = Site("127.0.0.1")
    yield s
    s.close()


@pytest.fixture
def other_site():
    """A server on 127.0.0.2: loopback too, but not the address the tests allow."""
    try:
        s = Site("127.0.0.2")
    except OSError as exc:
        pytest.skip(f"cannot bind 127.0.0.2 here: {exc}")
    yield s
    s.close()


ONLY_127_0_0_1 = address_policy(allowed_networks=["127.0.0.1/32"])


def fetch_error(fetcher, url) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    return info.value


# --- the address policy -----------------------------------------------------------------


@pytest.mark.parametrize("address,kind", [
    ("127.0.0.1", "loopback"), ("127.0.0.2", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("64:ff9b::7f00:1", "loopback"), ("2002:7f00:1::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("100.64.0.1", "non-public"),
    ("240.0.0.1", "reserved"), ("8.8.8.8", None), ("2001:4860:4860::8888", None), ("::ffff:8.8.8.8", None),
])
def test_address_kinds(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_policies():
    ip = ipaddress.ip_address
    default = address_policy()
    assert default(ip("93.184.216.34")) and not default(ip("127.0.0.1")) and not default(ip("10.0.0.1"))
    private = address_policy(allow_private=True)
    assert private(ip("127.0.0.1")) and private(ip("10.0.0.1")) and private(ip("169.254.169.254"))
    assert not private(ip("0.0.0.0")) and not private(ip("224.0.0.1"))
    assert ONLY_127_0_0_1(ip("127.0.0.1")) and not ONLY_127_0_0_1(ip("127.0.0.2"))


# --- the fetcher over real HTTP ---------------------------------------------------------------


def test_fetches_a_page(site):
    site.routes["/a"] = page("<p>caf\u00e9</p>".encode("latin-1"), "text/html; charset=ISO-8859-1")
    result = Fetcher(is_allowed=ONLY_127_0_0_1).fetch(site.url("/a"))
    assert result.status == 200 and result.is_html and result.text() == "<p>caf\u00e9</p>"
    assert result.url == site.url("/a") and result.redirects == []


def test_meta_charset_and_plain_text(site):
    site.routes["/meta"] = page("<meta charset='windows-1252'><p>\u201cquoted\u201d</p>".encode("cp1252"), "text/html")
    site.routes["/plain"] = page("He said \"so\".", "text/plain")
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1)
    assert "\u201cquoted\u201d" in fetcher.fetch(site.url("/meta")).text()
    plain = fetcher.fetch(site.url("/plain"))
    assert not plain.is_html and plain.text() == 'He said "so".'


def test_loopback_is_refused_by_default(site):
    site.routes["/a"] = page("<p>secret</p>")
    err = fetch_error(Fetcher(), site.url("/a"))
    assert (err.status, err.reason) == (422, "address_refused") and "loopback" in err.message
    err = fetch_error(Fetcher(), f"http://localhost:{site.port}/a")
    assert err.reason == "address_refused"
    assert site.hits == []


def test_redirect_to_a_refused_address_is_refused(site, other_site):
    other_site.routes["/internal"] = page("<p>internal</p>")
    site.routes["/go"] = redirect(other_site.url("/internal"))
    err = fetch_error(Fetcher(is_allowed=ONLY_127_0_0_1), site.url("/go"))
    assert (err.status, err.reason) == (422, "address_refused")
    assert "127.0.0.2" in err.message and "loopback" in err.message and "redirect" in err.message
    assert site.hits == ["/go"] and other_site.hits == []
    # The same redirect is followed when the policy allows its target: the check stopped it.
    result = Fetcher(is_allowed=address_policy(allowed_networks=["127.0.0.0/8"])).fetch(site.url("/go"))
    assert result.url == other_site.url("/internal") and result.redirects == [other_site.url("/internal")]


def test_every_hop_is_checked_after_several_redirects(site, other_site):
    other_site.routes["/x"] = page("<p>x</p>")
    site.routes["/1"] = redirect("/2", 301)
    site.routes["/2"] = redirect(site.url("/3"), 307)
    site.routes["/3"] = redirect(f"http://127.0.0.2:{other_site.port}/x", 308)
    err = fetch_error(Fetcher(is_allowed=ONLY_127_0_0_1), site.url("/1"))
    assert err.reason == "address_refused"
    assert site.hits == ["/1", "/2", "/3"] and other_site.hits == []


def test_redirect_schemes_and_loops(site):
    site.routes["/file"] = redirect("file:///etc/passwd")
    site.routes["/gopher"] = redirect("gopher://127.0.0.1:70/")
    site.routes["/loop"] = redirect("/loop")
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1, max_redirects=5)
    assert fetch_error(fetcher, site.url("/file")).reason == "bad_scheme"
    assert fetch_error(fetcher, site.url("/gopher")).reason == "bad_scheme"
    err = fetch_error(fetcher, site.url("/loop"))
    assert (err.status, err.reason) == (422, "too_many_redirects")
    assert site.hits.count("/loop") == 6


def test_connection_goes_to_the_checked_address(site, other_site):
    """The name is resolved once per hop; the socket goes to that address; Host keeps the name."""
    site.routes["/host"] = lambda h: send(h, 200, f"<p>{h.headers['Host']}</p>".encode())
    other_site.routes["/host"] = lambda h: send(h, 200, b"<p>wrong server</p>")
    answers = iter([["127.0.0.1"]] + [["127.0.0.2"]] * 10)  # a rebinding DNS server
    calls = []

    def resolve(host, port):
        calls.append((host, port))
        return next(answers)

    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1, resolve=resolve)
    result = fetcher.fetch(f"http://news.example:{site.port}/host")
    assert result.text() == f"<p>news.example:{site.port}</p>"
    assert calls == [("news.example", site.port)]
    # Other servers on the port of 127.0.0.2 are never asked.
    assert other_site.hits == []


def test_https_keeps_the_name_for_sni_and_the_certificate(tmp_path):
    """Connecting to the checked address must not make TLS check the certificate against it."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=news.example",
                    "-addext", "subjectAltName=DNS:news.example"], check=True, capture_output=True)
    tls = Site("127.0.0.1")
    try:
        tls.routes["/a"] = lambda h: send(h, 200, f"<p>{h.headers['Host']}</p>".encode())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        tls.server.socket = context.wrap_socket(tls.server.socket, server_side=True)
        options = dict(is_allowed=ONLY_127_0_0_1, resolve=lambda h, p: ["127.0.0.1"], ca_bundle=str(cert))
        result = Fetcher(**options).fetch(f"https://news.example:{tls.port}/a")
        assert result.text() == f"<p>news.example:{tls.port}</p>"
        err = fetch_error(Fetcher(**options), f"https://other.example:{tls.port}/a")
        assert err.status == 502 and "other.example" in err.message
        err = fetch_error(Fetcher(**{**options, "ca_bundle": None}), f"https://news.example:{tls.port}/a")
        assert err.status == 502 and "certificate" in err.message
    finally:
        tls.close()


def test_a_name_with_any_refused_address_is_refused(site):
    site.routes["/a"] = page("<p>a</p>")
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1, resolve=lambda h, p: ["127.0.0.1", "10.0.0.7"])
    err = fetch_error(fetcher, f"http://mixed.example:{site.port}/a")
    assert err.reason == "address_refused" and "10.0.0.7" in err.message and "private" in err.message
    assert site.hits == []
    err = fetch_error(Fetcher(resolve=lambda h, p: (_ for _ in ()).throw(socket.gaierror(-2, "Name or service not known"))),
                      "https://no-such-host.example/")
    assert (err.status, err.reason) == (422, "unknown_host")


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "application/pdf", None])
def test_only_html_and_plain_text(site, content_type):
    site.routes["/x"] = page(b"\x89PNG....", content_type)
    err = fetch_error(Fetcher(is_allowed=ONLY_127_0_0_1), site.url("/x"))
    assert (err.status, err.reason) == (422, "content_type")


def test_size_limit_declared_and_streamed(site):
    big = b"<p>" + b"x" * 50_000 + b"</p>"
    site.routes["/declared"] = page(big)

    def chunked_forever(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            for _ in range(1000):
                h.wfile.write(b"<p>" + b"y" * 8192 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass

    site.routes["/stream"] = chunked_forever
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1, max_bytes=10_000)
    err = fetch_error(fetcher, site.url("/declared"))
    assert (err.status, err.reason) == (422, "too_large") and "50,007" in err.message
    err = fetch_error(fetcher, site.url("/stream"))
    assert (err.status, err.reason) == (422, "too_large")
    assert Fetcher(is_allowed=ONLY_127_0_0_1, max_bytes=60_000).fetch(site.url("/declared")).body == big


def test_time_outs(site):
    def no_answer(h):
        site.release.wait(5)

    def stops_midway(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<p>half")
        h.wfile.flush()
        site.release.wait(5)

    def trickles(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        for _ in range(40):
            if site.release.is_set():
                return
            h.wfile.write(b"<p>drip</p>" * 10)
            h.wfile.flush()
            time.sleep(0.1)

    site.routes["/silent"] = no_answer
    site.routes["/midway"] = stops_midway
    site.routes["/trickle"] = trickles
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1, read_timeout=0.4, total_timeout=1.0)
    for path in ("/silent", "/midway", "/trickle"):
        started = time.monotonic()
        err = fetch_error(fetcher, site.url(path))
        assert (err.status, err.reason) == (504, "timeout"), (path, err.message)
        assert time.monotonic() - started < 2.5, path


def test_upstream_failures(site):
    site.routes["/missing"] = page("<p>gone</p>", status=404)
    site.routes["/broken"] = page("<p>oops</p>", status=500)
    fetcher = Fetcher(is_allowed=ONLY_127_0_0_1)
    assert (fetch_error(fetcher, site.url("/missing")).status, fetch_error(fetcher, site.url("/missing")).reason) \
        == (422, "upstream_status")
    assert fetch_error(fetcher, site.url("/broken")).status == 502
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    err = fetch_error(fetcher, f"http://127.0.0.1:{closed_port}/")
    assert (err.status, err.reason) == (502, "upstream_error") and "object at 0x" not in err.message
    assert fetch_error(fetcher, "ftp://127.0.0.1/").reason == "bad_scheme"
    assert fetch_error(fetcher, "http:///nohost").reason == "bad_url"


# --- ingestion from text ----------------------------------------------------------------------


def ingest(client, headers, status=201, **body):
    r = client.post(INGEST, json=body, headers=headers)
    assert r.status_code == status, r.get_json()
    answer = r.get_json()
    assert set(answer) == {"source", "created", "existing", "skipped"}
    return answer


def verdict(client, claim=MOSCOW_CLAIM):
    return client.post("/api/v1/verify", json=claim).get_json()


def test_ingested_quotes_wait_for_approval(client, write_headers):
    answer = ingest(client, write_headers, text=SEED, **SOURCE)
    assert answer["source"] == SOURCE
    created = answer["created"]
    assert len(created) >= 6 and all(q["status"] == "pending_review" for q in created)
    assert all(cited(q) == [SOURCE] for q in created)
    putin = [q for q in created if q["speaker"] == "Vladimir Putin"]
    assert len(putin) == 2 and all((q["spoken_at"], q["location"]) == ("2025-09-03", "Beijing") for q in putin)
    assert putin[0]["place"]["country_code"] == "CN"
    zelenskyy = [q for q in created if q["speaker"] == "Zelenskyy"]
    assert all(q["spoken_at"] == "2025-09-04" for q in zelenskyy)
    assert {q["location"] for q in zelenskyy} <= {"Paris", None}
    assert not any("coalition of willing" in q["text"] for q in created)
    assert [s["reason"] for s in answer["skipped"]] == ["too_short"]  # "not bad."
    assert answer["skipped"][0]["text"] == "not bad."

    # Pending quotes are stored but not used by verification.
    assert verdict(client)["verdict"] == "unverified"
    moscow = next(q for q in putin if "let him come to Moscow" in q["text"])
    r = client.post(f"/api/v1/quotes/{moscow['id']}/approve", headers=write_headers)
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    v = verdict(client)
    assert v["verdict"] == "verified" and v["match"]["quote"]["id"] == moscow["id"]
    revisions = client.get(f"/api/v1/quotes/{moscow['id']}/revisions", headers=write_headers).get_json()
    assert [r["action"] for r in revisions] == ["create", "approve"]
    assert revisions[0]["changes"]["status"]["after"] == "pending_review"
    assert revisions[1]["changes"] == {"status": {"before": "pending_review", "after": "approved"}}
    assert revisions[1]["api_key"]["name"] == "writer"


def test_auto_approve_counts_at_once(client, write_headers):
    answer = ingest(client, write_headers, text=SEED, auto_approve=True, language="en", **SOURCE)
    assert all(q["status"] == "approved" and q["language"] == "en" for q in answer["created"])
    assert verdict(client)["verdict"] == "verified"
    paris = verdict(client, {**MOSCOW_CLAIM, "location": "Paris"})
    assert [i["type"] for i in paris["issues"]] == ["wrong_location"]


def test_reingesting_does_not_duplicate(client, write_headers):
    first = ingest(client, write_headers, text=SEED, **SOURCE)
    total = client.get("/api/v1/quotes").get_json()["total"]
    again = ingest(client, write_headers, status=200, text=SEED, **SOURCE)
    assert again["created"] == []
    assert sorted(q["id"] for q in again["existing"]) == sorted(q["id"] for q in first["created"])
    assert client.get("/api/v1/quotes").get_json()["total"] == total
    qid = first["created"][0]["id"]
    assert len(client.get(f"/api/v1/quotes/{qid}/revisions", headers=write_headers).get_json()) == 1
    # The same words from another publication: the new source is added, as a revision.
    reprint = {**SOURCE, "url": "https://example.org/reprint", "publisher": "Example Daily"}
    third = ingest(client, write_headers, status=200, text=SEED, **reprint)
    assert all(len(q["sources"]) == 2 and q["sources"][1]["url"] == reprint["url"] for q in third["existing"])
    revisions = client.get(f"/api/v1/quotes/{qid}/revisions", headers=write_headers).get_json()
    assert [r["action"] for r in revisions] == ["create", "update"]


def test_existing_speakers_are_reused(demo, client, write_headers):
    speakers_before = client.get("/api/v1/speakers").get_json()["total"]
    text = ('Russian President Vladimir Putin said in Beijing on Wednesday: '
            '"We are ready to talk about a ceasefire along the whole front line."')
    answer = ingest(client, write_headers, text=text, publisher="Wire", published_at="2025-09-04")
    (q,) = answer["created"]
    assert q["speaker"] == "Vladimir Putin" and q["spoken_at"] == "2025-09-03" and q["location"] == "Beijing"
    assert client.get("/api/v1/speakers").get_json()["total"] == speakers_before
    # The demo's quotes, ingested again from the article, are found as existing (under the
    # demo's speakers: "Zelenskyy" is Volodymyr Zelenskyy); only the others are stored.
    again = ingest(client, write_headers, text=SEED, **SOURCE)
    existing = again["existing"]
    assert {e["speaker"] for e in existing} == {"Vladimir Putin", "Volodymyr Zelenskyy"}
    assert all(e["status"] == "approved" for e in existing)
    # The demo's source is this article (same publisher and title, no URL): not added twice.
    assert all(len(e["sources"]) == 1 for e in existing)
    assert {q["speaker"] for q in again["created"]} <= {"Volodymyr Zelenskyy"}
    assert client.get("/api/v1/speakers").get_json()["total"] == speakers_before


def test_skipped_quotes_say_why(client, write_headers):
    text = ('A sign read "the end is near, repent now" all week.\n'
            'Mayor Anne Hidalgo said: "Fine."\n'
            'Hidalgo said: "We will rebuild the bridge before winter comes."\n'
            'She later repeated: "We will rebuild the bridge before winter comes."')
    answer = ingest(client, write_headers, text=text, publisher="Local Paper")
    assert [(s["reason"], s["speaker"]) for s in answer["skipped"]] == [
        ("no_speaker", None), ("too_short", "Anne Hidalgo"), ("repeated", "Anne Hidalgo")]
    for s in answer["skipped"]:
        assert text[s["start"]:s["end"]] == s["text"] and s["message"]
    (q,) = answer["created"]
    assert q["speaker"] == "Anne Hidalgo" and q["spoken_at"] is None and q["location"] is None
    assert cited(q) == [{"url": None, "publisher": "Local Paper", "title": None, "published_at": None}]


def test_approve_rules(client, write_headers):
    answer = ingest(client, write_headers, text=SEED, **SOURCE)
    qid = answer["created"][0]["id"]
    for _ in range(2):  # idempotent
        r = client.post(f"/api/v1/quotes/{qid}/approve", headers=write_headers)
        assert r.status_code == 200 and r.get_json()["status"] == "approved"
    assert len(client.get(f"/api/v1/quotes/{qid}/revisions").get_json()) == 2
    other = answer["created"][1]["id"]
    client.delete(f"/api/v1/quotes/{other}", json={"reason": "Misreported"}, headers=write_headers)
    err = assert_error(client.post(f"/api/v1/quotes/{other}/approve", headers=write_headers), 409)
    assert "retracted" in err["message"]
    assert_error(client.post("/api/v1/quotes/99999/approve", headers=write_headers), 404)


def test_write_scope_is_required(client, make_key):
    body = {"text": SEED, **SOURCE}
    assert_error(client.post(INGEST, json=body), 401)
    assert_error(client.post(INGEST, json=body, headers=make_key("read")), 403)
    assert_error(client.post("/api/v1/quotes/1/approve"), 401)
    assert_error(client.post("/api/v1/quotes/1/approve", headers=make_key("read")), 403)
    assert client.get("/api/v1/quotes").get_json()["total"] == 0


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"publisher": "AA"}, "text"),
    ({"text": "a", "html": "<p>a</p>", "publisher": "AA"}, "html"),
    ({"text": "He said \"hello there my friend\"."}, "url"),
    ({"url": "file:///etc/passwd"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"text": "a", "publisher": "AA", "published_at": "last week"}, "published_at"),
    ({"text": "a", "publisher": "AA", "auto_approve": "perhaps"}, "auto_approve"),
    ({"text": "a", "publisher": "AA", "language": "English!"}, "language"),
    ({"text": "a", "publisher": "x" * 301}, "publisher"),
    ({"text": "a", "publisher": "AA", "extra": 1}, "extra"),
])
def test_bad_bodies_are_422(client, write_headers, body, field):
    err = assert_error(client.post(INGEST, json=body, headers=write_headers), 422)
    assert field in err["errors"]


# --- ingestion from a URL ---------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"ALLOW_PRIVATE_FETCH": True}])
def test_ingest_from_a_url(client, write_headers, site, app_config):
    site.routes["/news/zelenskyy"] = page(seed_html())
    site.routes["/old-link"] = redirect("/news/zelenskyy", 301)
    answer = ingest(client, write_headers, url=site.url("/old-link"))
    assert answer["source"] == {
        "url": site.url("/news/zelenskyy"), "publisher": "Anadolu Agency",
        "title": SEED.splitlines()[0], "published_at": "2025-09-04",
    }
    created = answer["created"]
    assert {q["speaker"] for q in created} == {"Zelenskyy", "Vladimir Putin"}
    assert all(cited(q) == [answer["source"]] and q["status"] == "pending_review" for q in created)
    putin = [q for q in created if q["speaker"] == "Vladimir Putin"]
    assert all((q["spoken_at"], q["location"]) == ("2025-09-03", "Beijing") for q in putin)
    # What the client says wins over the page's own metadata.
    again = ingest(client, write_headers, status=200, url=site.url("/news/zelenskyy"), publisher="AA",
                   published_at="2025-09-05")
    assert again["source"]["publisher"] == "AA" and again["source"]["published_at"] == "2025-09-05"


@pytest.mark.parametrize("app_config", [{"ALLOW_PRIVATE_FETCH": True}])
def test_ingest_a_plain_text_transcript(client, write_headers, site, app_config):
    site.routes["/transcript.txt"] = page(SEED, "text/plain; charset=utf-8")
    answer = ingest(client, write_headers, url=site.url("/transcript.txt"), publisher="AA",
                    published_at="2025-09-04", auto_approve=True)
    assert len(answer["created"]) >= 6
    assert verdict(client)["verdict"] == "verified"


def test_loopback_url_is_refused_by_default(client, write_headers, site):
    site.routes["/a"] = page(seed_html())
    err = assert_error(client.post(INGEST, json={"url": site.url("/a")}, headers=write_headers), 422)
    assert "loopback" in err["message"] and "url" in err["errors"]
    assert site.hits == []
    assert client.get("/api/v1/quotes").get_json()["total"] == 0


@pytest.mark.parametrize("app_config", [{"FETCH_ALLOWED_NETWORKS": "127.0.0.1/32"}])
def test_redirect_to_loopback_is_refused(client, write_headers, site, other_site, app_config):
    other_site.routes["/admin"] = page(seed_html())
    site.routes["/story"] = redirect(other_site.url("/admin"))
    err = assert_error(client.post(INGEST, json={"url": site.url("/story")}, headers=write_headers), 422)
    assert "127.0.0.2" in err["message"] and "loopback" in err["message"]
    assert site.hits == ["/story"] and other_site.hits == []
    assert client.get("/api/v1/quotes").get_json()["total"] == 0


@pytest.mark.parametrize("app_config", [{"ALLOW_PRIVATE_FETCH": True, "FETCH_MAX_BYTES": 20_000,
                                         "FETCH_TIMEOUT": 1.5, "FETCH_TOTAL_TIMEOUT": 4}])
def test_fetch_failures_are_clear_errors(client, write_headers, site, app_config):
    site.routes["/image"] = page(b"\x89PNG", "image/png")
    site.routes["/big"] = page("<p>" + "x" * 30_000 + "</p>")
    site.routes["/slow"] = lambda h: site.release.wait(5)
    site.routes["/gone"] = page("<p>gone</p>", status=404)
    site.routes["/down"] = page("<p>down</p>", status=503)
    cases = [("/image", 422, "image/png"), ("/big", 422, "20,000"), ("/slow", 504, "1.5 s"),
             ("/gone", 422, "404"), ("/down", 502, "503")]
    for path, code, words in cases:
        err = assert_error(client.post(INGEST, json={"url": site.url(path)}, headers=write_headers), code)
        assert words in err["message"], (path, err)
    assert client.get("/api/v1/quotes").get_json()["total"] == 0


@pytest.mark.parametrize("app_config", [{"ALLOW_PRIVATE_FETCH": True, "SQLITE_BUSY_TIMEOUT_MS": 1000}])
def test_no_database_lock_is_held_while_fetching(app, client, write_headers, site, app_config):
    """While the page is being fetched, another writer gets through at once."""
    other = app.test_client()
    seen = {}

    def write_meanwhile(h):
        r = other.post("/api/v1/quotes", json={"text": "A quote stored while the page was being fetched.",
                                               "speaker": "Someone Else"}, headers=write_headers)
        seen["status"] = r.status_code
        send(h, 200, seed_html().encode())

    site.routes["/a"] = write_meanwhile
    ingest(client, write_headers, url=site.url("/a"))
    assert seen["status"] == 201


@pytest.mark.parametrize("app_config", [{"FETCH_ALLOWED_NETWORKS": "not-a-network"}])
def test_bad_network_setting_is_a_clear_503(client, write_headers, app_config):
    err = assert_error(client.post(INGEST, json={"url": "https://example.org/"}, headers=write_headers), 503)
    assert "FETCH_ALLOWED_NETWORKS" in err["message"]


def test_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    ingest_op = spec["paths"]["/api/v1/sources/ingest"]["post"]
    assert ingest_op["summary"] == "Store the quotes of a trusted source"
    assert ingest_op["security"] == [{"bearerAuth": []}]
    assert {"200", "201", "422"} <= set(ingest_op["responses"])
    assert "IngestResult" in spec["components"]["schemas"]
    approve = spec["paths"]["/api/v1/quotes/{quote_id}/approve"]["post"]
    assert approve["summary"] == "Approve a pending quote" and approve["security"] == [{"bearerAuth": []}]
