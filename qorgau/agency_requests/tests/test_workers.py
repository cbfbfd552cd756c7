"""Outbox workers as separate processes on PostgreSQL: a worker killed mid-delivery loses
nothing, and several workers never deliver the same request twice (decision 0006)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from django.db import connection

from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.models import Delivery
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.appeals.models import Appeal

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URGENT = {
    "urgency": "urgent",
    "urgency_reason": "қауіп",
    "risk_flags": ["violence_now"],
    "direction": 2,
}


def _worker(*args: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "QORGAU_OUTBOX_LEASE_SECONDS": "2",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
    }
    code = "from qorgau.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "deliver", "--poll", "0.2", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _send(personas, agency, register) -> Delivery:
    appeal = Appeal.objects.get(number=register(**URGENT)["number"])
    request = request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    return Delivery.objects.get(request=request)


def test_worker_killed_mid_delivery_loses_nothing(personas, make_agency, register, receiver):
    agency = make_agency(
        "almaty.police", "central", "almaty", [2], email=False, webhook=receiver.url
    )
    delivery = _send(personas, agency, register)
    receiver.hang_seconds = 4
    worker = _worker("--threads", "1")
    try:
        _until(lambda: receiver.arrivals >= 1)
        worker.send_signal(signal.SIGKILL)  # dies while the agency is still answering
        worker.wait(10)
    finally:
        worker.kill()
    delivery.refresh_from_db()
    assert delivery.status == "sending"  # claimed, never recorded
    receiver.hang_seconds = 0
    _until(lambda: bool(claim("rescuer", limit=5)) or False, seconds=10)  # after the lease
    delivery.refresh_from_db()
    assert delivery.claimed_by == "rescuer"
    assert deliver_one(delivery, "rescuer")
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    _until(lambda: len(receiver.received) == 2)  # the killed attempt's answer arrives too…
    assert len(set(receiver.keys())) == 1  # …with the same idempotency key: not a new request


def test_several_workers_never_deliver_twice(personas, make_agency, register, receiver):
    agency = make_agency(
        "almaty.police", "central", "almaty", [2], email=False, webhook=receiver.url
    )
    deliveries = [_send(personas, agency, register) for _ in range(30)]
    # Each answer takes 0.25 s, so the work lasts longer than a worker's start-up and all three
    # workers take part (without it, on a busy machine the first could finish alone).
    receiver.hang_seconds = 0.25
    workers = [_worker("--once", "--threads", "2", "--name", f"w{i}") for i in range(3)]
    for worker in workers:
        assert worker.wait(60) == 0, worker.stderr.read() if worker.stderr else ""
    assert Delivery.objects.filter(status="delivered").count() == len(deliveries)
    keys = receiver.keys()
    assert len(keys) == len(set(keys)) == len(deliveries)
    assert len(set(Delivery.objects.values_list("claimed_by", flat=True))) >= 2
