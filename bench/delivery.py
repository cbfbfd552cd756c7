"""Delivery benchmark: how fast the outbox drains a backlog of requests to agency webhooks, and how
soon an urgent request reaches its agency while it does.

What it measures
  10,000 requests (--requests) to 200 agencies (--agencies), 5 % of them urgent
  (--urgent-share), each agency with one webhook contact on a local receiver that answers 10 %
  of calls (--fail-ratio) with 503, at random (seeded). K outbox workers (`qorgau deliver`,
  --workers 2 processes x --threads 8) deliver them. Reported:
  - deliveries/s: requests received with a 200 / (last first-200 - start of the drain);
  - attempts: every POST that reached the receiver (503s included), and the attempt rows;
  - urgent latency, from commit to receipt: the first 200 for the request's idempotency key at
    the receiver minus the moment `request_send(...)` returned (its transaction has committed
    and its NOTIFY has been sent by then, so the figure errs short by that one round trip);
    p50/p95/p99/max, also for the urgent requests delivered at their first attempt only, and
    how many attempts the urgent ones needed;
  - normal requests' wait: first 200 minus the start of the drain (mean and max);
  - duplicates: 200s for a key that had already got one (a retry after a 503 is not one);
    lost: requests never answered with a 200 (both must be 0); also bad signatures
    (X-Qorgau-Signature checked with the agency's secret) and misrouted bodies;
  - failed attempts other than the receiver's 503s, by error;
  - CPU split (workers / PostgreSQL / receiver / this script / other / idle) up to 99 %
    delivered, what the PostgreSQL backends were doing (pg_stat_activity sampled every 0.2 s),
    and the kernel's TCP listen-queue overflows and SYN resends (a dropped SYN costs 1 s).
  Target: urgent p99 under 1 s while the backlog drains, on the 2-core machine.

How
  A fresh PostgreSQL database qorgau_bench_delivery on 127.0.0.1 (trust auth, user postgres) is
  created, migrated in this process with fresh random secrets, and dropped at the end, also on
  errors and Ctrl-C. Set-up: a consultant, --agencies central bodies (round the clock, one
  webhook contact `http://127.0.0.1:PORT/<agency key>` each, with a random secret), and ten
  appeals registered with `appeal_register` (five normal, five urgent with violence now).
  The receiver runs in its own process so that it does not share a GIL with the injector:
  by default a small asyncio HTTP/1.1 server (--receiver asyncio), or the product's
  `qorgau.agency_requests.testing.WebhookReceiver` (--receiver stdlib, http.server with a thread per
  connection; receipt times are taken when it stores a 200). The K worker processes are
  started with `[python, -c, "from qorgau.cli import main; main()", "deliver", ...]` and the
  same environment, and are warm (listening on qorgau_outbox) before anything is queued.
  Then:
  1. the backlog: the normal requests are inserted in one transaction, and NOTIFY qorgau_outbox
     is sent on commit; the commit is the start of the drain (t0);
  2. the urgent requests go through the real path, `request_send(...)`, one every
     --urgent-interval seconds (start to start; no catching up in bursts when a call is slow),
     while the workers drain the backlog;
  3. the script waits until every delivery is delivered or dead (or --timeout after t0), waits
     one more second for stray duplicates, stops the workers (SIGTERM) and the receiver, and
     counts.
  Times of commit and receipt are time.monotonic() in two processes: CLOCK_MONOTONIC, one
  clock for the whole machine on Linux.

Shortcuts (not the product path)
  - The backlog bypasses `request_send`: AgencyRequest rows are bulk-inserted with the content
    `compose_request` gives for their appeal and a central agency (computed once per appeal,
    encrypted per row by the model field), no routing check, no appeal transition and no audit
    record per request; their Delivery rows have due_at = the insert time. The agencies are
    round-the-clock central bodies, so `request_send` would make them due at once as well.
  - Normal requests retry on QORGAU_OUTBOX_BACKOFF=0,1,2 (--backoff, seconds): a 503 is retried
    at once, a second one after 1 s, then every 2 s. Urgent requests keep the product's own
    short schedule (OUTBOX_URGENT_BACKOFF_SECONDS). Lease and the maximum of attempts stay at
    the product's defaults unless --lease / --max-attempts are given.

Exit status: 0 when the measurement completed (the target is reported, not enforced); 1 when a
request was lost or delivered twice, or a signature or route was wrong; 2 when the set-up
failed (database, migrate, receiver, a worker that did not start or died).

Usage: .venv/bin/python -m bench.delivery [--requests 10000] [--agencies 200] [--workers 2]
           [--threads 8] [--receiver asyncio|stdlib] [--json PATH] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import math
import multiprocessing as mp
import os
import queue
import random
import secrets
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness.machine import busy_percent, cpu_shares, cpu_snapshot, is_postgres, pid_in
from bench.harness.postgres import BackendSampler, number, rows
from bench.harness.report import fmt, latency, print_table
from bench.harness.server import processes_stop, server_popen
from bench.harness.setup import (
    HOST,
    OUT_DIR,
    SetupError,
    close_django_connections,
    django_database,
    exit_on_sigterm,
    log_tail,
    logger,
    write_json,
)

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event

DB_NAME = "qorgau_bench_delivery"
WORKER_LOG = OUT_DIR / "delivery-workers.log"
TARGET_P99_S = 1.0
WORKER_START_LIMIT = 90.0  # s for every worker to set up Django and listen
RECEIVER_START_LIMIT = 30.0
DUPLICATE_GRACE = 1.0  # s after the last delivery, for late duplicates to arrive
NOISY_OTHER_CPU = 25.0  # % of one core used by other processes: the machine was not quiet
APPEALS_PER_KIND = 5
AGENCY_KEY = "bench.agency{:03d}"


log = logger("delivery")


def outbox_settings(args: argparse.Namespace) -> dict[str, str]:
    """What the workers get besides fresh_settings (harness/setup.py): the hosts and the outbox
    settings."""
    settings = {
        "QORGAU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QORGAU_OUTBOX_BACKOFF": args.backoff,
    }
    if args.lease is not None:
        settings["QORGAU_OUTBOX_LEASE_SECONDS"] = str(args.lease)
    if args.max_attempts is not None:
        settings["QORGAU_OUTBOX_MAX_ATTEMPTS"] = str(args.max_attempts)
    return settings


# --- database --------------------------------------------------------------------------------


def listening_workers(url: str) -> int:
    """Backends whose last statement was LISTEN: a worker that found nothing to do and waits."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND query ILIKE 'LISTEN %%'"
    )
    return number(url, query)


