"""Slow clients cannot stop the service (rule 3: around the clock).

A real `qorgau serve` takes 50 connections that send a request one byte a second and never
finish it: 40 send the header that way (slow-loris), 10 a whole header and then the body (a
slow client that the server closes connects again). Meanwhile
an authenticated API call must answer in under a second, again and again, for about ten
seconds. Before docs/decisions/0015-serving-slow-clients.md three such connections froze
the server (3 sync gunicorn workers). Loopback only; everything stops at the end.
"""

from __future__ import annotations

import asyncio
import time

from tests.security.serve_process import HOST, Served, qorgau_serve

SLOW_CONNECTIONS = 50
PROBE_SECONDS = 10.0
LIMIT = 1.0  # seconds an answer may take


SLOW_HEADER = f"GET /api/v1/appeals HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode() + b"a" * 100
# A whole header at once, then a body that never ends, one byte a second.
SLOW_BODY = (
    f"POST /api/v1/kb/search HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
    "Content-Length: 100000\r\n\r\n"
).encode()


async def slow_client(port: int, stop: asyncio.Event, sent: list[int], body: bool) -> None:
    """Send a never-ending request one byte a second until `stop`: its header, or (`body`)
    its body after a whole header."""
    while not stop.is_set():
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            if body:
                writer.write(SLOW_BODY)
            for byte in b"{" + b" " * 200 if body else SLOW_HEADER:
                writer.write(bytes([byte]))
                await writer.drain()
                sent.append(1)
                if await _stopped(stop, 1.0) or reader.at_eof():
                    break
        except OSError:
            await _stopped(stop, 1.0)  # closed by the server: connect again
        finally:
            writer.close()


async def _stopped(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def probe(served: Served) -> tuple[int, float]:
    """One authenticated GET on a new connection: (status, seconds to the whole answer)."""
    request = (
        f"GET /api/v1/appeals?limit=1 HTTP/1.1\r\nHost: {HOST}\r\n"
        f"Authorization: Bearer {served.api_token}\r\nConnection: close\r\n\r\n"
    ).encode()
    began = time.monotonic()
    try:
        async with asyncio.timeout(LIMIT):
            reader, writer = await asyncio.open_connection(HOST, served.port)
            writer.write(request)
            answer = await reader.read()  # to the end: Connection: close
            writer.close()
    except TimeoutError:
        return 0, time.monotonic() - began
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, time.monotonic() - began


async def attack(served: Served) -> tuple[list[tuple[int, float]], int]:
    """Probe every 0.25 s for PROBE_SECONDS while the slow clients hold their connections."""
    for _ in range(6):  # every worker has loaded the code before the clock starts
        await probe(served)
    stop, sent = asyncio.Event(), []
    slow = [
        asyncio.create_task(slow_client(served.port, stop, sent, body=n % 5 == 4))
        for n in range(SLOW_CONNECTIONS)
    ]
    await asyncio.sleep(2.0)  # all connected, a few bytes each
    results = []
    deadline = time.monotonic() + PROBE_SECONDS
    while time.monotonic() < deadline:
        results.append(await probe(served))
        await asyncio.sleep(0.25)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*slow), 10)
    return results, len(sent)


def test_the_api_answers_while_50_clients_send_headers_one_byte_a_second(tmp_path):
    with qorgau_serve(tmp_path, workers=2) as served:
        results, bytes_sent = asyncio.run(attack(served))
    assert bytes_sent >= SLOW_CONNECTIONS * 10  # the slow clients really were sending
    assert len(results) >= 20
    late = [(status, round(took, 2)) for status, took in results if status != 200 or took >= LIMIT]
    assert not late, f"{len(late)} of {len(results)} probes failed or were slow: {late}"


def test_a_body_is_read_no_further_than_the_largest_allowed(settings):
    """A client streaming an endless body fills neither memory nor disk: the handler keeps one
    byte over the largest body any path accepts, and core/middleware.py answers 413."""
    from qorgau.asgi import QorgauASGIHandler

    settings.MAX_BODY_BYTES, settings.BODY_LIMITS = 1000, [(r"^/upload$", 5000)]
    handler = QorgauASGIHandler(concurrent=1)
    chunks = iter(range(10_000))

    async def receive() -> dict[str, object]:
        next(chunks)
        return {"type": "http.request", "body": b"x" * 700, "more_body": True}

    body = asyncio.run(handler.read_body(receive))
    assert len(body.read()) == 5001
    assert next(chunks) < 20  # it stopped receiving, too
