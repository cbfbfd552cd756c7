"""Intake benchmark: how fast Qorgau registers appeals, compared with the cheapest possible write.

What it measures
  Two phases against one gunicorn server (same workers, same client count, same duration):
  1. registration: POST /api/v1/appeals with a valid, slightly varied appeal per request;
  2. floor: POST /api/v1/bench/floor, which only authenticates and inserts one row.
  For each phase: 201s per second, p50/p95/p99 latency of the 201s, non-201 answers by status,
  peak RSS per gunicorn worker, CPU used by workers / PostgreSQL / this load generator, and the
  rows the database gained compared with the 201s received (lost = 201s - rows, must be 0).
  Registration is also checked for duplicate appeal numbers, in the answers and in the table.
  Targets: registration >= 60 % of the floor's rate, and registration p99 <= 150 ms.

How
  A fresh PostgreSQL database (qorgau_bench on 127.0.0.1, dropped at the end) is migrated with
  fresh random secrets; a consultant user and an API token are created with the `qorgau`
  command; gunicorn serves qorgau.wsgi on a free 127.0.0.1 port. The load generator shares the
  machine with the server, so it is kept cheap: asyncio, raw HTTP/1.1 over asyncio streams,
  request bytes built before the run, and each of the N clients sends one request at a time
  (closed loop) until the deadline, reusing its connection whenever the server keeps it open.
  Each phase starts with a short warm-up whose answers are not counted. Worker RSS is sampled
  every 0.5 s from /proc/<pid>/status (workers are the children of the gunicorn master).

Exit status: 0 when the measurement completed (whatever the targets say); 1 when rows were lost,
numbers were duplicated or a phase got no 201 at all; 2 when the set-up or the server failed.

Usage: .venv/bin/python bench/intake.py [--seconds 30] [--clients 32] [--workers 4]
                                        [--database-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from common import (  # bench/common.py: the script's own folder is first on sys.path
    CONNECTION_ERRORS,
    HOST,
    OUT_DIR,
    BackendSampler,
    Connection,
    SetupError,
    count_rows,
    cpu_shares,
    cpu_snapshot,
    database_drop,
    database_open,
    exit_on_sigterm,
    fmt,
    free_port,
    log_tail,
    logger,
    percentile,
    phase_args,
    product_env,
    qorgau,
    raw_request,
    server_start,
    server_stop,
    server_wait,
    worker_pids,
)

# `--database-url` may also name localhost (audit.py and delivery.py take 127.0.0.1 only).
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_LOG = OUT_DIR / "intake-gunicorn.log"
DB_NAME = "qorgau_bench"
SAMPLE_EVERY = 0.5
TARGET_RATIO = 60.0
TARGET_P99_MS = 150.0
NOISY_OTHER_CPU = 20.0  # % of one core used by other processes: the machine was not quiet

REGIONS = ("almaty", "astana", "shymkent", "karaganda", "turkistan")
NAMES = {
    "kk": ("Айгүл Серікова", "Ерлан Жұмабаев", "Динара Әбілқызы", "Нұрлан Оспанов"),
    "ru": ("Ольга Ким", "Сергей Петров", "Асель Нурланова", "Марина Ли"),
}
SUMMARIES = {
    "kk": ("Мектепте қорлау", "Отбасындағы зорлық", "Алимент төленбейді"),
    "ru": ("Травля в школе", "Насилие в семье", "Не платят алименты"),
}
CREATE_USER = (
    "import secrets\n"
    "from qorgau.staff.models import User\n"
    "if not User.objects.filter(username='bench').exists():\n"
    "    User.objects.create_user('bench', password=secrets.token_urlsafe(16), role='consultant')\n"
)


# --- request bodies ------------------------------------------------------------------------


def appeal_body(rng: random.Random) -> dict[str, Any]:
    language = rng.choice(("kk", "ru"))
    phone = (
        f"+7 70{rng.randint(0, 8)} {rng.randint(0, 999):03d} "
        f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    )
    return {
        "channel": "phone",
        "language": language,
        "applicant": {
            "kind": "individual",
            "name": rng.choice(NAMES[language]),
            "iin": "900101300027",
            "phone": phone,
            "email": f"caller{rng.randint(1, 99999)}@example.kz",
            "address": f"Алматы қ., Абай даңғылы, {rng.randint(1, 200)}",
        },
        "persons": [{"kind": "child", "age": rng.randint(1, 17)}],
        "region": rng.choice(REGIONS),
        "direction": rng.randint(1, 13),
        "summary": rng.choice(SUMMARIES[language]),
        "description": "Баласын сыныптастары ұрады.",
        "urgency": "normal",
        "risk_flags": [],
        "help_given": ["information"],
    }


# --- load -----------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)  # of the 201s
    numbers: list[str] = field(default_factory=list)  # appeal numbers answered with 201
    connections: int = 0


async def client(
    port: int,
    requests: list[bytes],
    offset: int,
    deadline: float,
    timeout: float,
    result: LoadResult,
    want_number: bool,
) -> None:
    conn = Connection(port)
    i = offset
    try:
        while time.monotonic() < deadline:
            request = requests[i % len(requests)]
            i += 1
            start = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    status, body = await conn.exchange(request)
            except TimeoutError:
                result.outcomes["timeout"] += 1
                conn.close()
                continue
            except CONNECTION_ERRORS:
                result.outcomes["connection error"] += 1
                conn.close()
                await asyncio.sleep(0.1)  # do not spin if the server is gone
                continue
            elapsed_ms = (time.perf_counter() - start) * 1000.0
            result.outcomes[str(status)] += 1
            if status == 201:
                result.latencies_ms.append(elapsed_ms)
                if want_number:
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        result.numbers.append(str(json.loads(body)["number"]))
    finally:
        conn.close()
        result.connections += conn.opened


async def run_load(
    port: int,
    requests: list[bytes],
    clients: int,
    seconds: float,
    timeout: float,
    want_number: bool,
) -> LoadResult:
    result = LoadResult()
    start = time.monotonic()
    deadline = start + seconds
    tasks = [
        client(port, requests, k * 97, deadline, timeout, result, want_number)
        for k in range(clients)
    ]
    async with asyncio.timeout(seconds + timeout + 10):
        await asyncio.gather(*tasks)
    result.seconds = time.monotonic() - start
    return result


# --- /proc: worker RSS ----------------------------------------------------------------------------


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB, or (0, 0) if the process is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


class RssSampler:
    """Peak RSS of each gunicorn worker, sampled every 0.5 s while a phase runs."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.peak_rss_kb: dict[int, int] = {}
        self.hwm_kb: dict[int, int] = {}

    def sample(self) -> None:
        for pid in worker_pids(self.master):
            rss, hwm = memory_kb(pid)
            if rss:
                self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), rss)
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), hwm)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)
        self.sample()


