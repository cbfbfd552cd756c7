"""Set-up shared by the benchmarks in this folder: intake.py, audit.py and delivery.py.

The benchmarks are run as scripts (`.venv/bin/python bench/<name>.py`), so Python puts bench/ at
the front of sys.path and they import this module as `common` (`from common import ...`); the
processes they spawn with multiprocessing get the same sys.path. Each benchmark keeps its own
database name, log tag and measurement; what is here is the same for all of them:

- the only database host (127.0.0.1), and refusing any other;
- a fresh database per run (a leftover of an earlier run is dropped first), dropped at the end;
- the product's environment with fresh random secrets and no inherited Qorgau/Django setting;
- Django set-up in the benchmark's own process;
- logging to stderr, SIGTERM as SystemExit (so that clean-up runs);
- CPU times from /proc, and the percentile and number format of the reports.
"""

from __future__ import annotations

import math
import os
import signal
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

HOST = "127.0.0.1"
ADMIN_URL = f"postgresql://postgres@{HOST}:5432/postgres"
PROJECT_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = PROJECT_DIR / "bench" / "out"
CLK_TCK = os.sysconf("SC_CLK_TCK")

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


def fresh_settings(database_url: str, var_dir: Path) -> dict[str, str]:
    """The settings every benchmark gives the product, with secrets made for this run."""
    return {
        "DJANGO_SETTINGS_MODULE": "qorgau.settings",
        "DJANGO_SECRET_KEY": os.urandom(48).hex(),
        "QORGAU_FIELD_KEYS": Fernet.generate_key().decode(),
        "QORGAU_BLIND_INDEX_KEY": os.urandom(32).hex(),
        "QORGAU_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
    }


def product_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """A copy of this process's environment for a product command or server: every inherited
    Qorgau/Django setting dropped, fresh settings and `extra` added."""
    env = {k: v for k, v in os.environ.items() if not is_setting(k)}
    env.update(fresh_settings(database_url, var_dir), **extra)
    return env


def set_product_env(database_url: str, var_dir: Path, **extra: str) -> None:
    """The same in this process's own environment, for Django here and the processes it starts."""
    for name in [name for name in os.environ if is_setting(name)]:
        del os.environ[name]
    os.environ.update(fresh_settings(database_url, var_dir), **extra)


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


def database_drop(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


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


def database_drop_logged(name: str, log: Log) -> None:
    """database_drop, saying whether it worked; a failure does not raise."""
    try:
        database_drop(name)
        log(f"dropped database {name}")
    except psycopg.Error as exc:
        log(f"could not drop database {name}: {exc}")


# --- Django in this process ------------------------------------------------------------------


def django_setup() -> None:
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


def close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


# --- CPU from /proc --------------------------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    ppid: int
    comm: str
    cpu_seconds: float  # user + system of the process and of its reaped children


def proc_stats() -> Iterator[tuple[int, str, list[str]]]:
    """(pid, name, the fields after the name) from /proc/<pid>/stat of every process; field 1 is
    the parent's pid, 11-14 utime, stime, cutime and cstime in clock ticks."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.find("(") + 1 : stat.rfind(")")]
        yield int(entry.name), comm, stat[stat.rfind(")") + 2 :].split()


def proc_table() -> dict[int, Proc]:
    """Every process's parent, name and CPU time: its own user + system time plus that of its
    reaped children, so that the CPU of a child that exits during a measurement is still counted
    (in its parent's)."""
    table: dict[int, Proc] = {}
    for pid, comm, rest in proc_stats():
        cpu = sum(int(v) for v in rest[11:15]) / CLK_TCK  # utime, stime, cutime, cstime
        table[pid] = Proc(ppid=int(rest[1]), comm=comm, cpu_seconds=cpu)
    return table


def cpu_used(
    before: Mapping[int, Proc], after: Mapping[int, Proc], belongs: Callable[[int, Proc], bool]
) -> float:
    """CPU seconds the processes that `belongs` picks used between two proc_tables (of those
    still running at the second; a process new since the first counts in full)."""
    total = 0.0
    for pid, proc in after.items():
        if belongs(pid, proc):
            old = before.get(pid)
            total += proc.cpu_seconds - (old.cpu_seconds if old else 0.0)
    return total


def cpu_ticks() -> list[int]:
    """The machine's CPU time in clock ticks, from the first line of /proc/stat: user, nice,
    system, idle, iowait, irq, softirq, steal, guest, guest_nice."""
    with open("/proc/stat", encoding="ascii") as f:
        return [int(v) for v in f.readline().split()[1:]]


def busy_idle(ticks: list[int]) -> tuple[int, int]:
    """(busy, idle) ticks of cpu_ticks(): idle is idle + iowait, busy user .. steal without it
    (guest time is already in user)."""
    idle = ticks[3] + ticks[4]
    return sum(ticks[:8]) - idle, idle


# --- PostgreSQL backends ---------------------------------------------------------------------

# The state of every other client backend of the database the connection is to.
BACKENDS_QUERY = (
    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)


def backend_state(state: str | None, kind: str | None, event: str | None) -> str:
    """A row of BACKENDS_QUERY in words: "active, on CPU", "active, waiting Lock:tuple",
    "idle in transaction", "idle", or the state as PostgreSQL gives it."""
    if state == "active":
        return f"active, waiting {kind}:{event}" if kind else "active, on CPU"
    if state == "idle in transaction":
        return "idle in transaction"
    if state == "idle":
        return "idle"
    return str(state)


# --- report ----------------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


def fmt(value: float, digits: int = 1) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"
