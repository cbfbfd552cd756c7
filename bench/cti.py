"""CTI benchmark: how fast Qorgau takes in the phone system's call events, compared with the
cheapest possible write.

What it measures
  Two phases against one server (bench/harness/versus_floor.py: same workers, same client
  count, same duration):
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
  As intake.py, on a fresh PostgreSQL database qorgau_bench_cti: besides the consultant `bench`
  (the floor's caller), `qorgau shell` creates four consultants with the extensions 101-104 and
  registers a phone system (its token printed once). Rows are counted as differences over the
  phase, so the warm-up does not disturb the checks.

Exit status: 0 when the measurement completed (whatever the targets say); 1 when a check failed
(rows lost or extra, a call not ended) or a phase got no accepted answer at all; 2 when the
set-up or the server failed.

Clients: 8 by default (intake.py: 32). Eight closed-loop clients already keep the 4 workers on
2 cores busy (the rate is the same as with 32), and latency is then what an event waits behind
the others, not 32 ÷ throughput; a real phone system sends a few events per second.

Usage: .venv/bin/python -m bench.cti [--seconds 30] [--clients 8] [--workers 4]
                                     [--database-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from bench.harness.http import Connection, Load, Turn, raw_request, timed
from bench.harness.postgres import number
from bench.harness.report import fmt, latency
from bench.harness.setup import SetupError, qorgau
from bench.harness.versus_floor import Benchmark, Phase, Server, main, measure

EVENTS_PATH = "/api/v1/cti/events"
KINDS = ("new_call", "answer", "hangup")
EXTENSIONS = ("101", "102", "103", "104")
MOBILE_PREFIXES = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778")
KZ = timezone(timedelta(hours=5))
# Run by `qorgau shell -c`: consultants at the extensions (so that an answer finds its
# consultant, as in production) and the phone system; prints "<id> <token>".
SETUP = f"""
import secrets
from qorgau.calls.auth import phone_system_register
from qorgau.staff.models import User
for extension in {EXTENSIONS!r}:
    if not User.objects.filter(username=f"consultant{{extension}}").exists():
        User.objects.create_user(
            f"consultant{{extension}}",
            password=secrets.token_urlsafe(16),
            role="consultant",
            extension=extension,
        )
system, token = phone_system_register(name="bench PBX " + secrets.token_hex(4))
print(system.pk, token)
"""


@dataclass(frozen=True)
class PhoneSystem:
    id: int
    token: str


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


@dataclass
class Tally:
    """What the cti phase's clients saw of the calls, besides the answers themselves."""

    by_kind_ms: dict[str, list[float]] = field(default_factory=dict)
    calls_started: int = 0  # new_call sent
    calls_created: int = 0  # new_call answered 202
    fresh: int = 0  # 202s with duplicate false
    duplicates: int = 0
    hung_up: list[str] = field(default_factory=list)  # calls whose hangup got a 202


def duplicate_said(body: bytes) -> bool | None:
    """The answer's `duplicate`, or None when the body is not the expected JSON."""
    try:
        value = json.loads(body).get("duplicate")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, bool) else None


async def play_call(
    conn: Connection, calls: Calls, timeout: float, load: Load, tally: Tally
) -> None:
    """One call's three events in order; a call whose new_call is not accepted ends there."""
    call_id, requests = calls.next_call()
    tally.calls_started += 1
    for kind, request in requests:
        answer = await timed(conn, request, timeout, load)
        if answer is None or answer[0] != 202:
            if kind == "new_call":
                return
            continue
        tally.by_kind_ms.setdefault(kind, []).append(answer[2])
        if duplicate_said(answer[1]) is False:
            tally.fresh += 1
        else:
            tally.duplicates += 1
        if kind == "new_call":
            tally.calls_created += 1
        elif kind == "hangup":
            tally.hung_up.append(call_id)


def calls_ended(server: Server, system: PhoneSystem, call_ids: list[str]) -> int:
    """How many of these calls of the benchmark's phone system are in state "ended"."""
    query = (
        "SELECT count(*) FROM calls_call WHERE phone_system_id = %s AND state = 'ended' "
        "AND call_id = ANY(%s)"
    )
    return number(server.database_url, query, [system.id, call_ids])


async def cti_phase(server: Server, args: argparse.Namespace, system: PhoneSystem) -> Phase:
    phase = Phase("cti")
    seed = f"cti-{os.getpid()}"
    calls = [Calls(server.port, system.token, f"{seed}-{k}") for k in range(args.clients)]
    tallies: list[Tally] = []

    def playing_calls() -> Turn:
        tally = Tally()
        tallies.append(tally)

        async def turn(k: int, conn: Connection, load: Load) -> None:
            await play_call(conn, calls[k], args.timeout, load, tally)

        return turn

    tables = ("calls_callevent", "calls_call")
    await measure(
        phase, server, args, playing_calls, accepted=202, tables=tables, requests_per_turn=3
    )
    tally = tallies[-1]  # the phase's, not the warm-up's
    gained = phase.rows_gained
    hung_up = calls_ended(server, system, tally.hung_up)
    phase.checks = {
        "CallEvent rows gained / 202s not duplicate": (gained["calls_callevent"], tally.fresh),
        "Call rows gained / new_call 202s": (gained["calls_call"], tally.calls_created),
        "calls ended / hangup 202s": (hung_up, len(tally.hung_up)),
        "202s saying duplicate / expected": (tally.duplicates, 0),
    }
    phase.figures["calls started"] = tally.calls_started
    times = {kind: latency(tally.by_kind_ms.get(kind, [])) for kind in KINDS}
    phase.figures["p50 / p99 by event (ms)"] = {k: [t.p50, t.p99] for k, t in times.items()}
    return phase


def cti_rows(phase: Phase) -> list[tuple[str, str]]:
    by_kind = phase.figures["p50 / p99 by event (ms)"]
    rows = [("calls started", str(phase.figures["calls started"]))]
    rows += [
        (f"  {k} p50 / p99 (ms)", f"{fmt(p50)} / {fmt(p99)}") for k, (p50, p99) in by_kind.items()
    ]
    return rows


def prepare(env: dict[str, str]) -> PhoneSystem:
    """The consultants at the extensions and the phone system."""
    lines = qorgau(env, "shell", "-c", SETUP, timeout=120).strip().splitlines()
    system_id, _, pbx_token = (lines[-1] if lines else "").partition(" ")
    if not system_id.isdigit() or not pbx_token:
        raise SetupError("registering the phone system printed no id and token")
    return PhoneSystem(int(system_id), pbx_token.strip())


CTI = Benchmark[PhoneSystem](
    tag="cti",
    title="Qorgau CTI benchmark",
    db_name="qorgau_bench_cti",
    default_clients=8,
    target_ratio=80.0,
    target_p99_ms=100.0,
    prepare=prepare,
    phase=cti_phase,
    rows=cti_rows,
)

if __name__ == "__main__":
    sys.exit(main(CTI, __doc__ or ""))
