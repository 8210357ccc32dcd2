"""A PostgreSQL primary and a streaming replica of it, started here on loopback.

For the read-replica tests (tests/integration/test_replicas.py) and the
replica benchmark (bench/replicas.py): ``initdb`` into a temporary
directory, a primary with ``wal_level=replica`` on a free port, a replica
made with ``pg_basebackup -R`` on another, both run as the ``postgres`` user
when we are root (PostgreSQL refuses to run as root). Nothing touches the
shared server on :5432. Durability is switched off (``fsync=off``): these
clusters live for a test module.
"""
from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Optional

DATABASE = "verbatim"


def find_bindir() -> Optional[str]:
    """The newest PostgreSQL server binaries (Debian's layout, else PATH), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for bindir in reversed(candidates):
        if all(os.access(os.path.join(bindir, b), os.X_OK) for b in ("initdb", "pg_ctl", "pg_basebackup")):
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl") and shutil.which("pg_basebackup"):
        return os.path.dirname(initdb)
    return None


def unavailable_reason() -> Optional[str]:
    """Why no cluster can be started here, or None when one can."""
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the servers as"
        if shutil.which("runuser") is None and shutil.which("su") is None:
            return "running as root with neither runuser nor su to run the servers as 'postgres'"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A primary and one streaming replica of it. ``start()``, then ``close()``."""

    def __init__(self, settings: Optional[dict[str, str]] = None) -> None:
        self.settings = settings or {}  # more postgresql.conf lines (both servers)
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(unavailable_reason() or "no PostgreSQL binaries")
        self.root = tempfile.mkdtemp(prefix="verbatim-replication-")
        self.primary_dir = os.path.join(self.root, "primary")
        self.replica_dir = os.path.join(self.root, "replica")
        self.primary_port = free_port()
        self.replica_port = free_port()
        while self.replica_port == self.primary_port:
            self.replica_port = free_port()
        if os.geteuid() == 0:
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root, 0o700)

    # --- plumbing --------------------------------------------------------------------

    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", "postgres", "--", *cmd]
            else:
                cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        return proc

    def url(self, port: int, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def _pg_ctl(self, action: str, datadir: str, port: int, *extra: str) -> None:
        args = ["pg_ctl", action, "-D", datadir, "-w", "-t", "30", *extra]
        if action in ("start", "restart"):
            args += ["-l", os.path.join(self.root, os.path.basename(datadir) + ".log"),
                     "-o", f"-p {port} -k {self.root}"]
        self._run(*args)

    # --- life ------------------------------------------------------------------------

    def start(self) -> "Cluster":
        self._run("initdb", "-D", self.primary_dir, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        with open(os.path.join(self.primary_dir, "postgresql.conf"), "a") as conf:
            conf.write("\n# verbatim test cluster\n"
                       "listen_addresses = '127.0.0.1'\n"
                       "wal_level = replica\n"
                       "max_wal_senders = 5\n"
                       "max_connections = 60\n"
                       "shared_buffers = 32MB\n"
                       "fsync = off\n"
                       "full_page_writes = off\n"
                       "wal_retrieve_retry_interval = 200ms\n"
                       "wal_receiver_status_interval = 1s\n"
                       "hot_standby = on\n"
                       "max_standby_streaming_delay = 5s\n"
                       + "".join(f"{k} = {v}\n" for k, v in self.settings.items()))
        self.start_primary()
        self.psql(self.primary_port, "postgres", f"CREATE DATABASE {DATABASE}")
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                  "-D", self.replica_dir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
        self.start_replica()
        return self

    def start_primary(self) -> None:
        self._pg_ctl("start", self.primary_dir, self.primary_port)

    def stop_primary(self, mode: str = "immediate") -> None:
        self._pg_ctl("stop", self.primary_dir, self.primary_port, "-m", mode)

    def start_replica(self) -> None:
        self._pg_ctl("start", self.replica_dir, self.replica_port)

    def stop_replica(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", self.replica_dir, self.replica_port, "-m", mode)

    def server_pids(self, which: str) -> list[int]:
        """The postmaster of ``primary`` or ``replica`` and its children (to read their CPU time)."""
        datadir = self.primary_dir if which == "primary" else self.replica_dir
        with open(os.path.join(datadir, "postmaster.pid")) as f:
            pid = int(f.readline())
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [pid, *(int(p) for p in f.read().split())]
        except OSError:
            return [pid]

    def close(self) -> None:
        for datadir in (self.replica_dir, self.primary_dir):
            if os.path.exists(os.path.join(datadir, "postmaster.pid")):
                self._run("pg_ctl", "stop", "-D", datadir, "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- questions -------------------------------------------------------------------

    def psql(self, port: int, database: str, sql: str) -> str:
        """Run one statement (autocommit) and return the first column of its first row as text."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=database,
                             autocommit=True, connect_timeout=5) as conn:
            row = conn.execute(sql).fetchone() if sql.lstrip().upper().startswith("SELECT") \
                else conn.execute(sql) and None
        if row is None or row[0] is None:
            return ""
        return {True: "t", False: "f"}.get(row[0], str(row[0])) if isinstance(row[0], bool) else str(row[0])

    def primary_lsn(self) -> str:
        return self.psql(self.primary_port, DATABASE, "SELECT pg_current_wal_lsn()")

    def wait_replayed(self, lsn: Optional[str] = None, timeout: float = 20) -> None:
        """Wait until the replica has replayed the primary's WAL up to ``lsn`` (default: now)."""
        lsn = lsn or self.primary_lsn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.psql(self.replica_port, DATABASE, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")
            if done == "t":
                return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not replay up to {lsn} within {timeout} s")

    def wait_streaming(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.psql(self.replica_port, DATABASE,
                             "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'") == "1":
                    return
            except Exception:  # noqa: BLE001 - still starting
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the replica is not streaming after {timeout} s")

    def pause_replay(self) -> None:
        self.psql(self.replica_port, DATABASE, "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.psql(self.replica_port, DATABASE, "SELECT pg_wal_replay_resume()")

