"""A real `qorgau serve` process for attack-style tests: a SQLite database in a temporary
folder with fresh secrets, a consultant at extension 201 with an API token, a registered phone
system, the server on a free 127.0.0.1 port with its whole output (stdout and stderr) in one
file, and a small cookie-keeping HTTP client. Everything it starts is stopped at the end."""

from __future__ import annotations

import base64
import contextlib
import http.cookiejar
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PROJECT_DIR = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD, EXTENSION = "operator", "pw-operator-111", "201"

# Run in `qorgau shell`: the consultant, their API token and the phone system's token.
SETUP = f"""
import json
from django.core.management import call_command
from qorgau.calls.auth import phone_system_register
from qorgau.staff.actions import token_issue
from qorgau.staff.models import User
user = User.objects.create_user(
    username={USERNAME!r}, password={PASSWORD!r}, role="consultant", extension={EXTENSION!r}
)
if KB:
    call_command("kb", "starter", verbosity=0)
print(json.dumps({{"api": token_issue(owner=user), "pbx": phone_system_register(name="PBX")[1]}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def product_env(folder: Path) -> dict[str, str]:
    """This process's environment without any Qorgau or Django setting, plus fresh ones."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QORGAU_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qorgau.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        QORGAU_FIELD_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        QORGAU_BLIND_INDEX_KEY=secrets.token_urlsafe(32),
        QORGAU_VAR_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'qorgau.sqlite3'}",
        QORGAU_FAST_PASSWORD_HASHER="1",
        QORGAU_LOG_LEVEL="INFO",  # more than production logs: a stricter test
    )
    return env


def qorgau_command() -> list[str]:
    executable = Path(sys.executable).parent / "qorgau"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "qorgau.cli"]


@dataclass
class Served:
    port: int
    log_path: Path
    api_token: str
    pbx_token: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/login/", timeout=5) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _wait(server: subprocess.Popen[bytes], port: int, log_path: Path, limit: float = 90) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"qorgau serve exited: {log_path.read_text()[-2000:]}")
        if _answers(port):
            return
        time.sleep(0.3)
    raise RuntimeError(f"qorgau serve did not answer in {limit:.0f} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (gunicorn and its workers), then SIGKILL."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@contextlib.contextmanager
def qorgau_serve(folder: Path, *, workers: int = 2, kb: bool = False) -> Iterator[Served]:
    """Migrate, set up the consultant, then run `qorgau serve` until the block ends."""
    env = product_env(folder)
    run = {"cwd": PROJECT_DIR, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([*qorgau_command(), "migrate", "-v0"], timeout=300, **run)  # type: ignore[call-overload]
    code = f"KB = {kb!r}\n{SETUP}"
    done = subprocess.run([*qorgau_command(), "shell", "-c", code], timeout=300, **run)  # type: ignore[call-overload]
    tokens = json.loads(done.stdout.strip().splitlines()[-1])
    port, log_path = free_port(), folder / "serve.log"
    command = [*qorgau_command(), "serve", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as out:
        server = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,  # the whole output, in the order written
            start_new_session=True,
        )
    try:
        _wait(server, port, log_path)
        yield Served(port, log_path, tokens["api"], tokens["pbx"])
    finally:
        _stop(server)


class Browser:
    """A signed-in staff session: cookies kept, the CSRF token sent as htmx sends it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        data, sent = None, {"X-CSRFToken": self.csrf(), **(headers or {})}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base_url + path, data, sent, method=method)  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self) -> None:
        self.request("GET", "/login/")
        form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        status, page = self.request("POST", "/login/", form=form)
        if status != 200 or "logout" not in page:
            raise RuntimeError(f"sign-in failed ({status})")
