"""A throwaway PostgreSQL cluster on a free loopback port, for the tests and the benchmarks.

initdb and pg_ctl of the newest server installed (/usr/lib/postgresql/*/bin), run as the postgres
user when we are root (initdb refuses root), trust auth, loopback only, nothing synced to disk.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def server_binaries() -> Path | None:
    """The bin folder of the newest PostgreSQL server installed, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class ThrowawayPostgres:
    """`with ThrowawayPostgres() as cluster:` a running cluster; `cluster.base_url` + `/name`
    is a database URL (`cluster.database(name)` makes one). Stopped and deleted on exit."""

    def __init__(self, prefix: str = "wuxing-pg-") -> None:
        bin_dir = server_binaries()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL server binaries here: apt-get install postgresql")
        self.bin = bin_dir
        # Not under pytest's tmp dir: that one is private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def _run(self, *cmd: str) -> None:
        line = " ".join(shlex.quote(c) for c in cmd)
        argv = ["su", "postgres", "-c", line] if self.as_postgres else ["sh", "-c", line]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def __enter__(self) -> ThrowawayPostgres:
        data = str(self.root / "data")
        # --no-sync: a throwaway cluster need not wait for every file to reach the disk
        # (4.0 s -> 2.4 s); a large max_wal_size spares a province's load its checkpoints.
        self._run(
            str(self.bin / "initdb"),
            *("-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8"),
            *("--locale=C.UTF-8", "--no-sync"),
        )
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        options += " -c fsync=off -c max_wal_size=4GB"
        log = str(self.root / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", data, "-l", log, "-w", "-o", options, "start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def database(self, name: str) -> str:
        """URL of a new database `name`."""
        import sqlalchemy as sa

        admin = sa.create_engine(f"{self.base_url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        return f"{self.base_url}/{name}"
