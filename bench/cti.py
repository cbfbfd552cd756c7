"""CTI benchmark: how fast Qorgau takes in the phone system's call events, compared with the
cheapest possible write.

What it measures
  Two phases against one gunicorn server (same workers, same client count, same duration):
  1. cti: each of N clients plays whole calls, one request at a time (closed loop), until the
     deadline (a call begun before it is finished): POST /api/v1/cti/events with new_call,
     answer and hangup, realistic fields (a Kazakh mobile or a withheld number, line kk or ru,
     a consultant's extension, virtual timestamps with a wait and a talk) and a fresh call id;
  2. floor: POST /api/v1/bench/floor, exactly as in intake.py (user token, one insert).
  For each phase: accepted answers per second (202s for cti, 201s for the floor), p50/p95/p99/max
  latency of those, other answers by status, CPU used by gunicorn / PostgreSQL / this load
  generator / the rest / idle, and what the PostgreSQL backends were doing. For cti also the
  latency per event kind and, after the phase, three checks against the database: CallEvent
  rows gained == 202s that said duplicate false; Call rows gained == calls whose new_call got a
  202; every call whose hangup got a 202 is in state "ended".
  Targets: cti events/s >= 80 % of the floor's rate, and cti p99 <= 100 ms.

How
  As intake.py: a fresh PostgreSQL database (qorgau_bench_cti on 127.0.0.1, dropped at the
  end), migrated with fresh random secrets; `qorgau shell` creates four consultants with the
  extensions 101-104, a user `bench`, and registers a phone system (its token printed once);
  `qorgau token bench` gives the floor's token; gunicorn serves qorgau.wsgi with
  QORGAU_BENCH_FLOOR=1. The load generator is asyncio with raw HTTP/1.1 (bench/common.py), one
  keep-alive connection per client when the server keeps it open. Each phase starts with an
  uncounted warm-up; rows are counted as differences, so the warm-up does not disturb the checks.

Exit status: 0 when the measurement completed (whatever the targets say); 1 when a check failed
(rows lost or extra, a call not ended) or a phase got no accepted answer at all; 2 when the
set-up or the server failed.

Clients: 8 by default (intake.py: 32). Eight closed-loop clients already keep the 4 workers on
2 cores busy (the rate is the same as with 32), and latency is then what an event waits behind
the others, not 32 ÷ throughput; a real phone system sends a few events per second.

Usage: .venv/bin/python bench/cti.py [--seconds 30] [--clients 8] [--workers 4]
                                     [--database-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
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
    database_drop_logged,
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
)

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_LOG = OUT_DIR / "cti-gunicorn.log"
DB_NAME = "qorgau_bench_cti"
TARGET_RATIO = 80.0
TARGET_P99_MS = 100.0
NOISY_OTHER_CPU = 20.0  # % of one core used by other processes: the machine was not quiet
EVENTS_PATH = "/api/v1/cti/events"
FLOOR_PATH = "/api/v1/bench/floor"
KINDS = ("new_call", "answer", "hangup")
EXTENSIONS = ("101", "102", "103", "104")
MOBILE_PREFIXES = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778")
KZ = timezone(timedelta(hours=5))
# Run by `qorgau shell -c`: consultants at the extensions (so that an answer finds its
# consultant, as in production), the floor's user, and the phone system; prints "<id> <token>".
SETUP = f"""
import secrets
from qorgau.calls.auth import phone_system_register
from qorgau.staff.models import User
for name, extension in [("bench", ""), *((f"consultant{{e}}", e) for e in {EXTENSIONS!r})]:
    if not User.objects.filter(username=name).exists():
        User.objects.create_user(
            name, password=secrets.token_urlsafe(16), role="consultant", extension=extension
        )
