"""Real local peers for delivery tests and benchmarks: an SMTP server (aiosmtpd) and a webhook
receiver (http.server) on 127.0.0.1, recording what arrives and able to fail on purpose."""

from __future__ import annotations

import json
import random
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@dataclass
class Received:
    key: str
    signature: str
    body: dict[str, Any]
    path: str


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 drops connections under load
    daemon_threads = True


class WebhookReceiver:
    """Accepts POSTs, remembers them, and fails a share of them with 503 (or all, or hangs)."""

    def __init__(self, fail_ratio: float = 0.0, seed: int = 1) -> None:
        self.fail_ratio = fail_ratio
        self.hang_seconds = 0.0
        self.arrivals = 0
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with receiver.lock:
                    receiver.arrivals += 1
                if receiver.hang_seconds:
                    threading.Event().wait(receiver.hang_seconds)
                with receiver.lock:
                    fail = receiver.random.random() < receiver.fail_ratio
                    if not fail:
                        receiver.received.append(
                            Received(
                                key=self.headers.get("Idempotency-Key", ""),
                                signature=self.headers.get("X-Qorgau-Signature", ""),
                                body=json.loads(raw),
                                path=self.path,
                            )
                        )
                self.send_response(503 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def keys(self) -> list[str]:
        with self.lock:
            return [r.key for r in self.received]


def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server on 127.0.0.1 and its inbox (generator for a pytest fixture)."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
