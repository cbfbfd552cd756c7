"""Local fake providers for the messenger tests: an http.server on 127.0.0.1 that speaks the
documented shapes of Telegram's sendMessage, the WhatsApp Cloud API's /messages and a generic SMS
gateway, records what arrives and can fail on purpose."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_TOKEN = "123456:AAbot-token-never-logged"
WA_TOKEN = "EAAG-access-token-never-logged"
WA_PHONE_ID = "1098765"
SMS_KEY = "sms-api-key-never-logged"


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeProviders:
    base: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    fail_next: int = 0  # the next N requests fail (Telegram 429 / WhatsApp 500 / SMS 503)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def sent(self, prefix: str) -> list[dict[str, Any]]:
        return [a.body for a in self.arrivals if a.path.startswith(prefix)]


def _answer(fake: FakeProviders, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    with fake.lock:
        fake.count += 1
        n, failing = fake.count, fake.fail_next > 0
        if failing:
            fake.fail_next -= 1
    if path.startswith("/telegram/bot"):
        if path != f"/telegram/bot{BOT_TOKEN}/sendMessage":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if failing:
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        return 200, {"ok": True, "result": {"message_id": n, "chat": {}, "date": 0, "text": ""}}
    if path.startswith("/whatsapp/"):
        if headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return 401, {"error": {"message": "Invalid OAuth access token.", "code": 190}}
        if path != f"/whatsapp/{WA_PHONE_ID}/messages":
            return 404, {"error": {"message": "Unknown path", "code": 100}}
        if failing:
            return 500, {"error": {"message": "Service temporarily unavailable", "code": 2}}
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": "", "wa_id": ""}],
            "messages": [{"id": f"wamid.HBgL{n}"}],
        }
    if path.startswith("/sms"):
        if failing:
            return 503, {"error": "busy"}
        return 200, {"id": f"sms-{n}"}
    return 404, {}


@contextmanager
def fake_providers() -> Iterator[FakeProviders]:
    fake = FakeProviders()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            status, answer = _answer(fake, self.path, headers)
            if status == 200:
                with fake.lock:
                    fake.arrivals.append(Arrival(self.path, headers, json.loads(raw)))
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def run_outbox(worker: str = "w1") -> int:
    """What one `qorgau deliver` pass does for applicants: claim due rows and send them."""
    from qorgau.conversations.outbox import outgoing_claim, outgoing_deliver

    sent = 0
    for outgoing in outgoing_claim(worker, limit=50):
        sent += outgoing_deliver(outgoing, worker)
    return sent
