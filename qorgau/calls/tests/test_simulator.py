"""`qorgau simulate_calls` against a live server: what it reports is what the
database holds."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, CallEvent, CallState


def reported(output: str, pattern: str) -> tuple[int, ...]:
    found = re.search(pattern, output, re.MULTILINE)
    assert found, f"{pattern!r} not in:\n{output}"
    return tuple(int(g) for g in found.groups())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulated_calls_are_stored_as_reported(live_server):
    system, token = phone_system_register(name="Simulator")
    out = io.StringIO()
    # SQLite's in-memory test database is one connection shared with the server thread:
    # requests must not overlap there.
    threads = 1 if connection.vendor == "sqlite" else 4
    call_command(
        "simulate_calls",
        url=live_server.url,
        token=token,
        rate=25.0,
        duration=1.0,
        time_scale=0.001,
        seed=1,
        no_recordings=True,
        threads=threads,
        stdout=out,
        stderr=io.StringIO(),
    )
    output = out.getvalue()
    (started,) = reported(output, r"^calls started: (\d+)$")
    kk, ru = reported(output, r"^lines: kk (\d+), ru (\d+)$")
    (events,) = reported(output, r"^events posted: (\d+) ")
    (accepted,) = reported(output, r"^event answers by status: 202: (\d+)$")
    (abandoned,) = reported(output, r"abandoned: (\d+)$")

    calls = Call.objects.filter(phone_system=system)
    assert started > 10 and calls.count() == started
    assert events == accepted == CallEvent.objects.filter(phone_system=system).count()
    assert kk > 0 and ru > 0
    assert calls.filter(line="kk").count() == kk and calls.filter(line="ru").count() == ru
    assert not calls.exclude(state=CallState.ENDED).exists()
    assert calls.filter(hangup_cause="abandoned", answered_at=None).count() == abandoned
    for call in calls.exclude(hangup_cause="abandoned"):
        assert call.started_at < call.answered_at < call.ended_at
        assert call.extension in {"101", "102", "103", "104"}