# --- database --------------------------------------------------------------------------------


def duplicate_numbers(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url, connect_timeout=10) as conn:
        rows = conn.execute(
            "SELECT number, count(*) FROM appeals_appeal GROUP BY number HAVING count(*) > 1"
        ).fetchall()
    return [(str(n), int(c)) for n, c in rows]


def numbers_found(url: str, numbers: list[str]) -> int:
    with psycopg.connect(url, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT number) FROM appeals_appeal WHERE number = ANY(%s)", [numbers]
        ).fetchone()
    return int(row[0]) if row else 0


log = logger("intake")


# --- phases and report -----------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    path: str
    table: str
    requests_per_s: float = 0.0
    created: int = 0
    seconds: float = 0.0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    errors: int = 0
    error_breakdown: dict[str, int] = field(default_factory=dict)
    connections_opened: int = 0
    workers_seen: int = 0
    rss_peak_max_mb: float = 0.0
    rss_peak_mean_mb: float = 0.0
    hwm_max_mb: float = 0.0
    rows: int = 0
    lost: int = 0
    duplicate_numbers_answered: int = 0
    answered_numbers_missing: int = 0
    duplicate_numbers_in_table: list[tuple[str, int]] = field(default_factory=list)
    cpu_percent: dict[str, float] = field(default_factory=dict)
    pg_backend_states_percent: dict[str, float] = field(default_factory=dict)


