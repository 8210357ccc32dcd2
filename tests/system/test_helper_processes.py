"""An import's helper processes die with the server that started them.

A real single-threaded server process (like a gunicorn sync worker) imports
a large file; its helper processes are forked. The server is killed with
SIGKILL mid-import: the helpers must be gone, the port free for a new
server, and the client's connection closed, not held open by an orphan.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SERVER = textwrap.dedent("""
    import sys
    from werkzeug.serving import make_server
    from app import create_app

    app = create_app({"DATABASE_URL": sys.argv[1], "IMPORT_WORKERS": 1, "IMPORT_CHUNK_SIZE": 200,
                      "IMPORT_SYNC_MAX_BYTES": 50 * 1024 * 1024, "LOG_LEVEL": "WARNING"})
    server = make_server("127.0.0.1", 0, app, threaded=sys.argv[2] == "threaded")
    print(server.server_port, flush=True)
    server.serve_forever()
""")

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")


def children(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(name))
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it is not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


@pytest.mark.parametrize("mode", ["single", "threaded"])
def test_killing_the_server_mid_import_leaves_no_helper_and_frees_the_port(tmp_path, sqlite_template, mode):
    """single: one thread, helpers forked (a gunicorn sync worker);
    threaded: helpers spawned (a threaded server, a job runner thread)."""
    from sqlalchemy import text

    from app.db import get_engine
    from tests.conftest import _create_key, make_app

    template = sqlite_template
    db = tmp_path / "verbatim.db"
    db.write_bytes(template.read_bytes())
    database_url = f"sqlite:///{db}"
    setup = make_app(database_url)
    key = _create_key(setup, ("write",))
    get_engine(setup).dispose()

    server = subprocess.Popen([sys.executable, "-c", SERVER, database_url, mode], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    helpers: list[int] = []
    client = None
    try:
        port = int(server.stdout.readline())
        lines = [json.dumps({"text": f"Helper check line {i} about the canal locks.", "speaker": f"Ann Lee {i % 9}",
                             "location": "Paris, France"}) for i in range(40_000)]
        body = ("\n".join(lines) + "\n").encode()
        client = socket.create_connection(("127.0.0.1", port), timeout=30)
        client.sendall((f"POST /api/v1/quotes/import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        f"Authorization: Bearer {key}\r\nContent-Type: application/x-ndjson\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
        deadline = time.monotonic() + 60
        while not helpers and time.monotonic() < deadline:
            helpers = children(server.pid)
            time.sleep(0.02)
        assert helpers, "the import started no helper process"
        time.sleep(0.3 if mode == "single" else 1.5)  # the helpers are working (spawned ones start slower)
        helpers = children(server.pid)
        assert all(alive(p) for p in helpers)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)

        deadline = time.monotonic() + 10
        while any(alive(p) for p in helpers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(p) for p in helpers), f"helpers {helpers} outlived the server"
        assert port_is_free(port)
        client.settimeout(10)
        try:
            assert client.recv(1024) == b""  # closed: nobody holds the connection open
        except ConnectionResetError:
            pass
        # Nothing half-stored: the import was one transaction.
        check = make_app(database_url)
        with get_engine(check).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM quotes")).scalar() == 0
        get_engine(check).dispose()
    finally:
        if client is not None:
            client.close()
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in helpers:  # never leave one behind, whatever happened
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
