"""Guessing secret codes on the public status look-up (rule 6(l)): nobody can lock an applicant
out of their own status, guessing is limited per client address, the limit holds under parallel
requests on SQLite and PostgreSQL, and supervisors see unusual volume on their board."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

WRONG = "ZZZZ-ZZZZ-ZZZZ"
LIMIT = 5  # settings.STATUS_LOOKUP_MAX_FAILURES


def ask(number: str, code: str, address: str, language: str = "kk") -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    return client.post(
        "/api/v1/public/status", {"number": number, "code": code}, content_type="application/json"
    )


@pytest.mark.django_db
def test_right_code_works_after_many_wrong_codes_from_other_addresses(register):
    created = register()
    for i in range(60):
        assert ask(created["number"], WRONG, f"10.1.{i // 4}.{i}").status_code == 404
    assert ask(created["number"], created["code"], "10.2.2.2").status_code == 200


@pytest.mark.django_db
def test_per_address_limit_holds_even_for_the_right_code(register):
    created = register()
    for i in range(LIMIT):
        assert ask(f"111-2026-90000{i}", WRONG, "10.9.9.9").status_code == 404
    refused = ask(created["number"], created["code"], "10.9.9.9", "ru")
    assert refused.status_code == 429 and "попыток" in refused.json()["detail"]
    assert ask(created["number"], created["code"], "10.9.9.10").status_code == 200


@pytest.mark.django_db
def test_an_ipv6_subscriber_block_counts_as_one_address(register):
    """One line gets a /64: its 2**64 addresses must not mean 2**64 times the guesses."""
    created = register()
    for i in range(1, LIMIT + 1):
        assert ask(created["number"], WRONG, f"2001:db8:0:7::{i:x}").status_code == 404
    assert ask(created["number"], created["code"], "2001:db8:0:7::ffff").status_code == 429
    assert ask(created["number"], created["code"], "2001:db8:0:8::1").status_code == 200


@pytest.mark.django_db
def test_a_right_code_does_not_use_up_the_wrong_ones(register):
    created = register()
    for _ in range(LIMIT - 1):
        assert ask(created["number"], WRONG, "10.3.3.3").status_code == 404
    assert ask(created["number"], created["code"], "10.3.3.3").status_code == 200
    assert ask(created["number"], WRONG, "10.3.3.3").status_code == 404  # the fifth failure
    assert ask(created["number"], WRONG, "10.3.3.3").status_code == 429


@contextmanager
def _threads_on_a_database_file(folder: Path) -> Iterator[None]:
    """On PostgreSQL, nothing to do. SQLite's test database lives in memory in shared-cache mode,
    where a busy writer makes the others fail at once instead of waiting; app processes share a
    database *file*. So the threads get a copy of the test database in a file, opened with the
    settings every app process uses (WAL, IMMEDIATE transactions, a busy timeout)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = str(folder / "parallel.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    database = connections.settings["default"]
    in_memory = database["NAME"]
    database["NAME"] = path
    try:
        yield
    finally:
        database["NAME"] = in_memory


def _in_parallel(count: int, work: Any, folder: Path) -> list[Any]:
    """`count` calls at once, each thread with its own database connection."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        try:
            barrier.wait(timeout=60)
            return work(i)
        finally:
            connection.close()

    with _threads_on_a_database_file(folder), ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_40_parallel_guesses_get_no_more_through_than_the_limit(register, tmp_path):
    number = register()["number"]
    codes = _in_parallel(40, lambda _i: ask(number, WRONG, "10.6.6.6").status_code, tmp_path)
    assert sorted(set(codes)) == [404, 429], codes
    assert codes.count(404) == LIMIT, codes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_guesses_never_lock_out_the_right_code(register, tmp_path):
    """40 guessers from 40 addresses, and the holder among them, all at once."""
    created = register()

    def one(i: int) -> int:
        code = created["code"] if i == 0 else WRONG
        return ask(created["number"], code, f"10.8.0.{i}").status_code

    codes = _in_parallel(40, one, tmp_path)
    assert codes[0] == 200 and set(codes[1:]) == {404}, codes


@pytest.mark.django_db
def test_the_board_shows_unusual_guessing_volume(register, personas, settings):
    settings.STATUS_LOOKUP_ALERT_PER_HOUR = 12
    created = register()
    board = Client(HTTP_ACCEPT_LANGUAGE="ru")
    board.force_login(personas["supervisor"])
    quiet = board.get("/board/deadlines/").content.decode()
    assert "Неудачные запросы статуса за последний час: 0" in quiet
    assert "подбирает" not in quiet
    for i in range(12):
        ask(created["number"], WRONG, f"10.4.4.{i % 3}")
    page = board.get("/board/deadlines/").content.decode()
    assert "Неудачные запросы статуса за последний час: 12" in page
    assert "подбирает секретные коды" in page
    facts = page.split('id="status-guessing"')[1]
    assert "<dd>3</dd>" in facts and "<dd>4</dd>" in facts  # 3 addresses, 4 from each
    assert created["number"] not in page and WRONG not in page and "10.4.4." not in page
    other = Client()
    other.force_login(personas["consultant"])
    assert other.get("/board/deadlines/").status_code == 403
