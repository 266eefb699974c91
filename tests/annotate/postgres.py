"""A throwaway PostgreSQL server for the store tests, from Debian's ``postgresql`` package.

:func:`start` runs ``initdb`` and ``pg_ctl`` in a new temporary folder, on a free loopback
port, with trust authentication and no fsync (a test server: a crash loses it anyway), and
databases that sort text by ICU's en-US rules, as a team server's usual locale does, so that
an order that holds only under the "C" collation shows.
``initdb`` refuses to run as root, so as root both run as the ``postgres`` user that the package
creates (``runuser -u postgres``). :meth:`Server.stop` stops it and removes the folder.
:class:`Unavailable` says, in words fit for a skip reason, why no server could be started.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

USER = "va_test"  # the server's superuser; trust authentication on loopback only
INSTALL_HINT = ("Debian's postgresql package provides them: run python "
                "scripts/ensure_test_tools.py as root")


class Unavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def _binaries() -> tuple[str, str]:
    """``initdb`` and ``pg_ctl``: on PATH, else from the newest of Debian's
    ``/usr/lib/postgresql/<version>/bin`` (not on PATH by default)."""
    on_path = shutil.which("pg_ctl")
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                    else 0, reverse=True)
    for folder in ([os.path.dirname(on_path)] if on_path else []) + debian:
        paths = [os.path.join(folder, name) for name in ("initdb", "pg_ctl")]
        if all(os.access(p, os.X_OK) for p in paths):
            return paths[0], paths[1]
    raise Unavailable(f"PostgreSQL is not installed (no initdb and pg_ctl): {INSTALL_HINT}")


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix and the account that runs the server: the postgres user as root."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root, initdb refuses root, and there is no 'postgres' "
                          f"user to run it as: {INSTALL_HINT}") from None
    if shutil.which("runuser") is None:
        raise Unavailable("running as root, initdb refuses root, and runuser (util-linux) "
                          "is missing to run it as the postgres user")
    return ["runuser", "-u", "postgres", "--"], account


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running server: :meth:`create_database` gives a fresh database's URL."""

    def __init__(self, root: Path, pg_ctl: str, prefix: list[str], port: int):
        self.root, self.port = root, port
        self._pg_ctl, self._prefix = pg_ctl, prefix
        self._admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        """Run one statement as the superuser, outside a transaction."""
        with self._admin.connect() as conn:
            conn.execute(text(statement))

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop it, closing whatever connections a test left open."""
        self.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self) -> None:
        self._admin.dispose()
        try:
            subprocess.run(self._prefix + [self._pg_ctl, "-D", str(self.root / "data"), "-m",
                                           "fast", "-w", "stop"], cwd=self.root,
                           capture_output=True, timeout=120)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    """initdb a new cluster in a temporary folder and start it on a free loopback port."""
    try:
        import psycopg  # noqa: F401  (the driver of postgresql+psycopg:// URLs)
    except ImportError as err:
        raise Unavailable(f"the psycopg driver is not installed (requirements.txt): {err}") \
            from err
    initdb, pg_ctl = _binaries()
    prefix, account = _run_as()
    root = Path(tempfile.mkdtemp(prefix="va-postgres-"))
    try:
        if account is not None:  # the folder must belong to the server's user
            os.chown(root, account.pw_uid, account.pw_gid)
        data = root / "data"
        _step(prefix + [initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8",
                        "--no-locale", "--locale-provider=icu", "--icu-locale=en-US",
                        "--no-sync"], root, "initdb")
        port = _free_port()
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                       f"unix_socket_directories = '{root}'\n"
                       "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n")
        _step(prefix + [pg_ctl, "-D", str(data), "-l", str(root / "server.log"), "-w",
                        "-t", "60", "start"], root, "pg_ctl start",
              log=root / "server.log")
        return Server(root, pg_ctl, prefix, port)
    except BaseException:
        if (root / "data" / "postmaster.pid").exists():  # started, but too slowly or half-way
            subprocess.run(prefix + [pg_ctl, "-D", str(root / "data"), "-m", "immediate",
                                     "-w", "stop"], cwd=root, capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)
        raise


def _step(cmd: list[str], cwd: Path, what: str, log: Path | None = None) -> None:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise Unavailable(f"{what} could not run: {err}") from err
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        if log is not None and log.exists():
            detail += "\n" + log.read_text(errors="replace").strip()
        tail = "\n".join(detail.splitlines()[-5:])
        raise Unavailable(f"{what} failed (exit {done.returncode}): {tail}")
