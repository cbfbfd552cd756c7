"""Set-up every benchmark shares: logging to stderr, SIGTERM as SystemExit (so that clean-up
runs), the product's environment with fresh random secrets, the only database host
(127.0.0.1) and a fresh database per run, Django in the benchmark's own process, the `qorgau`
command, and JSON output.

Benchmarks that need the floor (bench/floor) run the product with BENCH_SETTINGS: the
product's settings plus the floor app and its URL. The product's own processes cannot import
`bench` from their install, so every environment made here puts the project folder on
PYTHONPATH.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

HOST = "127.0.0.1"
ADMIN_URL = f"postgresql://postgres@{HOST}:5432/postgres"
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
OUT_DIR = PROJECT_DIR / "bench" / "out"
PRODUCT_SETTINGS = "qorgau.settings"
BENCH_SETTINGS = "bench.settings"

Log = Callable[[str], None]


class SetupError(Exception):
    """The database, migrate, the server, the receiver or a worker could not be brought up, or
    died."""


# --- logging and signals ---------------------------------------------------------------------


def logger(tag: str) -> Log:
    """A function that prints `[tag] message` to stderr at once."""

    def log(message: str) -> None:
        print(f"[{tag}] {message}", file=sys.stderr, flush=True)

    return log


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """SIGTERM raises SystemExit, so the benchmark's finally blocks run: they stop the processes
    it started and drop its database."""
    signal.signal(signal.SIGTERM, _terminate)


# --- environment -----------------------------------------------------------------------------


def is_setting(name: str) -> bool:
    """A variable the product reads its settings from."""
    return name.startswith(("QORGAU_", "DJANGO_")) or name == "DATABASE_URL"


def fresh_settings(database_url: str, var_dir: Path, settings: str) -> dict[str, str]:
    """The settings every benchmark gives the product, with secrets made for this run."""
    return {
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_SECRET_KEY": os.urandom(48).hex(),
        "QORGAU_FIELD_KEYS": Fernet.generate_key().decode(),
        "QORGAU_BLIND_INDEX_KEY": os.urandom(32).hex(),
        "QORGAU_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(PROJECT_DIR), os.getenv("PYTHONPATH")))),
    }


def product_env(
    database_url: str, var_dir: Path, settings: str = PRODUCT_SETTINGS, **extra: str
) -> dict[str, str]:
    """A copy of this process's environment for a product command or server: every inherited
    Qorgau/Django setting dropped, fresh settings and `extra` added."""
    env = {k: v for k, v in os.environ.items() if not is_setting(k)}
    env.update(fresh_settings(database_url, var_dir, settings), **extra)
    return env


def set_product_env(
    database_url: str, var_dir: Path, settings: str = PRODUCT_SETTINGS, **extra: str
) -> None:
    """The same in this process's own environment, for Django here and the processes it starts."""
    for name in [name for name in os.environ if is_setting(name)]:
        del os.environ[name]
    os.environ.update(fresh_settings(database_url, var_dir, settings), **extra)


# --- database --------------------------------------------------------------------------------


def check_local(url: str, hosts: Collection[str] = (HOST,)) -> None:
    """Refuse a database URL whose host is not one of `hosts`."""
    host = urlsplit(url).hostname
    if host not in hosts:
        raise SetupError(f"refusing database host {host!r}: this benchmark only talks to {HOST}")


def database_create(name: str, log: Log) -> str:
    """Create the database `name` on 127.0.0.1, dropping a leftover of an earlier run first;
    returns its URL."""
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        ident = sql.Identifier(name)
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"database {name} left over from an earlier run: dropping it")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    return f"postgres://postgres@{HOST}:5432/{name}"


def database_open(
    name: str, given_url: str | None, log: Log, hosts: Collection[str] = (HOST,)
) -> tuple[str, bool]:
    """The database of this run: `given_url` (checked with check_local) or else a fresh `name`.
    Returns its URL and whether it was created here, that is, is to be dropped at the end."""
    if given_url:
        check_local(given_url, hosts)
        return given_url, False
    log(f"creating database {name}")
    return database_create(name, log), True


def database_drop(name: str, log: Log) -> None:
    """Drop the database `name` (if it exists), saying whether it worked; a failure does not
    raise."""
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            ident = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        log(f"dropped database {name}")
    except psycopg.Error as exc:
        log(f"could not drop database {name}: {exc}")


# --- Django in this process ------------------------------------------------------------------


def django_setup() -> None:
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


def django_migrate(log: Log) -> None:
    """Set up Django in this process and migrate its database."""
    django_setup()
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)


def close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def django_database(
    name: str, given_url: str | None, log: Log, settings: str = PRODUCT_SETTINGS, **extra: str
) -> Iterator[str]:
    """The database of a benchmark that runs Django in its own process (and in the processes it
    starts): opened as database_open does, this process's environment set for it, migrated;
    yields its URL. At the end, also on errors and Ctrl-C, the connections are closed, and the
    database (if created here) and the temporary folder removed."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    created = False
    try:
        url, created = database_open(name, given_url, log)
        set_product_env(url, var_dir, settings, **extra)
        django_migrate(log)
        close_django_connections()
        yield url
    finally:
        close_django_connections()
        if created:
            database_drop(name, log)
        shutil.rmtree(var_dir, ignore_errors=True)


# --- the `qorgau` command --------------------------------------------------------------------


def qorgau(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run `qorgau ARGS` with `env` in the project folder; its stdout, or SetupError."""
    executable = Path(sys.executable).parent / "qorgau"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "qorgau.cli"]
    try:
        done = subprocess.run(
            [*command, *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"`qorgau {args[0]}` did not finish in {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise SetupError(f"`qorgau {args[0]}` failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


# --- output ----------------------------------------------------------------------------------


def log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or "" when there is none."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def write_json(path: Path | None, figures: Any) -> None:
    """Write the figures to `path` (the benchmarks' --json), if one is given."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