system, token = phone_system_register(name="bench PBX " + secrets.token_hex(4))
print(system.pk, token)
"""

log = logger("cti")


# --- calls -----------------------------------------------------------------------------------


class Calls:
    """A client's calls: each is (call id, [(event kind, request bytes)]) for new_call, answer
    and hangup, with realistic fields and timestamps that advance like a real queue's."""

    def __init__(self, port: int, token: str, seed: str) -> None:
        self.port, self.token = port, token
        self.rng = random.Random(seed)
        self.clock = datetime.now(KZ)

    def caller(self) -> str:
        if self.rng.random() < 0.10:
            return "anonymous"
        return f"+7{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randint(0, 9_999_999):07d}"

    def next_call(self) -> tuple[str, list[tuple[str, bytes]]]:
        rng = self.rng
        call_id = f"bench-{uuid.uuid4().hex}"
        self.clock += timedelta(seconds=rng.expovariate(1.0 / 30.0))  # the next caller
        wait = timedelta(seconds=min(rng.expovariate(1.0 / 20.0), 600.0))
        talk = timedelta(seconds=min(max(rng.gammavariate(2.0, 120.0), 15.0), 1800.0))
        common = {
            "call_id": call_id,
            "direction": "inbound",
            "caller": self.caller(),
            "called": "111",
            "line": "kk" if rng.random() < 0.6 else "ru",
        }
        extension = rng.choice(EXTENSIONS)
        events = [
            ("new_call", self.clock, {}),
            ("answer", self.clock + wait, {"extension": extension}),
            ("hangup", self.clock + wait + talk, {"extension": extension, "cause": "normal"}),
        ]
        requests = [
            (
                kind,
                self.request(
                    {
                        "event_id": f"{call_id}-{kind}",
                        "event": kind,
                        **common,
                        "at": at.isoformat(timespec="milliseconds"),
                        **extra,
                    }
                ),
            )
            for kind, at, extra in events
        ]
        return call_id, requests

    def request(self, body: dict[str, Any]) -> bytes:
        return raw_request(self.port, "POST", EVENTS_PATH, self.token, body)


# --- load ------------------------------------------------------------------------------------


@dataclass
class Load:
    """What the clients of one phase saw."""

    accepted_status: int
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)  # of the accepted answers
    by_kind_ms: dict[str, list[float]] = field(default_factory=dict)
    calls_started: int = 0  # new_call sent
    calls_created: int = 0  # new_call answered 202
    fresh: int = 0  # 202s with duplicate false
    duplicates: int = 0
    hung_up: list[str] = field(default_factory=list)  # calls whose hangup got a 202
    connections: int = 0


async def timed(
    conn: Connection, request: bytes, timeout: float, load: Load
) -> tuple[int, bytes, float] | None:
    """(status, body, ms) of one exchange, or None when there was no answer (counted)."""
    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            status, body = await conn.exchange(request)
    except TimeoutError:
        load.outcomes["timeout"] += 1
        conn.close()
        return None
    except CONNECTION_ERRORS:
        load.outcomes["connection error"] += 1
        conn.close()
        await asyncio.sleep(0.1)  # do not spin if the server is gone
        return None
    elapsed_ms = (time.perf_counter() - start) * 1000.0
    load.outcomes[str(status)] += 1
    if status == load.accepted_status:
        load.latencies_ms.append(elapsed_ms)
    return status, body, elapsed_ms


def duplicate_said(body: bytes) -> bool | None:
    """The answer's `duplicate`, or None when the body is not the expected JSON."""
    try:
        value = json.loads(body).get("duplicate")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, bool) else None


async def play_call(conn: Connection, calls: Calls, timeout: float, load: Load) -> None:
    """One call's three events in order; a call whose new_call is not accepted ends there."""
    call_id, requests = calls.next_call()
    load.calls_started += 1
    for kind, request in requests:
        answer = await timed(conn, request, timeout, load)
        if answer is None or answer[0] != 202:
            if kind == "new_call":
                return
            continue
        load.by_kind_ms.setdefault(kind, []).append(answer[2])
        if duplicate_said(answer[1]) is False:
            load.fresh += 1
        else:
            load.duplicates += 1
        if kind == "new_call":
            load.calls_created += 1
        elif kind == "hangup":
            load.hung_up.append(call_id)


async def cti_client(calls: Calls, deadline: float, timeout: float, load: Load) -> None:
    conn = Connection(calls.port)
    try:
        while time.monotonic() < deadline:
            await play_call(conn, calls, timeout, load)
    finally:
        conn.close()
        load.connections += conn.opened


async def floor_client(
    port: int, request: bytes, deadline: float, timeout: float, load: Load
) -> None:
    conn = Connection(port)
    try:
        while time.monotonic() < deadline:
            await timed(conn, request, timeout, load)
    finally:
        conn.close()
        load.connections += conn.opened


Client = Callable[[int, float, Load], Awaitable[None]]  # (client number, deadline, load)


