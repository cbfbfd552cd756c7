"""Intake benchmark: how fast Qorgau registers appeals, compared with the cheapest possible write.

What it measures
  Two phases against one server (bench/harness/versus_floor.py: same workers, same client
  count, same duration):
  1. registration: POST /api/v1/appeals with a valid, slightly varied appeal per request;
  2. floor: POST /api/v1/bench/floor, which only authenticates and inserts one row.
  For each phase: 201s per second, p50/p95/p99/max latency of the 201s, non-201 answers by
  status, peak RSS per worker, CPU used by workers / PostgreSQL / this load generator, and the
  rows the database gained compared with the 201s received (lost = 201s - rows, must be 0).
  Registration is also checked for duplicate appeal numbers, in the answers and in the table.
  Targets: registration >= 60 % of the floor's rate, and registration p99 <= 150 ms.

How
  A fresh PostgreSQL database qorgau_bench on 127.0.0.1; the load generator is asyncio with
  raw HTTP/1.1, request bodies built before the run (bench/harness/http.py); worker RSS is
  sampled every 0.5 s from /proc/<pid>/status (workers are the children of the master).

Exit status: 0 when the measurement completed (whatever the targets say); 1 when rows were lost,
numbers were duplicated or a phase got no 201 at all; 2 when the set-up or the server failed.

Usage: .venv/bin/python -m bench.intake [--seconds 30] [--clients 32] [--workers 4]
                                        [--database-url URL] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from typing import Any

from bench.harness.http import Turn, raw_request, sending
from bench.harness.postgres import number, rows
from bench.harness.versus_floor import Benchmark, Phase, Server, main, measure

APPEALS_PATH = "/api/v1/appeals"
APPEALS_TABLE = "appeals_appeal"
REGIONS = ("almaty", "astana", "shymkent", "karaganda", "turkistan")
NAMES = {
    "kk": ("Айгүл Серікова", "Ерлан Жұмабаев", "Динара Әбілқызы", "Нұрлан Оспанов"),
    "ru": ("Ольга Ким", "Сергей Петров", "Асель Нурланова", "Марина Ли"),
}
SUMMARIES = {
    "kk": ("Мектепте қорлау", "Отбасындағы зорлық", "Алимент төленбейді"),
    "ru": ("Травля в школе", "Насилие в семье", "Не платят алименты"),
}


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


def appeal_number(body: bytes) -> list[str]:
    """The number in a 201's body, or none when the body is not the expected JSON."""
    try:
        return [str(json.loads(body)["number"])]
    except (ValueError, KeyError, TypeError):
        return []


def duplicate_numbers(url: str) -> int:
    """Appeal numbers the table holds more than once."""
    query = "SELECT number FROM appeals_appeal GROUP BY number HAVING count(*) > 1"
    return len(rows(url, query))


def numbers_found(url: str, numbers: list[str]) -> int:
    query = "SELECT count(DISTINCT number) FROM appeals_appeal WHERE number = ANY(%s)"
    return number(url, query, [numbers])


async def registration(server: Server, args: argparse.Namespace, prepared: None) -> Phase:
    phase = Phase("registration")
    rng = random.Random(f"registration-{os.getpid()}")
    requests = [
        raw_request(server.port, "POST", APPEALS_PATH, server.user_token, appeal_body(rng))
        for _ in range(1024)
    ]
    numbers: list[str] = []  # the appeal numbers in the phase's 201s (not the warm-up's)

    def keeping_numbers() -> Turn:
        numbers.clear()
        return sending(requests, args.timeout, lambda body: numbers.extend(appeal_number(body)))

    await measure(
        phase, server, args, keeping_numbers, accepted=201, tables=(APPEALS_TABLE,), sample_rss=True
    )
    answered = sorted(set(numbers))
    lost = max(0, phase.accepted - phase.rows_gained[APPEALS_TABLE])
    phase.checks = {
        "201s without a row (lost)": (lost, 0),
        "duplicate numbers in the table": (duplicate_numbers(server.database_url), 0),
        "numbers answered twice": (len(numbers) - len(answered), 0),
        "answered numbers in the table / answered": (
            numbers_found(server.database_url, answered),
            len(answered),
        ),
    }
    return phase


def registration_rows(phase: Phase) -> list[tuple[str, str]]:
    return [("appeal rows gained", str(phase.rows_gained[APPEALS_TABLE]))]


INTAKE = Benchmark[None](
    tag="intake",
    title="Qorgau intake benchmark",
    db_name="qorgau_bench",
    default_clients=32,
    target_ratio=60.0,
    target_p99_ms=150.0,
    prepare=lambda env: None,
    phase=registration,
    rows=registration_rows,
    sample_rss=True,
)

if __name__ == "__main__":
    sys.exit(main(INTAKE, __doc__ or ""))
