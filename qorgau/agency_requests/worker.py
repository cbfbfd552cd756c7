"""The outbox worker loop: agencies' deliveries and applicants' replies and notices
(conversations/outbox.py). It keeps its threads busy: whenever a thread is free it claims due
deliveries (urgent first) for the free threads only, so an urgent request never waits behind a
slow agency's batch. When nothing is due it sleeps until PostgreSQL NOTIFY says a request was
committed, or the poll interval passes. Any number of workers may run on any hosts."""

from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import FrameType

from django.db import connection

from qorgau.agency_requests.actions.reminders import deadline_sweep
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.calls.recordings import recording_expire_due
from qorgau.conversations.mailbox import mail_fetch_due
from qorgau.conversations.outbox import outgoing_claim, outgoing_deliver
from qorgau.core.outbox import OUTBOX_CHANNEL

SWEEP_SECONDS = 60


class Worker:
    def __init__(self, *, threads: int = 4, poll: float = 1.0, name: str = "") -> None:
        self.threads = threads
        self.poll = poll
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        self.listening = False
        self.last_sweep = 0.0
        self.running: set[Future[bool]] = set()

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        """Finish the deliveries under way, then return (SIGTERM, SIGINT)."""
        self.stopping = True

    def _sweep_if_due(self) -> None:
        if time.monotonic() - self.last_sweep >= SWEEP_SECONDS:
            self.last_sweep = time.monotonic()
            deadline_sweep()
            recording_expire_due()  # retention of call recordings (decision 0008)
            mail_fetch_due()  # the centre's mailbox: e-mails become conversations (rule 2(7))

    def fill(self, pool: ThreadPoolExecutor) -> int:
        """Claim work for the free threads and start it; returns how many were started."""
        self._sweep_if_due()
        free = self.threads - len(self.running)
        if free <= 0:
            return 0
        batch = claim(self.name, limit=free)
        self.running |= {pool.submit(deliver_one, d, self.name) for d in batch}
        # Replies and notices to applicants (conversations/outbox.py) share the free threads.
        outgoing = outgoing_claim(self.name, limit=free - len(batch))
        self.running |= {pool.submit(outgoing_deliver, o, self.name) for o in outgoing}
        return len(batch) + len(outgoing)

    def _idle_wait(self) -> None:
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

    def _settle(self, timeout: float) -> None:
        done, _pending = wait(self.running, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            future.result()  # a bug in a delivery must not pass silently
        self.running -= done

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        with ThreadPoolExecutor(self.threads, thread_name_prefix="deliver") as pool:
            while not self.stopping:
                self.fill(pool)
                if self.running:
                    # With a thread free, look for new (urgent) work again soon.
                    busy = len(self.running) >= self.threads
                    self._settle(timeout=self.poll if busy else 0.1)
                elif once:
                    return
                else:
                    self._idle_wait()
            while self.running:
                self._settle(timeout=self.poll)
