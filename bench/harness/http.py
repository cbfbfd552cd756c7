"""The load generator of the server benchmarks: a minimal HTTP/1.1 client over asyncio streams
(keep-alive when the server allows it, request bytes built before the run) and closed-loop
clients, each sending one request at a time until a deadline. It shares the machine with the
server, so it is kept cheap."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.harness.setup import HOST


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 as this client understands it."""


def raw_request(port: int, method: str, path: str, token: str, body: dict[str, Any]) -> bytes:
    """The bytes of a JSON request with a bearer token to 127.0.0.1:port."""
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + payload


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Read one response: (status, connection must be closed, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ProtocolError(f"bad status line {lines[0]!r}")
    version, status = parts[0], int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip().lower()
    connection = headers.get("connection", "")
    close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", ""):
        body = await read_chunked(reader)
    elif status in (204, 304) or status < 200:
        body = b""
    else:
        body, close = await reader.read(), True
    return status, close, body


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


class Connection:
    """One client's keep-alive connection to 127.0.0.1, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.opened = 0

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            self.opened += 1
        self.writer.write(request)
        await self.writer.drain()
        status, close, body = await read_response(self.reader)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# Errors that mean "no answer on this connection": close it and count a connection error.
CONNECTION_ERRORS = (OSError, EOFError, asyncio.LimitOverrunError, ProtocolError, ValueError)


@dataclass
class Load:
    """What the clients of one run saw."""

    accepted_status: int  # 201 or 202: the answer the endpoint gives when it took the request
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)  # status or error: count
    latencies_ms: list[float] = field(default_factory=list)  # of the accepted answers
    connections: int = 0


async def timed(
    conn: Connection, request: bytes, timeout: float, load: Load
) -> tuple[int, bytes, float] | None:
    """(status, body, ms) of one exchange, or None when there was no answer (counted)."""
    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            status, body = await conn.exchange(request)
    except TimeoutError:
        load.outcomes["timeout"] += 1
        conn.close()
        return None
    except CONNECTION_ERRORS:
        load.outcomes["connection error"] += 1
        conn.close()
        await asyncio.sleep(0.1)  # do not spin if the server is gone
        return None
    elapsed_ms = (time.perf_counter() - start) * 1000.0
    load.outcomes[str(status)] += 1
    if status == load.accepted_status:
        load.latencies_ms.append(elapsed_ms)
    return status, body, elapsed_ms


# One turn of client number k on its connection: one request, or a few that belong together.
Turn = Callable[[int, Connection, Load], Awaitable[None]]


def sending(
    requests: list[bytes], timeout: float, on_accepted: Callable[[bytes], None] | None = None
) -> Turn:
    """Turns that send `requests` in a cycle, each client from its own place in it; the body of
    each accepted answer goes to `on_accepted`."""
    position: dict[int, int] = {}

    async def turn(k: int, conn: Connection, load: Load) -> None:
        i = position.get(k, k * 97)
        position[k] = i + 1
        answer = await timed(conn, requests[i % len(requests)], timeout, load)
        if on_accepted and answer and answer[0] == load.accepted_status:
            on_accepted(answer[1])

    return turn


async def closed_loop(
    port: int, turn: Turn, clients: int, seconds: float, accepted: int, grace: float
) -> Load:
    """`clients` clients, each with its own connection, take turns until `seconds` have passed
    (a turn begun goes on; `grace` seconds more at the most)."""
    load = Load(accepted_status=accepted)
    start = time.monotonic()
    deadline = start + seconds

    async def client(k: int) -> None:
        conn = Connection(port)
        try:
            while time.monotonic() < deadline:
                await turn(k, conn, load)
        finally:
            conn.close()
            load.connections += conn.opened

    async with asyncio.timeout(seconds + grace):
        await asyncio.gather(*(client(k) for k in range(clients)))
    load.seconds = time.monotonic() - start
    return load
