"""The product's server under a benchmark: started as `qorgau serve` starts it (gunicorn with
uvicorn workers, qorgau/core/serving.py) without its access log, waited for until every worker
is up and it answers HTTP, and stopped gracefully, or killed when it hangs."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.harness.machine import children_of
from bench.harness.setup import HOST, PROJECT_DIR, SetupError


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_start(
    env: dict[str, str], port: int, workers: int, log_path: Path
) -> subprocess.Popen[bytes]:
    """The product's server as `qorgau serve` starts it on 127.0.0.1:port, without its access
    log; its output in `log_path`."""
    from qorgau.core.serving import gunicorn_argv

    return server_popen(gunicorn_argv(HOST, port, workers, access_log=False), env, log_path)


def server_popen(
    argv: list[str], env: dict[str, str], log_path: Path, append: bool = False
) -> subprocess.Popen[bytes]:
    """Start a server (or worker) in the project folder, in a session of its own, its output
    (stdout and stderr) in `log_path`, or appended to it (several workers, one log)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab" if append else "wb") as out:
        return subprocess.Popen(
            argv,
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def http_answers(port: int) -> bool:
    request = (
        f"GET /api/v1/openapi.json HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n"
    )
    try:
        with socket.create_connection((HOST, port), timeout=5) as s:
            s.sendall(request.encode("ascii"))
            return s.recv(16).startswith(b"HTTP/1.")
    except OSError:
        return False


def server_wait(
    server: subprocess.Popen[bytes], port: int, workers: int, limit: float, log_path: Path
) -> None:
    """Wait until `workers` workers are up and the server answers an HTTP request."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"the server exited with {server.returncode}; see {log_path}")
        if len(children_of(server.pid)) >= workers and http_answers(port):
            return
        time.sleep(0.2)
    raise SetupError(f"the server did not answer within {limit:.0f} s; see {log_path}")


def processes_stop(processes: list[subprocess.Popen[bytes]], grace: float = 20.0) -> None:
    """SIGTERM to each process (graceful), then, for one that is still running after `grace`
    seconds, SIGKILL to it and to the children it had (a server's workers)."""
    running = [p for p in processes if p.poll() is None]
    children = {p.pid: children_of(p.pid) for p in running}
    for p in running:
        p.terminate()
    deadline = time.monotonic() + grace
    for p in running:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for pid in [p.pid, *children[p.pid]]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            p.wait(timeout=10)
