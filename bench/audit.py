"""Audit-chain benchmark: do the 32 audit chains keep writers from queueing on one lock?

What it measures
  Every action ends its transaction with `audit_record`, which locks the head row of one of 32
  hash chains (`SELECT ... FOR UPDATE` on AuditChainHead) until commit; the chain follows from
  the object (CRC32 of "appeal:<number>" mod 32). The claim (docs/architecture/audit.md) is that
  this does not serialise all writers of the system. This script puts the same load on two
  set-ups and compares them:
  1. "32 chains": the product as it is;
  2. "1 chain (baseline)": the same code with `qorgau.audit.actions.chain_for` patched to
     always return 0 in every writer, so all writers queue on one head: the design the product
     avoids.
  In each phase N writer processes (own Django set-up, own database connection) loop flat out,
  no think time, for the same number of seconds; one transaction is one FloorRow insert (the
  bench-only floor app's table, a stand-in for the action's own write) followed by
  `audit_record` for a new appeal number.
  Reported per phase: commits per second, p50/p95/p99/max latency of a whole transaction
  (including COMMIT), rolled-back transactions, how many writers PostgreSQL showed waiting on a
  lock (pg_stat_activity sampled every 0.1 s), how many chains the new records went into, audit
  rows gained against commits, and CPU used by the writers / their backends / everything else.
  After each phase `audit_verify()` walks every chain: records checked, broken links (must be
  none). Records are kept between phases: the chains simply continue.

How
  A fresh database qorgau_bench_audit on 127.0.0.1 (trust auth, user postgres) is created,
  migrated with bench.settings (the product's and the floor's tables) and fresh random secrets,
  and dropped at the end, also on errors and Ctrl-C. Every
  writer does one uncounted warm-up transaction, then all start together at a barrier. The
  baseline runs first, so whatever the grown tables cost falls on the product's phase.

Exit status: 0 when both phases were measured and verify found the chains intact; 1 when verify
found a broken link or audit rows do not match the commits; 2 when the set-up failed (database,
migrate, a writer that did not start or crashed, a phase without a single commit).

Usage: .venv/bin/python -m bench.audit [--seconds 10] [--writers 16] [--database-url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.harness.machine import cpu_shares, cpu_snapshot, pid_in
from bench.harness.postgres import BackendSampler, number, rows
from bench.harness.report import Row, fmt, latency, noisy, print_table
from bench.harness.setup import (
    BENCH_SETTINGS,
    HOST,
    SetupError,
    close_django_connections,
    django_database,
    django_setup,
    exit_on_sigterm,
    logger,
)

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier, Event

    from django.db.backends.base.base import BaseDatabaseWrapper

DB_NAME = "qorgau_bench_audit"
START_LIMIT = 180.0  # s for every writer to set up Django and reach the barrier
FINISH_GRACE = 60.0  # s after the end of a phase for the results to arrive
SAMPLE_EVERY = 0.1  # s between pg_stat_activity samples
NOISY_OTHER_CPU = 25.0  # % of one core used outside the writers and their backends
# A writer whose statement waits this long is stuck, not slow: its transaction is rolled back
# and counted as failed, so a phase always ends.
SESSION_LIMITS = "SET statement_timeout = '20s'"


@dataclass(frozen=True)
class PhaseSpec:
    key: str
    title: str
    single_chain: bool
    tag: int  # goes into the appeal numbers, so that the two phases write different appeals


PHASES = (
    PhaseSpec("baseline", "1 chain (baseline)", single_chain=True, tag=1),
    PhaseSpec("product", "32 chains", single_chain=False, tag=2),
)


log = logger("audit")


# --- database --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableState:
    audit_max_id: int
    audit_rows: int
    floor_rows: int


def table_state(url: str) -> TableState:
    (found,) = rows(
        url,
        "SELECT (SELECT coalesce(max(id), 0) FROM audit_auditrecord),"
        " (SELECT count(*) FROM audit_auditrecord),"
        " (SELECT count(*) FROM bench_floor_floorrow)",
    )
    return TableState(int(found[0]), int(found[1]), int(found[2]))


def chains_written(url: str, after_id: int) -> int:
    query = "SELECT count(DISTINCT chain) FROM audit_auditrecord WHERE id > %s"
    return number(url, query, [after_id])


# --- writer processes ------------------------------------------------------------------------


@dataclass
class WriterResult:
    index: int
    pid: int
    backend_pid: int = 0
    commits: int = 0
    failed: int = 0
    last_failure: str = ""
    seconds: float = 0.0
    latencies_s: array[float] = field(default_factory=lambda: array("d"))
    error: str = ""  # the writer itself failed: set-up or a non-database exception


def _chain_zero(object_type: str, object_ref: str) -> int:
    return 0


def _limit_session(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SESSION_LIMITS)


def writer(
    index: int,
    spec: PhaseSpec,
    seconds: float,
    barrier: Barrier,
    results: Queue[WriterResult],
    release: Event,
) -> None:
    """One writer process: set up Django, warm up, wait for the others, then write flat out."""
    result = WriterResult(index=index, pid=os.getpid())
    try:
        django_setup()
        from django.db import DatabaseError, connection, transaction
        from django.db.backends.signals import connection_created

        import qorgau.audit.actions as actions
        from bench.floor.models import FloorRow
        from qorgau.audit.events import AuditEvent

        if spec.single_chain:
            actions.chain_for = _chain_zero  # audit_record looks chain_for up at each call
        connection_created.connect(_limit_session)
        prefix = f"111-2026-{spec.tag}{index:02d}"

        def one_transaction(i: int) -> None:
            with transaction.atomic():
                FloorRow.objects.create(note="x")
                actions.audit_record(
                    actor=None,
                    action=AuditEvent.APPEAL_REGISTER,
                    object_type="appeal",
                    object_ref=f"{prefix}{i:05d}",
                    reason="bench",
                )

        one_transaction(0)  # warm-up: connection, statement paths, caches; not counted
        result.backend_pid = int(connection.connection.info.backend_pid)
        barrier.wait(START_LIMIT)

        latencies = result.latencies_s
        start = time.perf_counter()
        deadline = start + seconds
        i = 0
        while (began := time.perf_counter()) < deadline:
            i += 1
            try:
                one_transaction(i)
            except DatabaseError as exc:
                result.failed += 1
                result.last_failure = str(exc).strip()[:200]
                continue
            latencies.append(time.perf_counter() - began)
        result.seconds = time.perf_counter() - start
        result.commits = len(latencies)
    except BaseException as exc:
        barrier.abort()
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
    results.put(result)
    release.wait(FINISH_GRACE)  # keep the backend alive until the parent has read its CPU time


# --- phases ----------------------------------------------------------------------------------


@dataclass
class Phase:
    spec: PhaseSpec
    writers: int = 0
    commits: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    commits_per_s: float = 0.0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    lock_waiting: float = math.nan
    backends_seen: float = math.nan
    chains: int = 0
    audit_gained: int = 0
    floor_gained: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    verified: int = 0
    broken: list[str] = field(default_factory=list)

    @property
    def rows_match(self) -> bool:
        expected = self.commits + self.writers  # + one warm-up transaction per writer
        return self.audit_gained == expected and self.floor_gained == expected


def stop_processes(processes: list[SpawnProcess]) -> None:
    for p in processes:
        p.join(timeout=5)
    for p in processes:
        if p.is_alive():
            p.terminate()
            p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=5)


def collect(results: Queue[WriterResult], count: int, limit: float) -> list[WriterResult]:
    collected: list[WriterResult] = []
    deadline = time.monotonic() + limit
    while len(collected) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        with contextlib.suppress(queue.Empty):
            collected.append(results.get(timeout=remaining))
    return collected


def run_phase(spec: PhaseSpec, args: argparse.Namespace, url: str) -> Phase:
    from qorgau.audit.verify import audit_verify

    phase = Phase(spec, writers=args.writers)
    close_django_connections()  # the writers' backends are then the only clients besides ours
    before_rows = table_state(url)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(args.writers + 1)
    results: Queue[WriterResult] = ctx.Queue()
    release = ctx.Event()
    processes = [
        ctx.Process(
            target=writer,
            args=(k, spec, args.seconds, barrier, results, release),
            name=f"audit-writer-{k}",
            daemon=True,
        )
        for k in range(args.writers)
    ]
    log(f"{spec.title}: starting {args.writers} writer processes")
    sampler = BackendSampler(url, every=SAMPLE_EVERY)
    try:
        for p in processes:
            p.start()
        try:
            barrier.wait(START_LIMIT)
        except threading.BrokenBarrierError:
            errors = [r.error for r in collect(results, args.writers, 5.0) if r.error]
            raise SetupError(
                f"{spec.title}: writers did not all start: {errors[0] if errors else 'timeout'}"
            ) from None
        before_cpu = cpu_snapshot()
        sampler.start()
        log(f"{spec.title}: {args.seconds:g} s with {args.writers} writers")
        done = collect(results, args.writers, args.seconds + FINISH_GRACE)
        after_cpu = cpu_snapshot()
    finally:
        release.set()
        sampler.finish()
        stop_processes(processes)

    if len(done) < args.writers:
        raise SetupError(f"{spec.title}: only {len(done)} of {args.writers} writers reported")
    if errors := [r.error for r in done if r.error]:
        raise SetupError(f"{spec.title}: a writer failed: {errors[0]}")
    phase.commits = sum(len(r.latencies_s) for r in done)
    phase.failed = sum(r.failed for r in done)
    phase.failures = sorted({r.last_failure for r in done if r.last_failure})
    phase.seconds = max(r.seconds for r in done)
    phase.commits_per_s = phase.commits / phase.seconds if phase.seconds else 0.0
    times = latency((v for r in done for v in r.latencies_s), scale=1000.0)
    phase.p50_ms, phase.p95_ms, phase.p99_ms, phase.max_ms = (
        times.p50,
        times.p95,
        times.p99,
        times.max,
    )
    phase.lock_waiting, phase.backends_seen = sampler.mean_waiting_on_locks()
    if sampler.error:
        log(f"{spec.title}: lock sampling failed: {sampler.error}")
    groups = {
        "writers": pid_in({r.pid for r in done}),
        "backends": pid_in({r.backend_pid for r in done}),
    }
    phase.cpu = cpu_shares(before_cpu, after_cpu, groups)
    if phase.commits == 0:
        raise SetupError(f"{spec.title}: no transaction committed ({phase.failures[:1]})")

    after_rows = table_state(url)
    phase.audit_gained = after_rows.audit_rows - before_rows.audit_rows
    phase.floor_gained = after_rows.floor_rows - before_rows.floor_rows
    phase.chains = chains_written(url, before_rows.audit_max_id)
    log(f"{spec.title}: verifying the audit chains")
    checked, broken = audit_verify()
    phase.verified = checked
    phase.broken = [b.describe() for b in broken]
    close_django_connections()
    return phase


# --- report ----------------------------------------------------------------------------------


def print_report(phases: list[Phase], args: argparse.Namespace) -> None:
    by_key = {p.spec.key: p for p in phases}
    product, baseline = by_key["product"], by_key["baseline"]
    shown = [product, baseline]

    def cpu(p: Phase) -> str:
        c = p.cpu
        return f"{c['writers']:.0f} / {c['backends']:.0f} / {c['other']:.0f} / {c['idle']:.0f}"

    def verify(p: Phase) -> str:
        return f"{p.verified} checked, {len(p.broken)} broken"

    rows: list[Row] = [
        ("commits/s", [f"{p.commits_per_s:.1f}" for p in shown]),
        ("commits / seconds measured", [f"{p.commits} / {p.seconds:.2f}" for p in shown]),
        ("latency p50 (ms)", [fmt(p.p50_ms) for p in shown]),
        ("latency p95 (ms)", [fmt(p.p95_ms) for p in shown]),
        ("latency p99 (ms)", [fmt(p.p99_ms) for p in shown]),
        ("latency max (ms)", [fmt(p.max_ms) for p in shown]),
        ("failed (rolled back)", [str(p.failed) for p in shown]),
        (
            "writers waiting on a lock (mean)",
            [f"{fmt(p.lock_waiting, 2)} of {fmt(p.backends_seen, 1)}" for p in shown],
        ),
        ("chains the records went into", [str(p.chains) for p in shown]),
        (
            "audit rows gained / commits+warm-up",
            [f"{p.audit_gained} / {p.commits + p.writers}" for p in shown],
        ),
        ("CPU % writers/backends/other/idle", [cpu(p) for p in shown]),
        ("audit verify after the phase", [verify(p) for p in shown]),
    ]
    print()
    print(
        f"Qorgau audit-chain benchmark: {args.seconds:g} s per phase, {args.writers} writer "
        f"processes, {os.cpu_count()} CPUs (CPU in % of one core, "
        f"{100 * (os.cpu_count() or 1)} % in all; baseline ran first)"
    )
    print_table([p.spec.title for p in shown], rows)
    ratio = product.commits_per_s / baseline.commits_per_s if baseline.commits_per_s else math.nan
    print(f"throughput 32 chains / 1 chain: {fmt(ratio, 2)}x")
    if product.p99_ms and not math.isnan(product.p99_ms):
        print(f"p99 latency 1 chain / 32 chains: {fmt(baseline.p99_ms / product.p99_ms, 2)}x")
    last = phases[-1]
    broken = sorted({b for p in phases for b in p.broken})
    if broken:
        print(f"audit verify: BROKEN ({len(broken)} chains)")
        for b in broken:
            print(f"  {b}")
    else:
        print(f"audit verify: intact ({last.verified} records, no broken link)")
    for p in shown:
        if not p.rows_match:
            print(
                f"ERROR: {p.spec.title}: audit rows gained {p.audit_gained}, floor rows gained "
                f"{p.floor_gained}, committed {p.commits + p.writers}"
            )
        if p.failures:
            print(f"{p.spec.title}: failed transactions, e.g.: {p.failures[0]}")
        noisy(p.spec.title, p.cpu.get("other", 0.0), NOISY_OTHER_CPU)


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument(
        "--writers", type=int, default=16, help="concurrent writer processes (default 16)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help=(
            f"an existing database on {HOST} to use (migrated, not dropped; default: a fresh "
            f"{DB_NAME}, dropped at the end)"
        ),
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    if not 1 <= args.writers <= 64:
        parser.error("--writers must be in [1, 64] (PostgreSQL allows 100 connections)")
    return args


def main() -> int:
    args = parse_args()
    exit_on_sigterm()  # the finally blocks stop the writers and drop the database
    try:
        with django_database(DB_NAME, args.database_url, log, BENCH_SETTINGS) as url:
            phases = [run_phase(spec, args, url) for spec in PHASES]
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception as exc:
        log(f"FAILED: {type(exc).__name__}: {exc}")
        return 2
    print_report(phases, args)
    broken = any(p.broken for p in phases)
    return 1 if broken or not all(p.rows_match for p in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
