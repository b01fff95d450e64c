"""A throwaway PostgreSQL server for the tests: temp data dir, 127.0.0.1, a free port, trust auth.

Found on PATH or in Debian's /usr/lib/postgresql/<version>/bin (``make system-tools`` installs it
where we are root). As root, initdb and the server run as ``nobody``, since PostgreSQL refuses root.
``start()`` returns a server or the reason there is none, for a skip message.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "postgres"        # the database superuser initdb creates (trust auth: no password)
_names = itertools.count()


@dataclass
class Server:
    bindir: Path
    datadir: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """The URL of a new, empty database on this server."""
        import psycopg

        name = f"textmine_{os.getpid()}_{next(_names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def find_bindir() -> Path | None:
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    version = lambda p: int(re.sub(r"\D", "", p.parent.parent.name) or 0)   # noqa: E731
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unprivileged() -> tuple[list[str], int, int] | str:
    """The command prefix that drops root, with that user's uid and gid; or why we cannot."""
    if os.geteuid() != 0:
        return [], os.geteuid(), os.getegid()
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return "vi kører som root, og brugeren 'nobody' findes ikke (PostgreSQL vil ikke køre som root)"
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"], nobody.pw_uid, nobody.pw_gid
    if shutil.which("setpriv"):
        return (["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"],
                nobody.pw_uid, nobody.pw_gid)
    return "vi kører som root uden runuser/setpriv, og PostgreSQL vil ikke køre som root"


def start() -> Server | str:
    """Start a server, or return why not (in Danish, for the skip message)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "driveren psycopg er ikke installeret (pip install 'psycopg[binary]')"
    bindir = find_bindir()
    if bindir is None:
        return ("PostgreSQL findes ikke (hverken initdb på PATH eller /usr/lib/postgresql/*/bin); "
                "installer Debians pakke postgresql, fx med `make system-tools` som root")
    user = _unprivileged()
    if isinstance(user, str):
        return user
    prefix, uid, gid = user
    root = Path(tempfile.mkdtemp(prefix="textmine-pg-"))
    datadir = root / "data"
    os.chown(root, uid, gid)
    run = lambda *args, **kw: subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True,  # noqa: E731
                                             timeout=120, cwd=root, **kw)
    init = run(bindir / "initdb", "-D", datadir, "-U", USER, "--auth=trust", "--no-locale", "-E", "UTF8")
    if init.returncode:
        shutil.rmtree(root, ignore_errors=True)
        return f"initdb fejlede: {(init.stderr or init.stdout).strip()[-300:]}"
    last = ""
    for _ in range(3):   # another process may take the free port before the server binds it
        port = _free_port()
        options = (f"-h 127.0.0.1 -p {port} -k {datadir} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=50")
        started = run(bindir / "pg_ctl", "-D", datadir, "-l", root / "server.log", "-w", "-t", "60",
                      "-o", options, "start")
        if started.returncode == 0:
            return Server(bindir, datadir, port, prefix)
        log = root / "server.log"
        last = (log.read_text(errors="replace") if log.exists() else started.stderr).strip()[-300:]
    shutil.rmtree(root, ignore_errors=True)
    return f"PostgreSQL-serveren startede ikke: {last}"
