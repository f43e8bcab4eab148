"""A throw-away PostgreSQL server for the test suite, started from the machine's own binaries.

One server per pytest session: ``initdb`` into a temporary directory, a free port on 127.0.0.1 plus a unix
socket in that directory, durability off (``fsync``, ``full_page_writes``) because the data dies with the run.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user that Debian's
package creates. ``CRISISBOT_TEST_DATABASE_URL`` points the tests at an existing server instead.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENSURE = ROOT / "scripts" / "ensure-postgres.sh"
RUN_AS = "postgres"


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server could not be found, installed or started."""


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestServer:
    """A PostgreSQL cluster in a temporary directory, owned by this test run."""

    __test__ = False  # not a test class, despite the name

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.port = 0
        self._prefix: list[str] = []
        self._bindir: Path | None = None

    def _run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [*self._prefix, *(str(a) for a in args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"`{' '.join(command)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}".strip()
            )
        return done

    def start(self) -> str:
        """Start the server; return an admin URL (database ``postgres``, user ``postgres``, over TCP)."""
        bindir = _bindir()
        if bindir is None and ENSURE.exists():
            done = subprocess.run(["sh", str(ENSURE)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise PostgresUnavailable(f"{ENSURE} failed:\n{done.stdout}\n{done.stderr}")
            bindir = _bindir()
        if bindir is None:
            raise PostgresUnavailable("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin")
        self._bindir = bindir

        self.dir = Path(tempfile.mkdtemp(prefix="crisisbot-pg-"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(RUN_AS)
            except KeyError:
                raise PostgresUnavailable(f"running as root and there is no {RUN_AS!r} user to run as") from None
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", RUN_AS, "--"]
        data, log = self.dir / "data", self.dir / "server.log"
        self._run(
            bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale",
            "--no-sync",
        )  # fmt: skip
        self.port = _free_port()
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.dir}",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c synchronous_commit=off",
                "-c max_connections=200",
            ]
        )
        atexit.register(self.stop)
        self._run(bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server and delete its directory; safe to call twice."""
        if self.dir is None:
            return
        directory, self.dir = self.dir, None
        if self._bindir is not None and (directory / "data" / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run(self._bindir / "pg_ctl", "-D", directory / "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(directory, ignore_errors=True)