# --- the webhook receiver (own process) ------------------------------------------------------


@dataclass(frozen=True)
class ReceiverConfig:
    kind: str  # "asyncio" or "stdlib"
    fail_ratio: float
    seed: int
    secrets: dict[str, str]  # URL path ("/<agency key>") -> the contact's secret


@dataclass
class ReceiverResult:
    arrivals: int = 0  # every POST, 503s included
    failed: int = 0  # answered 503 on purpose
    ok: list[tuple[str, float]] = field(default_factory=list)  # (idempotency key, receipt time)
    bad_signature: int = 0
    misrouted: int = 0  # the body's agency is not the one of the URL
    malformed: int = 0  # not a request this receiver understands
    error: str = ""


def signature_ok(config: ReceiverConfig, path: str, payload: bytes, header: str) -> bool:
    secret = config.secrets.get(path)
    if secret is None:
        return False
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", header)


def routed_ok(path: str, body: Any) -> bool:
    return isinstance(body, dict) and path == f"/{body.get('agency')}"


RESPONSE_200 = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
RESPONSE_503 = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"


async def serve_asyncio(
    config: ReceiverConfig, ready: Queue[int | str], stop: Event, result: ReceiverResult
) -> None:
    """A minimal HTTP/1.1 server: reads each POST, records it, answers 200 or 503 (keep-alive
    unless the client says close; urllib always does)."""
    rng = random.Random(config.seed)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                path = parts[1] if len(parts) == 3 else ""
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                try:
                    payload = await reader.readexactly(int(headers.get("content-length", "0")))
                except (asyncio.IncompleteReadError, ValueError, OSError):
                    result.malformed += 1
                    return
                received = time.monotonic()
                result.arrivals += 1
                fail = rng.random() < config.fail_ratio
                if fail:
                    result.failed += 1
                else:
                    key = headers.get("idempotency-key", "")
                    result.ok.append((key, received))
                    sign = headers.get("x-qorgau-signature", "")
                    if not signature_ok(config, path, payload, sign):
                        result.bad_signature += 1
                    try:
                        body = json.loads(payload)
                    except ValueError:
                        body = None
                    if not routed_ok(path, body):
                        result.misrouted += 1
                close = headers.get("connection", "").lower() == "close"
                answer = RESPONSE_503 if fail else RESPONSE_200
                writer.write(answer + (b"Connection: close\r\n\r\n" if close else b"\r\n"))
                await writer.drain()
                if close:
                    return
        except OSError:
            return
        finally:
            writer.close()

    server = await asyncio.start_server(handle, HOST, 0, backlog=1024)
    ready.put(int(server.sockets[0].getsockname()[1]))
    async with server:
        while not stop.is_set():
            await asyncio.sleep(0.05)


def serve_stdlib(config: ReceiverConfig, ready: Queue[int | str], stop: Event) -> ReceiverResult:
    """The product's WebhookReceiver; its list of 200s is wrapped to stamp receipt times."""
    from qorgau.agency_requests.testing import Received, WebhookReceiver

    class Stamped(list[tuple[float, Received]]):
        def append(self, item: Any) -> None:
            super().append((time.monotonic(), item))

    receiver = WebhookReceiver(fail_ratio=config.fail_ratio, seed=config.seed)
    stamped = Stamped()
    receiver.received = stamped  # type: ignore[assignment]
    with receiver:
        ready.put(int(receiver.server.server_port))
        stop.wait()
    result = ReceiverResult(arrivals=receiver.arrivals, failed=receiver.arrivals - len(stamped))
    for received, item in stamped:
        result.ok.append((item.key, received))
        # The body was parsed; the product serialises with json.dumps(ensure_ascii=False), so
        # serialising it again gives back the signed bytes.
        payload = json.dumps(item.body, ensure_ascii=False).encode()
        if not signature_ok(config, item.path, payload, item.signature):
            result.bad_signature += 1
        if not routed_ok(item.path, item.body):
            result.misrouted += 1
    return result


