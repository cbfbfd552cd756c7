"""The benchmark database seen from outside the product: one-off queries and counts, and what
its PostgreSQL backends are doing, sampled from pg_stat_activity while a phase runs."""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any, LiteralString

import psycopg
from psycopg import sql

from bench.harness.machine import CpuSnapshot, Sampler, cpu_snapshot

# The state of every other client backend of the database the connection is to.
BACKENDS_QUERY = (
    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)


def rows(url: str, query: LiteralString | sql.Composed, params: Sequence[Any] = ()) -> list[Any]:
    """The rows of one query on a connection of its own."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        return conn.execute(query, params).fetchall()


def number(url: str, query: LiteralString | sql.Composed, params: Sequence[Any] = ()) -> int:
    """The first column of the first row of a query, as an integer (0 if there is no row)."""
    found = rows(url, query, params)
    return int(found[0][0]) if found else 0


def count_rows(url: str, table: str) -> int:
    return number(url, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))


def backend_state(state: str | None, kind: str | None, event: str | None) -> str:
    """A row of BACKENDS_QUERY in words: "active, on CPU", "active, waiting Lock:tuple",
    "idle in transaction", "idle", or the state as PostgreSQL gives it."""
    if state == "active":
        return f"active, waiting {kind}:{event}" if kind else "active, on CPU"
    return str(state)


class BackendSampler(Sampler):
    """The states of the database's other backends every `every` seconds, with the time of each
    sample; with `cpu_every` N, also a CPU snapshot every N samples, so that both can be
    reported for part of a phase (delivery.py: up to 99 % delivered)."""

    WORDING = {
        "idle in transaction": "idle in transaction (app working)",
        "idle": "idle (between requests)",
    }

    def __init__(self, url: str, every: float = 0.2, cpu_every: int = 0) -> None:
        super().__init__(every)
        self.url = url
        self.cpu_every = cpu_every
        self.samples: list[tuple[float, Counter[str]]] = []
        self.cpu: list[CpuSnapshot] = []
        self.conn: psycopg.Connection[Any] | None = None

    def session(self) -> contextlib.AbstractContextManager[object]:
        self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        return self.conn

    def sample(self) -> None:
        assert self.conn is not None
        if self.cpu_every and len(self.samples) % self.cpu_every == self.cpu_every - 1:
            self.cpu.append(cpu_snapshot())
        counts: Counter[str] = Counter()
        for state, kind, event in self.conn.execute(BACKENDS_QUERY).fetchall():
            counts[backend_state(state, kind, event)] += 1
        self.samples.append((time.monotonic(), counts))

    def _until(self, until: float) -> list[Counter[str]]:
        """The samples taken by `until`, or all of them if none was."""
        chosen = [counts for at, counts in self.samples if at <= until]
        return chosen or [counts for _, counts in self.samples]

    def shares(self) -> dict[str, float]:
        """Each state's share of all backends seen in all samples, in %."""
        total: Counter[str] = Counter()
        for counts in self._until(math.inf):
            total.update({self.WORDING.get(k, k): v for k, v in counts.items()})
        seen = sum(total.values())
        return {k: 100.0 * v / seen for k, v in total.most_common()} if seen else {}

    def mean_per_sample(self, until: float = math.inf) -> dict[str, float]:
        """Mean number of backends in each state per sample taken by `until`."""
        chosen = self._until(until)
        total: Counter[str] = Counter()
        for counts in chosen:
            total.update(counts)
        return {k: v / len(chosen) for k, v in total.most_common()} if chosen else {}

    def mean_waiting_on_locks(self) -> tuple[float, float]:
        """(backends waiting on a heavyweight lock, backends) per sample, on average."""
        if not self.samples:
            return math.nan, math.nan
        lock = "active, waiting Lock:"
        waiting = sum(n for _, c in self.samples for k, n in c.items() if k.startswith(lock))
        seen = sum(n for _, c in self.samples for n in c.values())
        return waiting / len(self.samples), seen / len(self.samples)

    def cpu_until(self, until: float, last: CpuSnapshot) -> CpuSnapshot:
        """The last CPU snapshot taken by `until`, or `last` if there is none."""
        return max((c for c in self.cpu if c.wall <= until), key=lambda c: c.wall, default=last)