async def run_phase(
    phase: Phase,
    args: argparse.Namespace,
    port: int,
    token: str,
    master: int,
    database_url: str,
) -> None:
    rng = random.Random(f"{phase.name}-{os.getpid()}")
    bodies = (
        [appeal_body(rng) for _ in range(1024)] if phase.name == "registration" else [{"note": "x"}]
    )
    requests = [raw_request(port, "POST", phase.path, token, b) for b in bodies]
    registration = phase.name == "registration"
    if args.warmup > 0:
        log(f"{phase.name}: warm-up {args.warmup:g} s")
        await run_load(port, requests, args.clients, args.warmup, args.timeout, False)
    rows_before = count_rows(database_url, phase.table)
    log(f"{phase.name}: {args.seconds:g} s with {args.clients} clients")
    sampler, waits = RssSampler(master), BackendSampler(database_url)
    stop = asyncio.Event()
    sampling = [asyncio.create_task(sampler.run(stop)), asyncio.create_task(waits.run(stop))]
    before = cpu_snapshot()
    try:
        result = await run_load(
            port, requests, args.clients, args.seconds, args.timeout, registration
        )
    finally:
        after = cpu_snapshot()
        stop.set()
        await asyncio.gather(*sampling)
    phase.rows = count_rows(database_url, phase.table) - rows_before
    phase.cpu_percent = cpu_shares(before, after, master)
    phase.pg_backend_states_percent = waits.shares()

    phase.seconds = result.seconds
    phase.created = result.outcomes.get("201", 0)
    phase.requests_per_s = phase.created / result.seconds if result.seconds else 0.0
    ordered = sorted(result.latencies_ms)
    phase.p50_ms, phase.p95_ms, phase.p99_ms = (percentile(ordered, p) for p in (50, 95, 99))
    phase.max_ms = ordered[-1] if ordered else math.nan
    phase.error_breakdown = {k: v for k, v in sorted(result.outcomes.items()) if k != "201"}
    phase.errors = sum(phase.error_breakdown.values())
    phase.connections_opened = result.connections
    peaks = [kb / 1024.0 for kb in sampler.peak_rss_kb.values()]
    phase.workers_seen = len(peaks)
    phase.rss_peak_max_mb = max(peaks, default=0.0)
    phase.rss_peak_mean_mb = sum(peaks) / len(peaks) if peaks else 0.0
    phase.hwm_max_mb = max(sampler.hwm_kb.values(), default=0) / 1024.0
    phase.lost = phase.created - phase.rows
    if registration:
        phase.duplicate_numbers_answered = len(result.numbers) - len(set(result.numbers))
        found = numbers_found(database_url, sorted(set(result.numbers)))
        phase.answered_numbers_missing = len(set(result.numbers)) - found
        phase.duplicate_numbers_in_table = duplicate_numbers(database_url)


def print_report(phases: list[Phase], args: argparse.Namespace) -> dict[str, Any]:
    reg, floor = phases
    ratio = 100.0 * reg.requests_per_s / floor.requests_per_s if floor.requests_per_s else 0.0
    ratio_ok = ratio >= TARGET_RATIO
    p99_ok = not math.isnan(reg.p99_ms) and reg.p99_ms <= TARGET_P99_MS

    def breakdown(p: Phase) -> str:
        return ", ".join(f"{k}: {v}" for k, v in p.error_breakdown.items()) or "-"

    def cpu(p: Phase) -> str:
        c = p.cpu_percent
        return (
            f"{c['gunicorn']:.0f} / {c['postgres']:.0f} / {c['load generator']:.0f} / "
            f"{c['other']:.0f} / {c['idle']:.0f}"
        )

    rows: list[tuple[str, str, str]] = [
        (
            "requests/s (201s per second)",
            f"{reg.requests_per_s:.1f}",
            f"{floor.requests_per_s:.1f}",
        ),
        (
            "201s / seconds measured",
            f"{reg.created} / {reg.seconds:.1f}",
            f"{floor.created} / {floor.seconds:.1f}",
        ),
        ("latency p50 (ms)", fmt(reg.p50_ms), fmt(floor.p50_ms)),
        ("latency p95 (ms)", fmt(reg.p95_ms), fmt(floor.p95_ms)),
        ("latency p99 (ms)", fmt(reg.p99_ms), fmt(floor.p99_ms)),
        ("latency max (ms)", fmt(reg.max_ms), fmt(floor.max_ms)),
        ("errors (non-201)", str(reg.errors), str(floor.errors)),
        ("  by status", breakdown(reg), breakdown(floor)),
        ("connections opened", str(reg.connections_opened), str(floor.connections_opened)),
        (
            "peak RSS per worker, max (MB)",
            f"{reg.rss_peak_max_mb:.1f}",
            f"{floor.rss_peak_max_mb:.1f}",
        ),
        (
            "peak RSS per worker, mean (MB)",
            f"{reg.rss_peak_mean_mb:.1f}",
            f"{floor.rss_peak_mean_mb:.1f}",
        ),
        ("workers sampled", str(reg.workers_seen), str(floor.workers_seen)),
        ("rows counted / 201s", f"{reg.rows} / {reg.created}", f"{floor.rows} / {floor.created}"),
        ("lost (201s - rows)", str(reg.lost), str(floor.lost)),
        (
            "duplicate numbers (table/answers)",
            f"{len(reg.duplicate_numbers_in_table)} / {reg.duplicate_numbers_answered}",
            "n/a",
        ),
        ("answered numbers not in table", str(reg.answered_numbers_missing), "n/a"),
        ("CPU % gunicorn/pg/loadgen/other/idle", cpu(reg), cpu(floor)),
    ]
    width = max(len(r[0]) for r in rows) + 2
    col = max(14, *(len(r[1]) + 2 for r in rows))
    capacity = reg.cpu_percent.get("capacity", 0.0)
    print()
    print(
        f"Qorgau intake benchmark: {args.seconds:g} s per phase, {args.clients} clients, "
        f"{args.workers} gunicorn workers, {os.cpu_count()} CPUs "
        f"(CPU in % of one core, {capacity:.0f} % in all)"
    )
    print(f"{'':<{width}}{'registration':>{col}}  {'floor':<}")
    print("-" * (width + col + 16))
    for label, a, b in rows:
        print(f"{label:<{width}}{a:>{col}}  {b}")
    print("-" * (width + col + 16))
    print(f"registration / floor: {ratio:.1f} %")
    print(
        f"target registration ≥ {TARGET_RATIO:.0f} % of floor: "
        f"{'PASS' if ratio_ok else 'FAIL'} ({ratio:.1f} %)"
    )
    print(
        f"target p99 ≤ {TARGET_P99_MS:.0f} ms (registration): "
        f"{'PASS' if p99_ok else 'FAIL'} ({fmt(reg.p99_ms)} ms)"
    )
    for p in phases:
        states = ", ".join(f"{k} {v:.0f} %" for k, v in p.pg_backend_states_percent.items())
        print(f"PostgreSQL backends, {p.name} (share of samples): {states or '-'}")
    for p in phases:
        if (other := p.cpu_percent.get("other", 0.0)) > NOISY_OTHER_CPU:
            print(
                f"WARNING: {other:.0f} % CPU went to other processes during {p.name}: the "
                "machine was not quiet, so these figures understate the product."
            )
    return {
        "seconds": args.seconds,
        "clients": args.clients,
        "workers": args.workers,
        "warmup_seconds": args.warmup,
        "cpus": os.cpu_count(),
        "phases": {p.name: asdict(p) for p in phases},
        "ratio_percent": ratio,
        "targets": {
            "registration_vs_floor_percent": {"target": TARGET_RATIO, "pass": ratio_ok},
            "registration_p99_ms": {"target": TARGET_P99_MS, "pass": p99_ok},
        },
    }