def receiver_main(
    config: ReceiverConfig, ready: Queue[int | str], stop: Event, results: Queue[ReceiverResult]
) -> None:
    result = ReceiverResult()
    try:
        if config.kind == "stdlib":
            result = serve_stdlib(config, ready, stop)
        else:
            asyncio.run(serve_asyncio(config, ready, stop, result))
    except BaseException as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        ready.put(result.error)
    results.put(result)


class Receiver:
    def __init__(self, config: ReceiverConfig) -> None:
        ctx = mp.get_context("spawn")
        self.ready: Queue[int | str] = ctx.Queue()
        self.results: Queue[ReceiverResult] = ctx.Queue()
        self.stop_event = ctx.Event()
        self.process: SpawnProcess = ctx.Process(
            target=receiver_main,
            args=(config, self.ready, self.stop_event, self.results),
            name="delivery-receiver",
            daemon=True,
        )
        self.port = 0

    def start(self) -> int:
        self.process.start()
        try:
            answer = self.ready.get(timeout=RECEIVER_START_LIMIT)
        except queue.Empty:
            raise SetupError("the webhook receiver did not start") from None
        if isinstance(answer, str):
            raise SetupError(f"the webhook receiver failed: {answer}")
        self.port = answer
        return answer

    @property
    def pid(self) -> int:
        return int(self.process.pid or 0)

    def finish(self) -> ReceiverResult:
        self.stop_event.set()
        try:
            result = self.results.get(timeout=60)
        except queue.Empty:
            raise SetupError("the webhook receiver did not report") from None
        self.process.join(timeout=10)
        if result.error:
            raise SetupError(f"the webhook receiver failed: {result.error}")
        return result

    def kill(self) -> None:
        self.stop_event.set()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)


# --- worker processes ------------------------------------------------------------------------


def workers_start(args: argparse.Namespace) -> list[subprocess.Popen[bytes]]:
    """`qorgau deliver` processes with this process's environment, output in one log."""
    WORKER_LOG.parent.mkdir(parents=True, exist_ok=True)
    WORKER_LOG.write_bytes(b"")
    code = "from qorgau.cli import main; main()"
    workers: list[subprocess.Popen[bytes]] = []
    for k in range(args.workers):
        command = [sys.executable, "-c", code, "deliver"]
        command += ["--threads", str(args.threads), "--poll", str(args.poll)]
        command += ["--name", f"bench-w{k}"]
        workers.append(server_popen(command, dict(os.environ), WORKER_LOG, append=True))
    return workers