async def run_load(client: Client, clients: int, seconds: float, timeout: float, ok: int) -> Load:
    load = Load(accepted_status=ok)
    start = time.monotonic()
    async with asyncio.timeout(seconds + len(KINDS) * timeout + 10):  # a call begun goes on
        await asyncio.gather(*(client(k, start + seconds, load) for k in range(clients)))
    load.seconds = time.monotonic() - start
    return load


# --- phases ----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    accepted_per_s: float = 0.0
    accepted: int = 0
    seconds: float = 0.0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    by_kind_p50_p99_ms: dict[str, tuple[float, float]] = field(default_factory=dict)
    errors: int = 0
    error_breakdown: dict[str, int] = field(default_factory=dict)
    connections_opened: int = 0
    cpu_percent: dict[str, float] = field(default_factory=dict)
    pg_backend_states_percent: dict[str, float] = field(default_factory=dict)
    calls_started: int = 0
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (found, expected)

    def summarise(self, load: Load) -> None:
        ok = str(load.accepted_status)
        self.seconds = load.seconds
        self.accepted = load.outcomes.get(ok, 0)
        self.accepted_per_s = self.accepted / load.seconds if load.seconds else 0.0
        ordered = sorted(load.latencies_ms)
        self.p50_ms, self.p95_ms, self.p99_ms = (percentile(ordered, p) for p in (50, 95, 99))
        self.max_ms = ordered[-1] if ordered else math.nan
        for kind in KINDS:
            times = sorted(load.by_kind_ms.get(kind, []))
            self.by_kind_p50_p99_ms[kind] = (percentile(times, 50), percentile(times, 99))
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
class Server:
    port: int
    master: int
    database_url: str
    system_id: int
    pbx_token: str
    user_token: str


async def measured(
    phase: Phase,
    server: Server,
    args: argparse.Namespace,
    client: Client,
    ok: int,
    tables: tuple[str, ...],
) -> tuple[Load, dict[str, int]]:
    """Warm-up, then the phase itself with CPU and backend sampling. Returns what the clients
    saw and the rows each of `tables` gained during the phase (not the warm-up)."""
    if args.warmup > 0:
        log(f"{phase.name}: warm-up {args.warmup:g} s")
        await run_load(client, args.clients, args.warmup, args.timeout, ok)
    before = {table: count_rows(server.database_url, table) for table in tables}
    log(f"{phase.name}: {args.seconds:g} s with {args.clients} clients")
    backends, stop = BackendSampler(server.database_url), asyncio.Event()
    sampling = asyncio.create_task(backends.run(stop))
    cpu_before = cpu_snapshot()
    try:
        load = await run_load(client, args.clients, args.seconds, args.timeout, ok)
    finally:
        cpu_after = cpu_snapshot()
        stop.set()
        await sampling
    phase.summarise(load)
    phase.cpu_percent = cpu_shares(cpu_before, cpu_after, server.master)
    phase.pg_backend_states_percent = backends.shares()
    gained = {t: count_rows(server.database_url, t) - n for t, n in before.items()}
    return load, gained


async def cti_phase(server: Server, args: argparse.Namespace) -> Phase:
    phase = Phase("cti")
    seed = f"cti-{os.getpid()}"
    calls = [Calls(server.port, server.pbx_token, f"{seed}-{k}") for k in range(args.clients)]

    async def client(k: int, deadline: float, load: Load) -> None:
        await cti_client(calls[k], deadline, args.timeout, load)

    tables = ("calls_callevent", "calls_call")
    load, gained = await measured(phase, server, args, client, 202, tables)
    phase.checks = {
        "CallEvent rows gained / 202s not duplicate": (gained["calls_callevent"], load.fresh),
        "Call rows gained / new_call 202s": (gained["calls_call"], load.calls_created),
        "calls ended / hangup 202s": (calls_ended(server, load.hung_up), len(load.hung_up)),
        "202s saying duplicate / expected": (load.duplicates, 0),
    }
    phase.calls_started = load.calls_started
    return phase


def calls_ended(server: Server, call_ids: list[str]) -> int:
    """How many of these calls of the benchmark's phone system are in state "ended"."""
    with psycopg.connect(server.database_url, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT count(*) FROM calls_call WHERE phone_system_id = %s AND state = 'ended' "
            "AND call_id = ANY(%s)",
            [server.system_id, call_ids],
        ).fetchone()
    return int(row[0]) if row else 0


