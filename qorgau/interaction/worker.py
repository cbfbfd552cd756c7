"""The outbox worker loop: claim, send in a few threads, record; sleep until notified (PostgreSQL
LISTEN/NOTIFY) or until the poll interval passes. Any number of workers may run on any hosts."""

from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

from django.db import connection

from qorgau.interaction.actions import OUTBOX_CHANNEL
from qorgau.interaction.outbox import claim, deliver_one
from qorgau.interaction.reminders import deadline_sweep

SWEEP_SECONDS = 60


class Worker:
    def __init__(self, *, threads: int = 4, poll: float = 1.0, name: str = "") -> None:
        self.threads = threads
        self.poll = poll
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        self.listening = False
        self.last_sweep = 0.0

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        """Finish the current batch, then return (SIGTERM, SIGINT)."""
        self.stopping = True

    def run_once(self, pool: ThreadPoolExecutor) -> int:
        """Claim and deliver one batch; returns how many deliveries were tried. Once a minute
        the deadlines are swept first (reminders, escalation)."""
        if time.monotonic() - self.last_sweep >= SWEEP_SECONDS:
            self.last_sweep = time.monotonic()
            deadline_sweep()
        batch = claim(self.name, limit=self.threads * 2)
        list(pool.map(lambda d: deliver_one(d, self.name), batch))
        return len(batch)

    def _wait(self) -> None:
        if connection.vendor != "postgresql":
            time.sleep(self.poll)
            return
        connection.ensure_connection()
        raw = connection.connection
        if not self.listening:
            raw.execute(f"LISTEN {OUTBOX_CHANNEL}")
            self.listening = True
        for _notice in raw.notifies(timeout=self.poll, stop_after=1):
            pass

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="deliver") as pool:
            while not self.stopping:
                tried = self.run_once(pool)
                if once and not tried:
                    return
                if not tried:
                    self._wait()
