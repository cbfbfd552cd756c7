"""Written-appeals benchmark: the public web form against the floor, the consultant inbox with
100,000 open conversations, and what a crash mid-burst loses (rule 6(f)).

What it measures, on one server (gunicorn with uvicorn workers, as `qorgau serve`):
  1. web form: POST /write/ as a browser sends it (form-encoded, CSRF cookie and field), each
     from its own client address (X-Forwarded-For, which the server trusts from 127.0.0.1 as it
     trusts nginx), so the per-address limit does not stop a crowd of different children;
  2. floor: POST /api/v1/bench/floor (bench/harness/versus_floor.py), one insert;
  3. webhook: Telegram updates to /hooks/telegram/ with the secret header, each from one of
     10,000 chats (a message joins its chat's conversation or opens one, is checked for risk,
     and a new one queues its number and code in the outbox); events per second with
     --clients, and again with --hook-clients (4) for the latency a messenger sees;
  4. inbox: 100,000 open conversations are loaded, then a consultant opens /inbox/ 30 times,
     one request at a time; p50/p95/max (the first page of the queue, 50 rows);
  5. kill -9: a burst of web-form submissions, and mid-burst every server process gets SIGKILL;
     every number a client was shown must be in the table (lost = 0) and none twice.
  Targets: web form >= 50 % of the floor's rate; webhook p99 <= 100 ms (4 clients); inbox p95
  <= 100 ms;
  nothing lost.

Exit status: 0 when the measurement completed (targets are reported, not enforced); 1 when a
check failed (submissions lost, numbers duplicated) or a phase accepted nothing; 2 when the
set-up or the server failed.

Usage: .venv/bin/python -m bench.written [--seconds 20] [--clients 16] [--workers 4]
                                         [--conversations 100000] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from bench.harness.http import Connection, Load, Turn, closed_loop, sending, timed
from bench.harness.machine import children_of
from bench.harness.postgres import number, rows
from bench.harness.report import fmt, latency, met, print_table
from bench.harness.server import free_port, processes_stop, server_start, server_wait
from bench.harness.setup import (
    BENCH_SETTINGS,
    HOST,
    OUT_DIR,
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
from bench.harness.versus_floor import LOCAL_HOSTS, Phase, Server, floor_phase, measure, user_token

TAG = "written"
DB_NAME = "qorgau_bench_written"
TABLE = "conversations_conversation"
FOUND_SQL = "SELECT count(*) FROM conversations_conversation WHERE number = ANY(%s)"
TWICE_SQL = "SELECT number FROM conversations_conversation GROUP BY number HAVING count(*) > 1"
NUMBER = re.compile(rb"W-\d{4}-\d{6}")
TEXTS = (
    "Сыныптағы балалар мені күнде мазақтайды, мұғалімге айтуға қорқамын",
    "Мама пьёт, дома нечего есть, что мне делать",
    "Әкем анамды ұрады, мен қорқамын",
    "Меня обижают в школе, я не хочу туда ходить",
)
REGIONS = ("almaty", "astana", "shymkent", "karaganda", "turkistan", "")
TARGET_RATIO, TARGET_INBOX_P95_MS, TARGET_HOOK_P99_MS = 50.0, 100.0, 100.0
HOOK_SECRET = secrets.token_hex(16)  # the webhook secret of this run
MESSAGES_TABLE = "conversations_message"
# Run by `qorgau shell -c`: `n` open conversations with a message each, in batches, with the
# product's own models (so new columns get their defaults); then a consultant's session key.
LOAD_INBOX = """
import random
from datetime import timedelta
from django.test import Client
from django.utils import timezone
from qorgau.conversations.models import Conversation, Direction, Message
from qorgau.staff.models import User

n, now, rng = {n}, timezone.now(), random.Random(7)
for start in range(0, n, 5000):
    batch = [
        Conversation(
            number=f"B-0000-{{i:07d}}", code_digest="0" * 64, language=rng.choice(("kk", "ru")),
            urgent=rng.random() < 0.02, created_at=now - timedelta(minutes=i % 50000),
            last_inbound_at=now - timedelta(minutes=i % 50000),
        )
        for i in range(start, min(n, start + 5000))
    ]
    Conversation.objects.bulk_create(batch)
    Message.objects.bulk_create(
        Message(conversation=c, direction=Direction.IN, text="bench", at=c.created_at)
        for c in batch
    )