async def floor_phase(server: Server, args: argparse.Namespace) -> Phase:
    phase = Phase("floor")
    request = raw_request(server.port, "POST", FLOOR_PATH, server.user_token, {"note": "x"})

    async def client(k: int, deadline: float, load: Load) -> None:
        await floor_client(server.port, request, deadline, args.timeout, load)

    _, gained = await measured(phase, server, args, client, 201, ("core_floorrow",))
    phase.checks = {"floor rows gained / 201s": (gained["core_floorrow"], phase.accepted)}
    return phase


# --- report ----------------------------------------------------------------------------------


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def report_rows(cti: Phase, floor: Phase) -> list[tuple[str, str, str]]:
    def breakdown(p: Phase) -> str:
        return ", ".join(f"{k}: {v}" for k, v in p.error_breakdown.items()) or "-"

    def cpu(p: Phase) -> str:
        c = p.cpu_percent
        return " / ".join(
            f"{c[k]:.0f}" for k in ("gunicorn", "postgres", "load generator", "other", "idle")
        )

    rows = [
        (
            "accepted per second (202 / 201)",
            f"{cti.accepted_per_s:.1f}",
            f"{floor.accepted_per_s:.1f}",
        ),
        (
            "accepted / seconds measured",
            f"{cti.accepted} / {cti.seconds:.1f}",
            f"{floor.accepted} / {floor.seconds:.1f}",
        ),
        ("calls started", str(cti.calls_started), "n/a"),
        ("latency p50 (ms)", fmt(cti.p50_ms), fmt(floor.p50_ms)),
        ("latency p95 (ms)", fmt(cti.p95_ms), fmt(floor.p95_ms)),
        ("latency p99 (ms)", fmt(cti.p99_ms), fmt(floor.p99_ms)),
        ("latency max (ms)", fmt(cti.max_ms), fmt(floor.max_ms)),
    ]
    rows += [
        (f"  {kind} p50 / p99 (ms)", f"{fmt(p50)} / {fmt(p99)}", "n/a")
        for kind, (p50, p99) in cti.by_kind_p50_p99_ms.items()
    ]
    rows += [
        ("not accepted", str(cti.errors), str(floor.errors)),
        ("  by status", breakdown(cti), breakdown(floor)),
        ("connections opened", str(cti.connections_opened), str(floor.connections_opened)),
        ("CPU % gunicorn/pg/loadgen/other/idle", cpu(cti), cpu(floor)),
        ("CPU ms per accepted: gunicorn / pg", cpu_each(cti), cpu_each(floor)),
    ]
    return rows


def cpu_each(p: Phase) -> str:
    """CPU time per accepted request: unlike the rates, it hardly moves when other processes
    take CPU from the server."""
    if not p.accepted_per_s:
        return "-"
    ms = {k: 10.0 * p.cpu_percent[k] / p.accepted_per_s for k in ("gunicorn", "postgres")}
    return f"{ms['gunicorn']:.1f} / {ms['postgres']:.1f}"


def print_report(cti: Phase, floor: Phase, args: argparse.Namespace) -> dict[str, Any]:
    ratio = 100.0 * cti.accepted_per_s / floor.accepted_per_s if floor.accepted_per_s else 0.0
    ratio_ok = ratio >= TARGET_RATIO
    p99_ok = not math.isnan(cti.p99_ms) and cti.p99_ms <= TARGET_P99_MS
    rows = report_rows(cti, floor)
    width = max(len(r[0]) for r in rows) + 2
    col = max(14, *(len(r[1]) + 2 for r in rows))
    capacity = cti.cpu_percent.get("capacity", 0.0)
    print()
    print(
        f"Qorgau CTI benchmark: {args.seconds:g} s per phase, {args.clients} clients, "
        f"{args.workers} gunicorn workers, {os.cpu_count()} CPUs "
        f"(CPU in % of one core, {capacity:.0f} % in all)"
    )
    print(f"{'':<{width}}{'cti events':>{col}}  floor")
    print("-" * (width + col + 16))
    for label, a, b in rows:
        print(f"{label:<{width}}{a:>{col}}  {b}")
    print("-" * (width + col + 16))
    for p in (cti, floor):
        for name, (found, expected) in p.checks.items():
            verdict = "ok" if found == expected else "MISMATCH"
            print(f"check {p.name}: {name}: {found} / {expected} {verdict}")
    print(f"events/s ÷ floor/s: {ratio:.1f} %")
    print(f"target events/s ≥ {TARGET_RATIO:.0f} % of the floor: {met(ratio_ok)} ({ratio:.1f} %)")
    print(f"target p99 ≤ {TARGET_P99_MS:.0f} ms: {met(p99_ok)} ({fmt(cti.p99_ms)} ms)")
    for p in (cti, floor):
        states = ", ".join(f"{k} {v:.0f} %" for k, v in p.pg_backend_states_percent.items())
        print(f"PostgreSQL backends, {p.name} (share of samples): {states or '-'}")
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
        "phases": {p.name: asdict(p) for p in (cti, floor)},
        "ratio_percent": ratio,
        "targets": {
            "events_vs_floor_percent": {"target": TARGET_RATIO, "met": ratio_ok},
            "events_p99_ms": {"target": TARGET_P99_MS, "met": p99_ok},
        },
    }


