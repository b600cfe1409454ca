"""A PostgreSQL server of your own in a folder, for trying a shared library, and the tests' throwaway one: initdb
and pg_ctl in that folder, listening on 127.0.0.1 (run as the `postgres` user when run as root: initdb refuses
root). No mock: the tests talk to a real server.

    python tools/local_postgres.py start ~/citedesk-server     # prints the URL to give `citedesk share connect`
    python tools/local_postgres.py stop ~/citedesk-server

    with PostgresServer(tmp_path / "pg") as server:
        url = server.url("citedesk")           # a database created for the test, owned by the superuser
        server.create_role("reader", "secret") # a role with a password (scram), for permission tests
        server.restart()                       # stop and start again on the same port
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

SUPERUSER = "citedesk_admin"
PASSWORD = "admin-secret"


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin (newest first)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    return Path(versions[0]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One cluster; `url(database)` creates the database on first use."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.folder = folder
        self.data = folder / "data"
        self.port = port or _free_port()
        self.as_postgres = os.geteuid() == 0  # initdb and postgres refuse to run as root
        self.databases: set[str] = set()

    # -- running commands

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, cwd="/")
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr or done.stdout}")
        return done

    def start(self) -> PostgresServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            os.chmod(self.folder, 0o700)
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        if self.as_postgres:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(password_file),
            "--auth",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C",
        )
        self._start()
        return self

    def _start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} -c fsync=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self._start()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases and roles

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str, user: str = SUPERUSER, password: str = PASSWORD) -> str:
        """The URL of a database (created on first use), for a role."""
        if database not in self.databases:
            self.sql(f'CREATE DATABASE "{database}"')
            self.databases.add(database)
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.admin_url(database), autocommit=True) as conn:
            conn.execute(statement)

    def create_role(self, name: str, password: str) -> None:
        self.sql(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")


def main(argv: list[str]) -> int:
    """`start FOLDER [PORT]`: a cluster there (made on first use) with a database `citedesk`; `stop FOLDER`."""
    if len(argv) < 2 or argv[0] not in ("start", "stop"):
        print("usage: python tools/local_postgres.py start|stop FOLDER [PORT]", file=sys.stderr)
        return 2
    folder = Path(argv[1]).expanduser().absolute()
    server = PostgresServer(folder, int(argv[2]) if len(argv) > 2 else 5433)
    if argv[0] == "stop":
        server.stop()
        print(f"Stopped the server in {folder}")
        return 0
    if (server.data / "PG_VERSION").exists():
        server._start()
    else:
        server.start()
        server.url("citedesk")
    print(f"A PostgreSQL server runs in {folder} on 127.0.0.1:{server.port}. Connect a library to it with:")
    print(f"  citedesk share connect postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{server.port}/citedesk")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