from qorgau.conversations.models import ChannelSettings
ChannelSettings.objects.update_or_create(
    channel="telegram", defaults={{"enabled": True, "webhook_secret": "{secret}"}}
)
user = User.objects.create_user("inbox", password="x" * 20, role="consultant")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def form_request(port: int, path: str, fields: dict[str, str], address: str) -> bytes:
    """The bytes of a browser's form POST to 127.0.0.1:port from `address` (behind the proxy)."""
    csrf = secrets.token_hex(16)  # a 32-character secret: cookie and field agree
    payload = urlencode({"csrfmiddlewaretoken": csrf, **fields}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Cookie: csrftoken={csrf}; django_language=kk\r\n"
        f"X-Forwarded-For: {address}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode("ascii") + payload


def page_request(port: int, path: str, session: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Cookie: sessionid={session}; django_language=kk\r\n\r\n"
    ).encode("ascii")


def telegram_updates(port: int, count: int) -> list[bytes]:
    """Telegram updates as the Bot API posts them, from 10,000 private chats."""
    rng = random.Random("telegram")
    requests = []
    for i in range(count):
        chat = 500_000_000 + rng.randrange(10_000)
        update = {
            "update_id": i,
            "message": {
                "message_id": i,
                "date": 1_764_700_000 + i,
                "chat": {"id": chat, "type": "private"},
                "from": {"id": chat, "is_bot": False, "language_code": rng.choice(("kk", "ru"))},
                "text": rng.choice(TEXTS),
            },
        }
        payload = json.dumps(update, ensure_ascii=False).encode()
        head = (
            f"POST /hooks/telegram/ HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {HOOK_SECRET}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        requests.append(head.encode("ascii") + payload)
    return requests


async def webhook_phase(server: Server, args: argparse.Namespace, clients: int) -> Phase:
    """The webhook with `clients` concurrent deliveries (the throughput with --clients, the
    latency with --hook-clients: a messenger delivers one bot's updates over a few connections,
    and 111's busiest hour brings a few messages a second, not 16 at every instant)."""
    phase = Phase(f"webhook, {clients} clients")
    requests = telegram_updates(server.port, 50_000)

    def turns() -> Turn:
        return sending(requests, args.timeout)

    load = argparse.Namespace(**{**vars(args), "clients": clients})
    await measure(phase, server, load, turns, accepted=200, tables=(MESSAGES_TABLE,))
    phase.checks = {"messages stored / 200s": (phase.rows_gained[MESSAGES_TABLE], phase.accepted)}
    return phase


def submissions(port: int, count: int, seed: str) -> list[bytes]:
    """Web-form submissions, each from its own address, half of them with a region."""
    rng = random.Random(seed)
    return [
        form_request(
            port,
            "/write/",
            {"text": rng.choice(TEXTS), "region": rng.choice(REGIONS), "website": ""},
            f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
        )
        for i in range(count)
    ]


def keeping_numbers(requests: list[bytes], timeout: float, numbers: list[bytes]) -> Turn:
    """Turns that send the submissions in order (each once) and keep the numbers shown."""
    position = iter(range(len(requests)))

    async def turn(k: int, conn: Connection, load: Load) -> None:
        answer = await timed(conn, requests[next(position) % len(requests)], timeout, load)
        if answer and answer[0] == load.accepted_status:
            numbers.extend(NUMBER.findall(answer[1])[:1])

    return turn


def number_checks(url: str, numbers: list[bytes], accepted: int) -> dict[str, tuple[int, int]]:
    shown = sorted({n.decode() for n in numbers})
    found = number(url, FOUND_SQL, [shown])
    twice = rows(url, TWICE_SQL)
    return {
        "200s that showed a number": (len(numbers), accepted),
        "numbers shown, found in the table": (found, len(shown)),
        "numbers shown twice": (len(numbers) - len(shown), 0),
        "duplicate numbers in the table": (len(twice), 0),
    }


async def web_form_phase(server: Server, args: argparse.Namespace) -> Phase:
    phase = Phase("web form")
    requests = submissions(server.port, 200_000, "web form")
    numbers: list[bytes] = []

    def turns() -> Turn:
        numbers.clear()
        return keeping_numbers(requests, args.timeout, numbers)

    await measure(phase, server, args, turns, accepted=200, tables=(TABLE,), sample_rss=True)
    phase.checks = number_checks(server.database_url, numbers, phase.accepted)
    phase.checks["rows gained / 200s"] = (phase.rows_gained[TABLE], phase.accepted)
    return phase


async def inbox_phase(server: Server, session: str, requests: int) -> dict[str, Any]:
    """The inbox page opened `requests` times in a row by one consultant."""
    conn, load = Connection(server.port), Load(accepted_status=200)
    request = page_request(server.port, "/inbox/", session)
    size = 0
    for _ in range(requests):
        answer = await timed(conn, request, 30.0, load)
        size = len(answer[1]) if answer else size
    conn.close()
    times = latency(load.latencies_ms)
    return {
        "answered 200": load.outcomes.get("200", 0),
        "not 200": sum(v for k, v in load.outcomes.items() if k != "200"),
        "p50 ms": times.p50,
        "p95 ms": times.p95,
        "max ms": times.max,
        "page KB": size / 1024,
    }


def kill_everything(master: int) -> int:
    """SIGKILL to the server's master and every worker; how many processes were killed."""
    victims = [master, *children_of(master)]
    for pid in set(victims):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(set(victims))


async def crash_phase(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    """A burst of submissions; after a third of it, kill -9 to the whole server."""
    numbers: list[bytes] = []
    requests = submissions(server.port, 100_000, "crash")
    turn = keeping_numbers(requests, 5.0, numbers)

    async def killer() -> int:
        await asyncio.sleep(args.seconds / 3)
        return kill_everything(server.master)

    burst = closed_loop(server.port, turn, args.clients, args.seconds / 2, 200, 10.0)
    load, killed = await asyncio.gather(burst, killer())
    return {
        "processes killed": killed,
        "answers": dict(load.outcomes),
        "checks": number_checks(server.database_url, numbers, load.outcomes.get("200", 0)),
    }


def start(
    env: dict[str, str], args: argparse.Namespace, url: str, token: str
) -> tuple[Server, subprocess.Popen[bytes]]:
    port, log_path = free_port(), OUT_DIR / f"{TAG}-gunicorn.log"
    gunicorn = server_start(env, port, args.workers, log_path)
    server_wait(gunicorn, port, args.workers, limit=90, log_path=log_path)
    return Server(port, gunicorn.pid, url, token), gunicorn


async def phases(server: Server, args: argparse.Namespace, session: str) -> dict[str, Any]:
    web = await web_form_phase(server, args)
    floor = await floor_phase(server, args, True)
    hook = await webhook_phase(server, args, args.clients)
    hook_few = await webhook_phase(server, args, args.hook_clients)
    inbox = await inbox_phase(server, session, args.inbox_requests)
    crash = await crash_phase(server, args)
    return {
        "web": web,
        "floor": floor,
        "webhook": hook,
        "webhook_few": hook_few,
        "inbox": inbox,
        "crash": crash,
    }


def run(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    log = logger(TAG)
    url, created = database_open(DB_NAME, args.database_url, log, LOCAL_HOSTS)
    env = product_env(url, var_dir, BENCH_SETTINGS, QORGAU_ALLOWED_HOSTS="127.0.0.1,localhost")
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        log("migrating")
        qorgau(env, "migrate", "--noinput", "-v", "0")
        token = user_token(env)
        log(f"loading {args.conversations:,} open conversations")
        began = time.monotonic()
        script = LOAD_INBOX.format(n=args.conversations, secret=HOOK_SECRET)
        session = qorgau(env, "shell", "-c", script, timeout=1800).strip().splitlines()[-1]
        log(f"loaded in {time.monotonic() - began:.0f} s; VACUUM ANALYZE")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")  # not autovacuum in the middle of a phase
        server, gunicorn = start(env, args, url, token)
        return asyncio.run(phases(server, args, session))
    finally:
        if gunicorn is not None:
            processes_stop([gunicorn])
        if created:
            database_drop(DB_NAME, log)


def report(args: argparse.Namespace, figures: dict[str, Any]) -> list[str]:
    web, floor, hook = figures["web"], figures["floor"], figures["webhook"]
    hook_few = figures["webhook_few"]
    inbox, crash = figures["inbox"], figures["crash"]
    inbox_ok = inbox["p95 ms"] <= TARGET_INBOX_P95_MS
    ratio = 100.0 * web.accepted_per_s / floor.accepted_per_s if floor.accepted_per_s else 0.0
    print(
        f"\nQorgau written-appeals benchmark: {args.seconds:g} s per phase, {args.clients} "
        f"clients, {args.workers} workers, {os.cpu_count()} CPUs, "
        f"{args.conversations:,} open conversations in the inbox"
    )
    phases = (web, floor, hook, hook_few)
    print_table(
        tuple(p.name for p in phases),
        [
            ("accepted per second", [f"{p.accepted_per_s:.1f}" for p in phases]),
            ("latency p50 (ms)", [fmt(p.p50_ms) for p in phases]),
            ("latency p95 (ms)", [fmt(p.p95_ms) for p in phases]),
            ("latency p99 (ms)", [fmt(p.p99_ms) for p in phases]),
            ("not accepted", [str(p.errors) for p in phases]),
        ],
    )
    hook_ok = hook_few.p99_ms <= TARGET_HOOK_P99_MS
    target = f"target ≤ {TARGET_HOOK_P99_MS:.0f} ms: {met(hook_ok)}"
    print(f"{hook_few.name}: p99 {fmt(hook_few.p99_ms)} ms ({target})")
    print(
        f"web form ÷ floor: {ratio:.1f} % (target ≥ {TARGET_RATIO:.0f} %: "
        f"{met(ratio >= TARGET_RATIO)})"
    )
    print(
        f"inbox /inbox/ x{args.inbox_requests}: p50 {fmt(inbox['p50 ms'])} ms, "
        f"p95 {fmt(inbox['p95 ms'])} ms, max {fmt(inbox['max ms'])} ms, "
        f"page {inbox['page KB']:.0f} KB, not 200: {inbox['not 200']} "
        f"(target p95 ≤ {TARGET_INBOX_P95_MS:.0f} ms: {met(inbox_ok)})"
    )
    print(f"kill -9 mid-burst: {crash['processes killed']} processes; answers {crash['answers']}")
    broken = [p for phase in phases for p in phase.failed_checks]
    checks = {**web.checks, **hook.checks, **hook_few.checks, **crash["checks"]}
    for name, (found, expected) in checks.items():
        print(f"check: {name}: {found} / {expected} {'ok' if found == expected else 'MISMATCH'}")
    broken += [f"kill -9: {n}" for n, (f, e) in crash["checks"].items() if f != e]
    broken += [f"{p.name}: nothing accepted" for p in phases if p.accepted == 0]
    if inbox["answered 200"] == 0:
        broken.append("inbox: no page answered")
    return broken


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--hook-clients", type=int, default=4, help="webhook latency phase (4)")
    parser.add_argument("--warmup", type=float, default=2.0, help="uncounted warm-up, s (2)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, s (10)")
    parser.add_argument("--conversations", type=int, default=100_000, help="in the inbox")
    parser.add_argument("--inbox-requests", type=int, default=30, help="inbox page loads (30)")
    parser.add_argument("--database-url", default=None, help="an existing local database")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    exit_on_sigterm()
    var_dir = Path(tempfile.mkdtemp(prefix=f"qorgau-bench-{TAG}-"))
    try:
        figures = run(args, var_dir)
    except (SetupError, psycopg.Error) as exc:
        logger(TAG)(f"FAILED: {exc}")
        if tail := log_tail(OUT_DIR / f"{TAG}-gunicorn.log"):
            print(tail)
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    broken = report(args, figures)
    write_json(
        args.json,
        {k: asdict(v) if isinstance(v, Phase) else v for k, v in figures.items()},
    )
    for problem in broken:
        print(f"BROKEN: {problem}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
