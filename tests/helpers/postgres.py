"""A throw-away PostgreSQL server for the tests: Debian's binaries, a temporary folder, a free loopback port.

initdb refuses to run as root, so under root (CI's containers) the server runs as ``nobody`` through runuser,
in a folder that user owns; its unix socket lives in that folder too, never in /var/run/postgresql.
"""

from __future__ import annotations

import glob
import itertools
import logging
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import asyncpg

logger = logging.getLogger(__name__)

USER = "postgres"  # the superuser initdb creates; trust authentication, loopback only


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    found = [Path(f) for f in glob.glob("/usr/lib/postgresql/*/bin") if Path(f, "initdb").exists()]
    return max(found, key=lambda folder: float(folder.parent.name), default=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """``start()`` once, ``create_database()`` per test, ``stop()`` at the end."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "nobody")
            self.as_user = ["runuser", "-u", "nobody", "--"]
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, str(self.binaries / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log"
            server_log = log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{server_log}")

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (  # durability off: a test server that dies loses nothing anyone needs
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")
        return self

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{USER}@127.0.0.1:{self.port}/{database}"

    async def create_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        name = f"test_{next(self._names)}"
        connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user=USER, database="postgres")
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