# --- set-up ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    return phase_args(__doc__ or "", DB_NAME, clients=8)


def prepare(env: dict[str, str]) -> tuple[int, str, str]:
    """Migrate, create the users and the phone system: (system id, PBX token, user token)."""
    log("migrating")
    qorgau(env, "migrate", "--noinput", "-v", "0")
    lines = qorgau(env, "shell", "-c", SETUP, timeout=120).strip().splitlines()
    system_id, _, pbx_token = (lines[-1] if lines else "").partition(" ")
    if not system_id.isdigit() or not pbx_token:
        raise SetupError("registering the phone system printed no id and token")
    lines = qorgau(env, "token", "bench", timeout=120).strip().splitlines()
    if not lines:
        raise SetupError("`qorgau token bench` printed no token")
    return int(system_id), pbx_token.strip(), lines[-1].strip()


async def benchmark(server: Server, args: argparse.Namespace) -> tuple[Phase, Phase]:
    return await cti_phase(server, args), await floor_phase(server, args)


def run(args: argparse.Namespace, var_dir: Path) -> tuple[Phase, Phase]:
    """Set up, measure, clean up; SetupError or psycopg.Error when the set-up failed."""
    created_database = False
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        database_url, created_database = database_open(DB_NAME, args.database_url, log, LOCAL_HOSTS)
        env = product_env(
            database_url,
            var_dir,
            QORGAU_BENCH_FLOOR="1",
            QORGAU_ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        system_id, pbx_token, user_token = prepare(env)
        port = free_port()
        log(f"starting gunicorn on {HOST}:{port} with {args.workers} workers (log: {SERVER_LOG})")
        gunicorn = server_start(env, port, args.workers, SERVER_LOG)
        server_wait(gunicorn, port, args.workers, limit=90, log_path=SERVER_LOG)
        server = Server(port, gunicorn.pid, database_url, system_id, pbx_token, user_token)
        phases = asyncio.run(benchmark(server, args))
        if gunicorn.poll() is not None:
            raise SetupError(f"gunicorn exited during the run ({gunicorn.returncode})")
        return phases
    except (SetupError, psycopg.Error):
        if gunicorn is not None and (tail := log_tail(SERVER_LOG)):
            log(f"last lines of {SERVER_LOG}:\n{tail}")
        raise
    finally:
        if gunicorn is not None:
            server_stop(gunicorn)
        if created_database:
            database_drop_logged(DB_NAME, log)


def main() -> int:
    args = parse_args()
    exit_on_sigterm()  # the finally blocks stop gunicorn and drop the database
    var_dir = Path(tempfile.mkdtemp(prefix="qorgau-bench-cti-"))
    try:
        cti, floor = run(args, var_dir)
    except (SetupError, psycopg.Error) as exc:
        log(f"FAILED: {exc}")
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    figures = print_report(cti, floor, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    broken = cti.failed_checks + floor.failed_checks
    broken += [f"{p.name}: nothing accepted" for p in (cti, floor) if p.accepted == 0]
    if (cti.errors or floor.errors) and (tail := log_tail(SERVER_LOG)):
        print(f"\nanswers not accepted; last lines of {SERVER_LOG}:\n{tail}")
    for problem in broken:
        print(f"BROKEN: {problem}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
