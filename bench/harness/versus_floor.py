"""A benchmark of one product endpoint against the floor, on one server (bench/intake.py,
bench/cti.py): everything but the endpoint's own workload.

A fresh PostgreSQL database on 127.0.0.1 (dropped at the end, also on errors and Ctrl-C) is
migrated with bench.settings and fresh random secrets, so it has the floor's table; the
`qorgau` command creates the consultant `bench` and its API token, then whatever the benchmark
needs; the product's server (gunicorn with uvicorn workers, as `qorgau serve`) runs with
bench.settings on a free 127.0.0.1 port, its output in bench/out/<tag>-gunicorn.log. Then two
phases with the same workers, clients and duration, each after an uncounted warm-up:

1. the product's phase, which the benchmark defines;
2. the floor: POST /api/v1/bench/floor with the consultant's token (the same authentication as
   the product's API), which inserts one row.

For each phase: accepted answers per second, latency of those, other answers by status, CPU
used by the server / PostgreSQL / the load generator / the rest / idle, CPU per accepted
request, what the PostgreSQL backends were doing, the rows tables gained, and checks (found /
expected) of what the database holds against what the clients were told.

Exit status: 0 when the measurement completed (targets are reported, not enforced); 1 when a
check failed or a phase accepted nothing; 2 when the set-up or the server failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import psycopg

from bench.harness.http import Load, Turn, closed_loop, raw_request, sending
from bench.harness.machine import RssSampler, cpu_shares, cpu_snapshot, family_of, is_postgres
from bench.harness.postgres import BackendSampler, count_rows
from bench.harness.report import Row, fmt, latency, met, noisy, print_table
from bench.harness.server import free_port, processes_stop, server_start, server_wait
from bench.harness.setup import (
    BENCH_SETTINGS,
    HOST,
    OUT_DIR,
    Log,
    SetupError,
    database_drop,
    database_open,
    exit_on_sigterm,
    log_tail,
    logger,
    product_env,
    qorgau,
    write_json,
)

FLOOR_PATH = "/api/v1/bench/floor"
FLOOR_TABLE = "bench_floor_floorrow"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}  # --database-url may also name localhost
NOISY_OTHER_CPU = 20.0  # % of one core used by other processes: the machine was not quiet
CPU_COLUMNS = ("gunicorn", "postgres", "load generator", "other", "idle")
# Run by `qorgau shell -c`: the consultant whose token calls the product and the floor.
CREATE_USER = (
    "import secrets\n"
    "from qorgau.staff.models import User\n"
    "if not User.objects.filter(username='bench').exists():\n"
    "    User.objects.create_user('bench', password=secrets.token_urlsafe(16), role='consultant')\n"
)

T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    port: int
    master: int
    database_url: str
    user_token: str  # of the consultant `bench`


@dataclass
class Phase:
    name: str
    accepted_per_s: float = 0.0
    accepted: int = 0
    seconds: float = 0.0
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    errors: int = 0
    error_breakdown: dict[str, int] = field(default_factory=dict)
    connections_opened: int = 0
    cpu_percent: dict[str, float] = field(default_factory=dict)
    pg_backend_states_percent: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)  # of the workers, when sampled
    rows_gained: dict[str, int] = field(default_factory=dict)
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (found, expected)
    figures: dict[str, Any] = field(default_factory=dict)  # the benchmark's own

    def summarise(self, load: Load) -> None:
        ok = str(load.accepted_status)
        self.seconds = load.seconds
        self.accepted = load.outcomes.get(ok, 0)
        self.accepted_per_s = self.accepted / load.seconds if load.seconds else 0.0
        times = latency(load.latencies_ms)
        self.p50_ms, self.p95_ms, self.p99_ms, self.max_ms = (
            times.p50,
            times.p95,
            times.p99,
            times.max,
        )
        self.error_breakdown = {k: v for k, v in sorted(load.outcomes.items()) if k != ok}
        self.errors = sum(self.error_breakdown.values())
        self.connections_opened = load.connections

    @property
    def failed_checks(self) -> list[str]:
        return [
            f"{self.name}: {name}: {found} / {expected}"
            for name, (found, expected) in self.checks.items()
            if found != expected
        ]


@dataclass(frozen=True)
class Benchmark(Generic[T]):
    """What a benchmark adds to the harness: its names, targets and workload."""

    tag: str  # log tag; the server's log is bench/out/<tag>-gunicorn.log
    title: str  # first words of the report's heading
    db_name: str
    default_clients: int
    target_ratio: float  # % of the floor's rate the product phase should reach
    target_p99_ms: float
    prepare: Callable[[dict[str, str]], T]  # more set-up with `qorgau`, after the user
    phase: Callable[[Server, argparse.Namespace, T], Awaitable[Phase]]
    rows: Callable[[Phase], list[tuple[str, str]]]  # the product phase's own (label, value)
    sample_rss: bool = False  # also sample the workers' memory in both phases

    @property
    def server_log(self) -> Path:
        return OUT_DIR / f"{self.tag}-gunicorn.log"


def phase_args(doc: str, db_name: str, clients: int) -> argparse.Namespace:
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


# --- a phase ---------------------------------------------------------------------------------


async def measure(
    phase: Phase,
    server: Server,
    args: argparse.Namespace,
    turns: Callable[[], Turn],
    *,
    accepted: int,
    tables: Sequence[str],
    requests_per_turn: int = 1,
    sample_rss: bool = False,
) -> Load:
    """Warm-up, then the phase itself while CPU, backends (and memory) are sampled; fills
    `phase` and returns what the clients saw. `turns` gives the clients' turn, a fresh one for
    each (so that what a turn tallies is the phase's alone); rows are counted as differences
    over the phase."""
    grace = requests_per_turn * args.timeout + 10  # a turn begun goes on
    log = logger(phase.name)
    if args.warmup > 0:
        log(f"warm-up {args.warmup:g} s")
        await closed_loop(server.port, turns(), args.clients, args.warmup, accepted, grace)
    before = {table: count_rows(server.database_url, table) for table in tables}
    log(f"{args.seconds:g} s with {args.clients} clients")
    backends, memory = BackendSampler(server.database_url), RssSampler(server.master)
    samplers = [backends, memory] if sample_rss else [backends]
    for sampler in samplers:
        sampler.start()
    cpu_before = cpu_snapshot()
    try:
        load = await closed_loop(server.port, turns(), args.clients, args.seconds, accepted, grace)
    finally:
        cpu_after = cpu_snapshot()
        for sampler in samplers:
            sampler.finish()
    phase.summarise(load)
    groups = {"gunicorn": family_of(server.master), "postgres": is_postgres}
    phase.cpu_percent = cpu_shares(cpu_before, cpu_after, groups, own="load generator")
    phase.pg_backend_states_percent = backends.shares()
    phase.memory_mb = memory.figures() if sample_rss else {}
    phase.rows_gained = {t: count_rows(server.database_url, t) - n for t, n in before.items()}
    return load


async def floor_phase(server: Server, args: argparse.Namespace, sample_rss: bool) -> Phase:
    phase = Phase("floor")
    request = raw_request(server.port, "POST", FLOOR_PATH, server.user_token, {"note": "x"})

    def turns() -> Turn:
        return sending([request], args.timeout)

    await measure(
        phase, server, args, turns, accepted=201, tables=(FLOOR_TABLE,), sample_rss=sample_rss
    )
    phase.checks = {"floor rows gained / 201s": (phase.rows_gained[FLOOR_TABLE], phase.accepted)}
    return phase


# --- set-up and the run ----------------------------------------------------------------------


def user_token(env: dict[str, str]) -> str:
    """Create the consultant `bench` and return a new API token of theirs."""
    qorgau(env, "shell", "-c", CREATE_USER, timeout=120)
    lines = qorgau(env, "token", "bench", timeout=120).strip().splitlines()
    if not lines:
        raise SetupError("`qorgau token bench` printed no token")
    return lines[-1].strip()


async def both_phases(
    bench: Benchmark[T], server: Server, args: argparse.Namespace, prepared: T
) -> tuple[Phase, Phase]:
    product = await bench.phase(server, args, prepared)
    return product, await floor_phase(server, args, bench.sample_rss)


def serve_and_measure(
    bench: Benchmark[T], args: argparse.Namespace, var_dir: Path, log: Log
) -> tuple[Phase, Phase]:
    """Set up, measure, clean up; SetupError or psycopg.Error when the set-up failed."""
    created_database = False
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        url, created_database = database_open(bench.db_name, args.database_url, log, LOCAL_HOSTS)
        hosts = "127.0.0.1,localhost"
        env = product_env(url, var_dir, BENCH_SETTINGS, QORGAU_ALLOWED_HOSTS=hosts)
        log("migrating")
        qorgau(env, "migrate", "--noinput", "-v", "0")
        token = user_token(env)
        prepared = bench.prepare(env)
        port = free_port()
        log(f"starting gunicorn on {HOST}:{port}, {args.workers} workers ({bench.server_log})")
        gunicorn = server_start(env, port, args.workers, bench.server_log)
        server_wait(gunicorn, port, args.workers, limit=90, log_path=bench.server_log)
        server = Server(port, gunicorn.pid, url, token)
        phases = asyncio.run(both_phases(bench, server, args, prepared))
        if gunicorn.poll() is not None:
            raise SetupError(f"gunicorn exited during the run ({gunicorn.returncode})")
        return phases
    except (SetupError, psycopg.Error):
        if gunicorn is not None and (tail := log_tail(bench.server_log)):
            log(f"last lines of {bench.server_log}:\n{tail}")
        raise
    finally:
        if gunicorn is not None:
            processes_stop([gunicorn])
        if created_database:
            database_drop(bench.db_name, log)


def main(bench: Benchmark[T], doc: str) -> int:
    """The whole benchmark: options, set-up, both phases, report, exit status."""
    args = phase_args(doc, bench.db_name, bench.default_clients)
    log = logger(bench.tag)
    exit_on_sigterm()  # the finally blocks stop gunicorn and drop the database
    var_dir = Path(tempfile.mkdtemp(prefix=f"qorgau-bench-{bench.tag}-"))
    try:
        product, floor = serve_and_measure(bench, args, var_dir, log)
    except (SetupError, psycopg.Error) as exc:
        log(f"FAILED: {exc}")
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    write_json(args.json, report(bench, args, product, floor))
    broken = product.failed_checks + floor.failed_checks
    broken += [f"{p.name}: nothing accepted" for p in (product, floor) if p.accepted == 0]
    if (product.errors or floor.errors) and (tail := log_tail(bench.server_log)):
        print(f"\nanswers not accepted; last lines of {bench.server_log}:\n{tail}")
    for problem in broken:
        print(f"BROKEN: {problem}")
    return 1 if broken else 0


# --- report ----------------------------------------------------------------------------------


def cpu_each(p: Phase) -> str:
    """CPU time per accepted request: unlike the rates, it hardly moves when other processes
    take CPU from the server."""
    if not p.accepted_per_s:
        return "-"
    ms = {k: 10.0 * p.cpu_percent[k] / p.accepted_per_s for k in ("gunicorn", "postgres")}
    return f"{ms['gunicorn']:.1f} / {ms['postgres']:.1f}"


def memory_rows(product: Phase, floor: Phase) -> list[Row]:
    def cells(key: str, digits: int) -> list[str]:
        return [fmt(p.memory_mb[key], digits) for p in (product, floor)]

    if not product.memory_mb or not floor.memory_mb:
        return []
    return [
        ("peak RSS per worker, max (MB)", cells("peak RSS max", 1)),
        ("peak RSS per worker, mean (MB)", cells("peak RSS mean", 1)),
        ("VmHWM per worker, max (MB)", cells("VmHWM max", 1)),
        ("workers sampled", cells("workers sampled", 0)),
    ]


def table_rows(bench: Benchmark[T], product: Phase, floor: Phase) -> list[Row]:
    both = (product, floor)

    def breakdown(p: Phase) -> str:
        return ", ".join(f"{k}: {v}" for k, v in p.error_breakdown.items()) or "-"

    def cpu(p: Phase) -> str:
        return " / ".join(f"{p.cpu_percent[k]:.0f}" for k in CPU_COLUMNS)

    rows: list[Row] = [
        ("accepted per second", [f"{p.accepted_per_s:.1f}" for p in both]),
        ("accepted / seconds measured", [f"{p.accepted} / {p.seconds:.1f}" for p in both]),
        ("latency p50 (ms)", [fmt(p.p50_ms) for p in both]),
        ("latency p95 (ms)", [fmt(p.p95_ms) for p in both]),
        ("latency p99 (ms)", [fmt(p.p99_ms) for p in both]),
        ("latency max (ms)", [fmt(p.max_ms) for p in both]),
    ]
    rows += [(label, [value, "n/a"]) for label, value in bench.rows(product)]
    rows += [
        ("not accepted", [str(p.errors) for p in both]),
        ("  by status", [breakdown(p) for p in both]),
        ("connections opened", [str(p.connections_opened) for p in both]),
        *memory_rows(product, floor),
        ("CPU % gunicorn/pg/loadgen/other/idle", [cpu(p) for p in both]),
        ("CPU ms per accepted: gunicorn / pg", [cpu_each(p) for p in both]),
    ]
    return rows


def report(
    bench: Benchmark[T], args: argparse.Namespace, product: Phase, floor: Phase
) -> dict[str, Any]:
    """Print the table, the checks and the targets; return the figures for --json."""
    rate = floor.accepted_per_s
    ratio = 100.0 * product.accepted_per_s / rate if rate else 0.0
    ratio_ok = ratio >= bench.target_ratio
    p99_ok = product.p99_ms <= bench.target_p99_ms  # False when NaN
    capacity = product.cpu_percent.get("capacity", 0.0)
    print()
    print(
        f"{bench.title}: {args.seconds:g} s per phase, {args.clients} clients, "
        f"{args.workers} gunicorn workers, {os.cpu_count()} CPUs "
        f"(CPU in % of one core, {capacity:.0f} % in all)"
    )
    print_table((product.name, floor.name), table_rows(bench, product, floor))
    for p in (product, floor):
        for name, (found, expected) in p.checks.items():
            verdict = "ok" if found == expected else "MISMATCH"
            print(f"check {p.name}: {name}: {found} / {expected} {verdict}")
    print(f"{product.name} ÷ floor: {ratio:.1f} %")
    print(
        f"target {product.name} ≥ {bench.target_ratio:.0f} % of the floor: {met(ratio_ok)} "
        f"({ratio:.1f} %)"
    )
    print(
        f"target p99 ≤ {bench.target_p99_ms:.0f} ms ({product.name}): {met(p99_ok)} "
        f"({fmt(product.p99_ms)} ms)"
    )
    for p in (product, floor):
        states = ", ".join(f"{k} {v:.0f} %" for k, v in p.pg_backend_states_percent.items())
        print(f"PostgreSQL backends, {p.name} (share of samples): {states or '-'}")
        noisy(p.name, p.cpu_percent.get("other", 0.0), NOISY_OTHER_CPU)
    return {
        "seconds": args.seconds,
        "clients": args.clients,
        "workers": args.workers,
        "warmup_seconds": args.warmup,
        "cpus": os.cpu_count(),
        "phases": {p.name: asdict(p) for p in (product, floor)},
        "ratio_percent": ratio,
        "targets": {
            "vs_floor_percent": {"target": bench.target_ratio, "met": ratio_ok},
            "p99_ms": {"target": bench.target_p99_ms, "met": p99_ok},
        },
    }