def workers_check(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        if w.poll() is not None:
            raise SetupError(f"worker {w.pid} exited with {w.returncode}; see {WORKER_LOG}")


def workers_wait_listening(workers: list[subprocess.Popen[bytes]], url: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < WORKER_START_LIMIT:
        workers_check(workers)
        if listening_workers(url) >= len(workers):
            return time.monotonic() - start
        time.sleep(0.1)
    raise SetupError(f"the workers did not listen within {WORKER_START_LIMIT:.0f} s")


# --- the kernel's TCP counters --------------------------------------------------------------


def tcp_counters() -> dict[str, int]:
    """Kernel TCP counters: a full listen queue drops a SYN, and the client resends it after
    1 s, which shows up as latency, not as an error."""
    wanted = {"ListenOverflows", "TCPSynRetrans"}
    found: dict[str, int] = {}
    try:
        with open("/proc/net/netstat", encoding="ascii") as f:
            lines = f.read().splitlines()
    except OSError:
        return found
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            for name, value in zip(names.split()[1:], values.split()[1:], strict=False):
                if name in wanted:
                    found[name] = int(value)
    return found


# --- set-up of the directory, appeals and backlog --------------------------------------------


@dataclass
class World:
    user: Any
    agencies: list[Any]
    normal_appeals: list[Any]
    urgent_appeals: list[Any]


def appeal_data(rng: random.Random, urgent: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "phone",
        "language": "kk",
        "applicant": {
            "kind": "individual",
            "name": rng.choice(("Айгүл Серікова", "Ерлан Жұмабаев", "Динара Әбілқызы")),
            "iin": "900101300027",
            "phone": f"+7 701 {rng.randint(0, 999):03d} {rng.randint(10, 99)} 78",
            "email": f"caller{rng.randint(1, 99999)}@example.kz",
            "address": "Алматы қ., Абай даңғылы, 10",
        },
        "persons": [{"kind": "child", "age": rng.randint(1, 17)}],
        "region": "almaty",
        "direction": 2 if urgent else 4,
        "summary": "Отбасындағы зорлық" if urgent else "Мектепте қорлау",
        "description": "Баласын сыныптастары ұрады, мұғалім шара қолданбайды.",
        "urgency": "normal",
    }
    if urgent:
        body.update(urgency="urgent", urgency_reason="қауіп", risk_flags=["violence_now"])
    return body


def build_world(args: argparse.Namespace, port: int, agency_secrets: dict[str, str]) -> World:
    from qorgau.agencies.models import Agency, AgencyContact, AgencyKind
    from qorgau.appeals.actions import appeal_register
    from qorgau.appeals.models import Appeal
    from qorgau.appeals.schemas import AppealIn
    from qorgau.core.roles import Role
    from qorgau.staff.models import User
    from qorgau.workdays.schedule import ROUND_THE_CLOCK

    user = User.objects.create_user(
        "bench", password=secrets.token_urlsafe(16), role=Role.CONSULTANT
    )
    agencies = Agency.objects.bulk_create(
        Agency(
            key=AGENCY_KEY.format(i),
            kind=AgencyKind.CENTRAL,
            name_kk=f"Бенч {i}",
            name_ru=f"Бенч {i}",
            name_en=f"Bench {i}",
            round_the_clock=True,
            schedule=ROUND_THE_CLOCK.to_json(),
        )
        for i in range(args.agencies)
    )
    AgencyContact.objects.bulk_create(
        AgencyContact(
            agency=a,
            channel="webhook",
            address=f"http://{HOST}:{port}/{a.key}",
            secret=agency_secrets[f"/{a.key}"],
        )
        for a in agencies
    )
    rng = random.Random(args.seed)
    normal: list[Appeal] = []
    urgent: list[Appeal] = []
    for kind_urgent, bucket in ((False, normal), (True, urgent)):
        for _ in range(APPEALS_PER_KIND):
            data = AppealIn(**appeal_data(rng, kind_urgent))
            bucket.append(appeal_register(actor=user, data=data).appeal)
    return World(user=user, agencies=agencies, normal_appeals=normal, urgent_appeals=urgent)


def insert_backlog(world: World, count: int) -> None:
    """`count` normal requests and their deliveries, due now, in one transaction; NOTIFY on
    commit (what request_send does, minus the per-request checks: see the module docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from qorgau.agency_requests.actions.send import wake_outbox_workers
    from qorgau.agency_requests.disclosure import compose_request
    from qorgau.agency_requests.models import AgencyRequest, Delivery

    composed = []
    for appeal in world.normal_appeals:
        c = compose_request(appeal, world.agencies[0])
        composed.append((json.dumps(c.content, ensure_ascii=False), c.withheld))
    contacts = {a.pk: a.contacts.get() for a in world.agencies}
    with transaction.atomic():
        now = timezone.now()
        requests = AgencyRequest.objects.bulk_create(
            (
                AgencyRequest(
                    appeal=world.normal_appeals[i % len(world.normal_appeals)],
                    agency=world.agencies[i % len(world.agencies)],
                    urgent=False,
                    proposed=False,
                    choice_reason="bench backlog",
                    content=composed[i % len(composed)][0],
                    withheld=composed[i % len(composed)][1],
                    created_by=world.user,
                )
                for i in range(count)
            ),
            batch_size=1000,
        )
        Delivery.objects.bulk_create(
            (
                Delivery(
                    request=r,
                    contact=contacts[r.agency_id],
                    channel="webhook",
                    urgent=False,
                    due_at=now,
                )
                for r in requests
            ),
            batch_size=1000,
        )
        transaction.on_commit(wake_outbox_workers)


@dataclass
class Injection:
    committed: dict[int, float] = field(default_factory=dict)  # request id -> monotonic time
    call_seconds: list[float] = field(default_factory=list)  # duration of request_send
    errors: list[str] = field(default_factory=list)


def inject_urgent(
    world: World,
    count: int,
    interval: float,
    seed: int,
    deadline: float,
    workers: list[subprocess.Popen[bytes]],
) -> Injection:
    """`count` urgent requests through request_send, one every `interval` s (start to start)."""
    from django.db import DatabaseError

    from qorgau.agency_requests.actions.send import request_send
    from qorgau.appeals.models import Appeal
    from qorgau.core.errors import Conflict, FieldErrors

    rng = random.Random(seed + 1)
    result = Injection()
    next_at = time.monotonic()
    for i in range(count):
        if (delay := next_at - time.monotonic()) > 0:
            time.sleep(delay)
        if time.monotonic() > deadline:
            result.errors.append(f"timeout: {count - i} urgent requests not sent")
            break
        if i % 50 == 0:
            workers_check(workers)
        # Loaded afresh, as the API does: request_send moves the appeal only if the status it
        # is given allows it, so a stale instance makes it fail (see the README).
        appeal = Appeal.objects.get(pk=world.urgent_appeals[i % len(world.urgent_appeals)].pk)
        agency = rng.choice(world.agencies)
        began = time.monotonic()
        try:
            request = request_send(
                actor=world.user, appeal=appeal, agency=agency, reason="bench: urgent load"
            )
        except (DatabaseError, Conflict, FieldErrors) as exc:
            result.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            continue
        done = time.monotonic()
        result.committed[request.pk] = done
        result.call_seconds.append(done - began)
        next_at = max(next_at + interval, done)
    return result


def outbox_counts(url: str) -> dict[str, int]:
    found = rows(url, "SELECT status, count(*) FROM interaction_delivery GROUP BY status")
    return {str(s): int(c) for s, c in found}


def wait_drained(
    url: str, total: int, deadline: float, workers: list[subprocess.Popen[bytes]]
) -> dict[str, int]:
    """Until every delivery is delivered or dead, or the deadline."""
    last_log = time.monotonic()
    while True:
        counts = outbox_counts(url)
        if counts.get("delivered", 0) + counts.get("dead", 0) >= total:
            return counts
        if time.monotonic() > deadline:
            log(f"timeout: outbox {counts}")
            return counts
        workers_check(workers)
        if time.monotonic() - last_log >= 5:
            log(f"outbox {counts}")
            last_log = time.monotonic()
        time.sleep(0.1)


# --- results ---------------------------------------------------------------------------------


@dataclass
class Figures:
    requests: int = 0
    urgent: int = 0
    agencies: int = 0
    workers: int = 0
    threads: int = 0
    receiver: str = ""
    fail_ratio: float = 0.0
    backoff: str = ""
    drain_seconds: float = math.nan
    deliveries_per_s: float = 0.0
    seconds_to_99: float = math.nan
    deliveries_per_s_to_99: float = 0.0
    attempts_received: int = 0
    attempts_503: int = 0
    attempt_rows: int = 0
    attempt_errors: dict[str, int] = field(default_factory=dict)
    delivered_rows: int = 0
    dead_rows: int = 0
    undelivered_rows: int = 0
    unique_ok: int = 0
    duplicates: int = 0
    lost: int = 0
    unknown_keys: int = 0
    bad_signatures: int = 0
    misrouted: int = 0
    urgent_p50_ms: float = math.nan
    urgent_p95_ms: float = math.nan
    urgent_p99_ms: float = math.nan
    urgent_max_ms: float = math.nan
    urgent_first_try_p99_ms: float = math.nan
    urgent_first_try_max_ms: float = math.nan
    urgent_attempts: dict[str, int] = field(default_factory=dict)
    urgent_after_backlog: int = 0
    normal_wait_mean_s: float = math.nan
    normal_wait_max_s: float = math.nan
    send_p50_ms: float = math.nan
    send_p99_ms: float = math.nan
    backlog_insert_seconds: float = math.nan
    workers_ready_seconds: float = math.nan
    injection_seconds: float = math.nan
    injection_errors: list[str] = field(default_factory=list)
    cpu_percent: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = math.nan  # the window the CPU split was measured over
    busy_before_percent: float = math.nan  # CPU busy in the second before the set-up
    listen_overflows: int = 0
    syn_retransmits: int = 0
    backends: dict[str, float] = field(default_factory=dict)
    target_pass: bool = False


@dataclass
class DatabaseFacts:
    keys: dict[str, tuple[int, bool]]  # idempotency key -> (request id, urgent)
    urgent_attempts: dict[int, int]  # request id -> attempts of its delivery
    attempt_rows: int
    errors: dict[str, int]  # failed attempts by error, except the receiver's 503s


def database_facts(url: str) -> DatabaseFacts:
    requests = "SELECT id, idempotency_key::text, urgent FROM interaction_agencyrequest"
    urgent = "SELECT request_id, attempts FROM interaction_delivery WHERE urgent"
    errors = (
        "SELECT left(error, 120), count(*) FROM interaction_deliveryattempt "
        "WHERE NOT ok AND error <> 'webhook answered 503' GROUP BY 1 ORDER BY 2 DESC"
    )
    return DatabaseFacts(
        keys={str(k): (int(i), bool(u)) for i, k, u in rows(url, requests)},
        urgent_attempts={int(r): int(a) for r, a in rows(url, urgent)},
        attempt_rows=number(url, "SELECT count(*) FROM interaction_deliveryattempt"),
        errors={str(e): int(n) for e, n in rows(url, errors)},
    )


def compute(
    figures: Figures,
    received: ReceiverResult,
    injection: Injection,
    t0: float,
    url: str,
    counts: dict[str, int],
) -> None:
    facts = database_facts(url)
    keys, urgent_attempts = facts.keys, facts.urgent_attempts
    figures.attempt_errors = facts.errors
    first_ok: dict[str, float] = {}
    ok_count: Counter[str] = Counter()
    for key, at in received.ok:
        ok_count[key] += 1
        if key not in first_ok or at < first_ok[key]:
            first_ok[key] = at
    known = [k for k in first_ok if k in keys]
    figures.requests = len(keys)
    figures.unique_ok = len(known)
    figures.unknown_keys = len(first_ok) - len(known)
    figures.duplicates = sum(c - 1 for c in ok_count.values())
    figures.lost = len(keys) - len(known)
    figures.attempts_received = received.arrivals
    figures.attempts_503 = received.failed
    figures.attempt_rows = facts.attempt_rows
    figures.bad_signatures = received.bad_signature
    figures.misrouted = received.misrouted + received.malformed
    figures.delivered_rows = counts.get("delivered", 0)
    figures.dead_rows = counts.get("dead", 0)
    figures.undelivered_rows = sum(counts.values()) - figures.delivered_rows
    if known:
        times = sorted(first_ok[k] - t0 for k in known)
        figures.drain_seconds = times[-1]
        figures.deliveries_per_s = len(known) / figures.drain_seconds
        # Without the tail of retries that wait out their backoff: the machine's rate.
        n99 = max(1, math.ceil(0.99 * len(keys)))
        if len(times) >= n99:
            figures.seconds_to_99 = times[n99 - 1]
            figures.deliveries_per_s_to_99 = n99 / figures.seconds_to_99

    by_id = {rid: key for key, (rid, _) in keys.items()}
    latencies: list[float] = []
    first_try: list[float] = []
    for rid, committed in injection.committed.items():
        found = by_id.get(rid)
        if found is None or found not in first_ok:
            continue
        waited = first_ok[found] - committed
        latencies.append(waited)
        if urgent_attempts.get(rid) == 1:
            first_try.append(waited)
    figures.urgent = sum(1 for _, urgent in keys.values() if urgent)
    urgent_ms, first_try_ms = latency(latencies, 1000.0), latency(first_try, 1000.0)
    figures.urgent_p50_ms, figures.urgent_p95_ms = urgent_ms.p50, urgent_ms.p95
    figures.urgent_p99_ms, figures.urgent_max_ms = urgent_ms.p99, urgent_ms.max
    figures.urgent_first_try_p99_ms = first_try_ms.p99
    figures.urgent_first_try_max_ms = first_try_ms.max
    histogram = Counter(urgent_attempts.values())
    figures.urgent_attempts = {str(a): histogram[a] for a in sorted(histogram)}
    # Every urgent request must be received, and the p99 must be under the target.
    received_all_urgent = len(latencies) == figures.urgent and figures.urgent > 0
    figures.target_pass = received_all_urgent and figures.urgent_p99_ms < TARGET_P99_S * 1000.0

    waits = [first_ok[k] - t0 for k, (_, urgent) in keys.items() if not urgent and k in first_ok]
    if waits:
        figures.normal_wait_mean_s = sum(waits) / len(waits)
        figures.normal_wait_max_s = max(waits)
        backlog_done = t0 + figures.normal_wait_max_s
        figures.urgent_after_backlog = sum(
            1 for c in injection.committed.values() if c > backlog_done
        )
    send_ms = latency(injection.call_seconds, 1000.0)
    figures.send_p50_ms, figures.send_p99_ms = send_ms.p50, send_ms.p99
    figures.injection_errors = injection.errors[:5]


def print_report(f: Figures) -> None:
    c = f.cpu_percent
    cpu = (
        f"{c['workers']:.0f} / {c['postgres']:.0f} / {c['receiver']:.0f} / "
        f"{c['script']:.0f} / {c['other']:.0f} / {c['idle']:.0f}"
        if c
        else "-"
    )
    histogram = ", ".join(f"{a}: {n}" for a, n in f.urgent_attempts.items()) or "-"
    table: list[tuple[str, str]] = [
        ("requests (urgent)", f"{f.requests:,} ({f.urgent:,})"),
        ("drain time, s (t0 to the last first 200)", fmt(f.drain_seconds, 2)),
        ("deliveries/s", fmt(f.deliveries_per_s)),
        ("99 % delivered after, s", fmt(f.seconds_to_99, 2)),
        ("deliveries/s up to 99 %", fmt(f.deliveries_per_s_to_99)),
        ("attempts received (503s)", f"{f.attempts_received:,} ({f.attempts_503:,})"),
        ("attempt rows in the database", f"{f.attempt_rows:,}"),
        ("  failed other than by a 503", f"{sum(f.attempt_errors.values()):,}"),
        ("urgent latency p50 (ms)", fmt(f.urgent_p50_ms)),
        ("urgent latency p95 (ms)", fmt(f.urgent_p95_ms)),
        ("urgent latency p99 (ms)", fmt(f.urgent_p99_ms)),
        ("urgent latency max (ms)", fmt(f.urgent_max_ms)),
        ("urgent, 1st attempt ok: p99 / max (ms)", f"{fmt(f.urgent_first_try_p99_ms)} / "
         f"{fmt(f.urgent_first_try_max_ms)}"),
        ("urgent requests by attempts", histogram),
        ("urgent committed after the backlog drained", str(f.urgent_after_backlog)),
        ("request_send p50 / p99 (ms)", f"{fmt(f.send_p50_ms)} / {fmt(f.send_p99_ms)}"),
        ("normal wait mean / max (s)", f"{fmt(f.normal_wait_mean_s, 2)} / "
         f"{fmt(f.normal_wait_max_s, 2)}"),
        ("deliveries delivered / dead / other", f"{f.delivered_rows:,} / {f.dead_rows:,} / "
         f"{f.undelivered_rows - f.dead_rows:,}"),
        ("keys received with 200 (unique)", f"{f.unique_ok:,}"),
        ("duplicates (extra 200s for a key)", str(f.duplicates)),
        ("lost (requests without a 200)", str(f.lost)),
        ("bad signatures / misrouted / unknown keys",
         f"{f.bad_signatures} / {f.misrouted} / {f.unknown_keys}"),
        (f"CPU % over {fmt(f.cpu_seconds, 1)} s: workers/pg/receiver/script/other/idle", cpu),
        ("  of other: kernel irq + softirq", fmt(c.get("irq", math.nan), 0)),
        ("TCP listen overflows / SYN retransmits", f"{f.listen_overflows} / {f.syn_retransmits}"),
    ]  # fmt: skip
    print()
    print(
        f"Qorgau delivery benchmark: {f.requests:,} requests to {f.agencies} agencies, "
        f"{f.workers} workers x {f.threads} threads, receiver {f.receiver} failing "
        f"{100 * f.fail_ratio:.0f} %, backoff {f.backoff} s, {os.cpu_count()} CPUs "
        f"(CPU in % of one core, {100 * (os.cpu_count() or 1)} % in all)"
    )
    print(
        f"set-up: backlog inserted in {fmt(f.backlog_insert_seconds, 2)} s, workers listening "
        f"after {fmt(f.workers_ready_seconds, 2)} s; urgent injection took "
        f"{fmt(f.injection_seconds, 2)} s; CPU busy before the start: "
        f"{fmt(f.busy_before_percent, 0)} %"
    )
    print_table([""], [(label, [value]) for label, value in table])
    p99 = fmt(f.urgent_p99_ms)
    print(
        f"target urgent p99 < {TARGET_P99_S * 1000:.0f} ms while the backlog drains: "
        f"{'PASS' if f.target_pass else 'FAIL'} ({p99} ms)"
    )
    states = ", ".join(f"{k} {v:.1f}" for k, v in f.backends.items())
    print(f"PostgreSQL backends (mean number in each state): {states or '-'}")
    if f.urgent_after_backlog:
        print(
            f"WARNING: {f.urgent_after_backlog} urgent requests were committed after the backlog "
            "had drained: they did not compete with it (lower --urgent-interval)"
        )
    if f.listen_overflows or f.syn_retransmits:
        print(
            "WARNING: the receiver's listen queue overflowed; each dropped SYN is resent after "
            "1 s, so latency includes the receiver's limits, not only the product's"
        )
    for error, n in f.attempt_errors.items():
        print(f"attempts failed with {error!r}: {n}")
    for error in f.injection_errors:
        print(f"request_send failed: {error}")
    if c.get("other", 0.0) > NOISY_OTHER_CPU or f.busy_before_percent > NOISY_OTHER_CPU:
        print(
            f"WARNING: {c.get('other', 0.0):.0f} % CPU went to other processes during the drain "
            f"(kernel included), {f.busy_before_percent:.0f} % was busy before the start: the "
            "machine may not have been quiet"
        )


# --- main ------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, figures: Figures) -> None:
    """Set up, drain, count; fills `figures`. Raises SetupError."""
    agency_secrets = {
        "/" + AGENCY_KEY.format(i): secrets.token_urlsafe(24) for i in range(args.agencies)
    }
    config = ReceiverConfig(args.receiver, args.fail_ratio, args.seed, agency_secrets)
    receiver = Receiver(config)
    workers: list[subprocess.Popen[bytes]] = []
    sampler = BackendSampler(url, every=0.2, cpu_every=3)
    try:
        port = receiver.start()
        log(f"{args.receiver} webhook receiver on {HOST}:{port} (pid {receiver.pid})")
        world = build_world(args, port, agency_secrets)
        close_django_connections()
        urgent = round(args.requests * args.urgent_share)
        normal = args.requests - urgent
        log(f"starting {args.workers} workers x {args.threads} threads (log: {WORKER_LOG})")
        workers = workers_start(args)
        figures.workers_ready_seconds = workers_wait_listening(workers, url)

        log(f"inserting the backlog: {normal:,} normal requests")
        began = time.monotonic()
        insert_backlog(world, normal)
        t0 = time.monotonic()
        figures.backlog_insert_seconds = t0 - began
        before = cpu_snapshot()
        tcp_before = tcp_counters()
        sampler.start()
        deadline = t0 + args.timeout
        log(f"draining; {urgent} urgent requests, one every {args.urgent_interval:g} s")
        injection = inject_urgent(world, urgent, args.urgent_interval, args.seed, deadline, workers)
        figures.injection_seconds = time.monotonic() - t0
        log(f"urgent requests committed: {len(injection.committed)}; waiting for the drain")
        counts = wait_drained(url, normal + len(injection.committed), deadline, workers)
        after = cpu_snapshot()
        tcp_after = tcp_counters()
        sampler.finish()
        time.sleep(DUPLICATE_GRACE)
        workers_check(workers)
        processes_stop(workers)
        counts = outbox_counts(url)
        received = receiver.finish()
        close_django_connections()
        compute(figures, received, injection, t0, url, counts)
        # CPU and backends up to 99 % delivered: the retry tail is mostly idle waiting.
        until = t0 + (figures.seconds_to_99 if figures.seconds_to_99 > 0 else math.inf)
        end = sampler.cpu_until(until, after)
        figures.cpu_seconds = end.wall - before.wall
        groups = {
            "workers": pid_in({w.pid for w in workers}),
            "postgres": is_postgres,
            "receiver": pid_in({receiver.pid}),
        }
        figures.cpu_percent = cpu_shares(before, end, groups, own="script")
        figures.backends = sampler.mean_per_sample(until)
        figures.listen_overflows = tcp_after.get("ListenOverflows", 0) - tcp_before.get(
            "ListenOverflows", 0
        )
        figures.syn_retransmits = tcp_after.get("TCPSynRetrans", 0) - tcp_before.get(
            "TCPSynRetrans", 0
        )
    finally:
        sampler.finish()
        if workers:
            processes_stop(workers)
        receiver.kill()
        close_django_connections()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--requests", type=int, default=10_000, help="in all (10000)")
    parser.add_argument("--agencies", type=int, default=200, help="(200)")
    parser.add_argument("--urgent-share", type=float, default=0.05, help="(0.05)")
    parser.add_argument("--fail-ratio", type=float, default=0.10, help="503s, share (0.10)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8)")
    parser.add_argument("--poll", type=float, default=1.0, help="worker poll, s (1)")
    parser.add_argument(
        "--urgent-interval", type=float, default=0.02, help="s between urgent requests (0.02)"
    )
    parser.add_argument("--backoff", default="0,1,2", help="QORGAU_OUTBOX_BACKOFF, seconds (0,1,2)")
    parser.add_argument("--lease", type=int, default=None, help="lease s (product default)")
    parser.add_argument("--max-attempts", type=int, default=None, help="attempts (product default)")
    parser.add_argument(
        "--receiver", choices=("asyncio", "stdlib"), default="asyncio", help="(asyncio)"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="for the drain, s (300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"an existing empty database on {HOST} (migrated, not dropped; default: a fresh "
        f"{DB_NAME}, dropped at the end)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if not 1 <= args.requests <= 1_000_000 or not 1 <= args.agencies <= 10_000:
        parser.error("--requests must be in [1, 1e6], --agencies in [1, 10000]")
    if not 0 <= args.urgent_share <= 1 or not 0 <= args.fail_ratio < 1:
        parser.error("--urgent-share must be in [0, 1], --fail-ratio in [0, 1)")
    if not 1 <= args.workers * (args.threads + 1) <= 80:
        parser.error("--workers x (--threads + 1) connections must stay under 80")
    if args.poll <= 0 or args.urgent_interval < 0 or not 0 < args.timeout <= 3600:
        parser.error("--poll must be > 0, --urgent-interval >= 0, --timeout in (0, 3600]")
    try:
        [float(s) for s in args.backoff.split(",")]
    except ValueError:
        parser.error("--backoff: comma-separated seconds")
    return args


def main() -> int:
    args = parse_args()
    exit_on_sigterm()  # the finally blocks stop the workers and drop the database
    figures = Figures(
        agencies=args.agencies,
        workers=args.workers,
        threads=args.threads,
        receiver=args.receiver,
        fail_ratio=args.fail_ratio,
        backoff=args.backoff,
    )
    figures.busy_before_percent = busy_percent()
    if figures.busy_before_percent > NOISY_OTHER_CPU:
        log(f"the machine is busy before the start ({figures.busy_before_percent:.0f} % CPU)")
    try:
        with django_database(DB_NAME, args.database_url, log, **outbox_settings(args)) as url:
            run(args, url, figures)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception as exc:
        log(f"FAILED: {type(exc).__name__}: {exc}")
        if tail := log_tail(WORKER_LOG, 30):
            log(f"last lines of {WORKER_LOG}:\n{tail}")
        return 2
    print_report(figures)
    write_json(args.json, asdict(figures))
    if tail := log_tail(WORKER_LOG, 30):
        print(f"\nworker log ({WORKER_LOG}), last lines:\n{tail}")
    broken = [
        f"{name}: {value}"
        for name, value in (
            ("duplicates", figures.duplicates),
            ("lost", figures.lost),
            ("bad signatures", figures.bad_signatures),
            ("misrouted", figures.misrouted),
            ("unknown keys", figures.unknown_keys),
        )
        if value
    ]
    for problem in broken:
        print(f"BROKEN: {problem}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