async def benchmark(
    args: argparse.Namespace,
    port: int,
    token: str,
    master: int,
    database_url: str,
) -> list[Phase]:
    phases = [
        Phase("registration", "/api/v1/appeals", "appeals_appeal"),
        Phase("floor", "/api/v1/bench/floor", "core_floorrow"),
    ]
    for phase in phases:
        await run_phase(phase, args, port, token, master, database_url)
    return phases


def parse_args() -> argparse.Namespace:
    return phase_args(__doc__ or "", DB_NAME, clients=32)


def main() -> int:
    args = parse_args()
    exit_on_sigterm()  # the finally blocks stop gunicorn and drop the database
    var_dir = Path(tempfile.mkdtemp(prefix="qorgau-bench-"))
    created_database = False
    server: subprocess.Popen[bytes] | None = None
    try:
        database_url, created_database = database_open(DB_NAME, args.database_url, log, LOCAL_HOSTS)
        env = product_env(
            database_url,
            var_dir,
            QORGAU_BENCH_FLOOR="1",
            QORGAU_ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        log("migrating")
        qorgau(env, "migrate", "--noinput", "-v", "0")
        qorgau(env, "shell", "-c", CREATE_USER, timeout=120)
        lines = qorgau(env, "token", "bench", timeout=120).strip().splitlines()
        if not lines:
            raise SetupError("`qorgau token bench` printed no token")
        token = lines[-1].strip()
        port = free_port()
        log(f"starting gunicorn on {HOST}:{port} with {args.workers} workers (log: {SERVER_LOG})")
        server = server_start(env, port, args.workers, SERVER_LOG)
        server_wait(server, port, args.workers, limit=90, log_path=SERVER_LOG)
        phases = asyncio.run(benchmark(args, port, token, server.pid, database_url))
        if server.poll() is not None:
            raise SetupError(f"gunicorn exited during the run ({server.returncode})")
    except (SetupError, psycopg.Error) as exc:
        log(f"FAILED: {exc}")
        if server is not None and (tail := log_tail(SERVER_LOG)):
            log(f"last lines of {SERVER_LOG}:\n{tail}")
        return 2
    finally:
        if server is not None:
            server_stop(server)
        if created_database:
            with contextlib.suppress(psycopg.Error):
                database_drop(DB_NAME)
                log(f"dropped database {DB_NAME}")
        shutil.rmtree(var_dir, ignore_errors=True)

    figures = print_report(phases, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    broken = [f"{p.name}: {p.lost} rows lost" for p in phases if p.lost > 0] + [
        f"{p.name}: no 201 at all" for p in phases if p.created == 0
    ]
    reg = phases[0]
    if reg.duplicate_numbers_in_table or reg.duplicate_numbers_answered:
        broken.append("registration: duplicate appeal numbers")
    if reg.answered_numbers_missing:
        broken.append(f"registration: {reg.answered_numbers_missing} answered numbers not stored")
    if any(p.errors for p in phases) and (tail := log_tail(SERVER_LOG)):
        print(f"\nnon-201 answers; last lines of {SERVER_LOG}:\n{tail}")
    for problem in broken:
        print(f"BROKEN: {problem}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
