"""Set-up shared by the benchmarks in this folder: intake.py, audit.py, delivery.py and cti.py.

The benchmarks are run as scripts (`.venv/bin/python bench/<name>.py`), so Python puts bench/ at
the front of sys.path and they import this module as `common` (`from common import ...`); the
processes they spawn with multiprocessing get the same sys.path. Each benchmark keeps its own
database name, log tag and measurement; what is here is the same for all of them:

- the only database host (127.0.0.1), and refusing any other;
- a fresh database per run (a leftover of an earlier run is dropped first), dropped at the end;
- the product's environment with fresh random secrets and no inherited Qorgau/Django setting;
- Django set-up in the benchmark's own process;
- logging to stderr, SIGTERM as SystemExit (so that clean-up runs);
- CPU times from /proc, and the percentile and number format of the reports;
- for benchmarks that load the server over HTTP (intake.py, cti.py): the `qorgau` command,
  starting and stopping the server as `qorgau serve` runs it (gunicorn with uvicorn workers),
  a minimal asyncio HTTP/1.1 client, CPU shares and PostgreSQL backend states during a phase.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
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


# --- the `qorgau` command and a gunicorn server ----------------------------------------------


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def worker_pids(master: int, table: dict[int, Proc] | None = None) -> list[int]:
    """The gunicorn workers: the master's children."""
    table = proc_table() if table is None else table
    return sorted(pid for pid, p in table.items() if p.ppid == master)


def server_start(
    env: dict[str, str], port: int, workers: int, log_path: Path
) -> subprocess.Popen[bytes]:
    """The product's server as `qorgau serve` starts it (qorgau/core/serving.py: gunicorn with
    uvicorn workers) on 127.0.0.1:port, without its access log; its output in `log_path`."""
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    from qorgau.core.serving import gunicorn_argv

    return server_popen(gunicorn_argv(HOST, port, workers, access_log=False), env, log_path)


def server_popen(argv: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start a server in the project folder, in a session of its own, its output (stdout and
    stderr) in `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        return subprocess.Popen(
            argv,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def http_answers(port: int) -> bool:
    request = (
        f"GET /api/v1/openapi.json HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n"
    )
    try:
        with socket.create_connection((HOST, port), timeout=5) as s:
            s.sendall(request.encode("ascii"))
            return s.recv(16).startswith(b"HTTP/1.")
    except OSError:
        return False


def server_wait(
    server: subprocess.Popen[bytes], port: int, workers: int, limit: float, log_path: Path
) -> None:
    """Wait until every worker is up and the server answers an HTTP request."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"gunicorn exited with {server.returncode}; see {log_path}")
        if len(worker_pids(server.pid)) >= workers and http_answers(port):
            return
        time.sleep(0.2)
    raise SetupError(f"gunicorn did not answer within {limit:.0f} s; see {log_path}")


def server_stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the master (graceful), then SIGKILL to it and its workers if it hangs."""
    if server.poll() is not None:
        return
    workers = worker_pids(server.pid)
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        for pid in [server.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- a minimal HTTP/1.1 client over asyncio streams ------------------------------------------


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 as this client understands it."""


def raw_request(port: int, method: str, path: str, token: str, body: dict[str, Any]) -> bytes:
    """The bytes of a JSON request with a bearer token to 127.0.0.1:port."""
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + payload


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Read one response: (status, connection must be closed, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ProtocolError(f"bad status line {lines[0]!r}")
    version, status = parts[0], int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip().lower()
    connection = headers.get("connection", "")
    close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", ""):
        body = await read_chunked(reader)
    elif status in (204, 304) or status < 200:
        body = b""
    else:
        body, close = await reader.read(), True
    return status, close, body


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


class Connection:
    """One client's keep-alive connection to 127.0.0.1, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.opened = 0

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            self.opened += 1
        self.writer.write(request)
        await self.writer.drain()
        status, close, body = await read_response(self.reader)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# Errors that mean "no answer on this connection": close it and count a connection error.
CONNECTION_ERRORS = (OSError, EOFError, asyncio.LimitOverrunError, ProtocolError, ValueError)


# --- what the machine does during a phase ----------------------------------------------------


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    procs: dict[int, Proc]
    idle_ticks: int
    loadgen: float


def cpu_snapshot() -> CpuSnapshot:
    _, idle = busy_idle(cpu_ticks())
    times = os.times()
    return CpuSnapshot(
        wall=time.monotonic(),
        procs=proc_table(),
        idle_ticks=idle,  # idle + iowait
        loadgen=times.user + times.system,
    )


def cpu_shares(before: CpuSnapshot, after: CpuSnapshot, master: int) -> dict[str, float]:
    """CPU used between two snapshots by the gunicorn master `master` and its workers,
    PostgreSQL, this process, everything else and nothing (idle), in % of one core (a 2-core
    machine has 200 %)."""
    wall = after.wall - before.wall

    def used(belongs: Callable[[int, Proc], bool]) -> float:
        total = cpu_used(before.procs, after.procs, belongs)
        for pid, proc in before.procs.items():
            if pid not in after.procs and belongs(pid, proc):
                total -= proc.cpu_seconds  # exited: its whole lifetime is in its parent's now
        return total

    workers = used(lambda pid, p: pid == master or p.ppid == master)
    postgres = used(lambda pid, p: p.comm == "postgres")
    loadgen = after.loadgen - before.loadgen
    idle = (after.idle_ticks - before.idle_ticks) / CLK_TCK
    capacity = float(os.cpu_count() or 1)
    other = max(0.0, capacity * wall - idle - workers - postgres - loadgen)
    return {
        "gunicorn": 100.0 * workers / wall,
        "postgres": 100.0 * postgres / wall,
        "load generator": 100.0 * loadgen / wall,
        "other": 100.0 * other / wall,  # kernel (loopback, softirq) and other processes
        "idle": 100.0 * idle / wall,
        "capacity": 100.0 * capacity,
    }


class BackendSampler:
    """What the server's PostgreSQL backends are doing, sampled every 0.2 s until `stop`."""

    WORDING = {
        "idle in transaction": "idle in transaction (app working)",
        "idle": "idle (between requests)",
    }

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.counts: Counter[str] = Counter()

    async def run(self, stop: asyncio.Event) -> None:
        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=10) as conn:
            while not stop.is_set():
                for state, kind, event in conn.execute(BACKENDS_QUERY).fetchall():
                    found = backend_state(state, kind, event)
                    self.counts[self.WORDING.get(found, found)] += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.2)

    def shares(self) -> dict[str, float]:
        """Each state's share of the samples, in %."""
        total = sum(self.counts.values())
        return {k: 100.0 * v / total for k, v in self.counts.most_common()} if total else {}


def count_rows(url: str, table: str) -> int:
    with psycopg.connect(url, connect_timeout=10) as conn:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        return int(row.fetchone()[0])  # type: ignore[index]


def phase_args(doc: str, db_name: str, clients: int) -> argparse.Namespace:
    """The options shared by the two-phase server benchmarks (intake.py, cti.py)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase (default 30)")
    parser.add_argument(
        "--clients", type=int, default=clients, help=f"concurrent clients ({clients})"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="uncounted warm-up before each phase, seconds (2; 0 for none)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds (10)")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"an existing local database to use (default: a fresh {db_name}, dropped at the end)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if args.seconds <= 0 or args.clients < 1 or args.workers < 1 or args.timeout <= 0:
        parser.error("--seconds, --clients, --workers and --timeout must be positive")
    return args
