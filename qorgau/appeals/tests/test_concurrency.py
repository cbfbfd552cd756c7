"""Registration numbers under concurrent registration (decision 0003) and concurrent retries
with one Idempotency-Key, on PostgreSQL with real parallel connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from qorgau.appeals.actions import appeal_register
from qorgau.appeals.models import Appeal
from qorgau.appeals.schemas import AppealIn
from qorgau.testing import appeal_body

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_registrations_get_unique_gapless_numbers(make_user):
    consultant = make_user("c1", "consultant")
    data = AppealIn.model_validate(appeal_body())

    def register_many(_i: int) -> list[str]:
        return [appeal_register(actor=consultant, data=data).appeal.number for _ in range(10)]

    results = _in_threads(8, register_many)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == len(set(numbers)) == 80
    seqs = sorted(int(n[-6:]) for n in numbers)
    assert seqs == list(range(1, 81))
    assert Appeal.objects.count() == 80


def test_concurrent_retries_with_one_key_make_one_appeal(make_user):
    consultant = make_user("c2", "consultant")
    data = AppealIn.model_validate(appeal_body())

    results = _in_threads(
        6, lambda _i: appeal_register(actor=consultant, data=data, idempotency_key="same-call")
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.appeal.number for r in results}) == 1
    assert len({r.code for r in results}) == 1
    assert Appeal.objects.count() == 1
