"""Slow clients: does a server set-up keep answering while many clients send their request
headers one byte a second (slow-loris)?

What it measures
  For each server set-up named with --server (default: all of them), on a fresh SQLite database
  in a temporary folder, with 3 workers: the server is started on a free 127.0.0.1 port, then
  --slow connections (50) each send a GET request's header one byte a second, never finishing it,
  while one probe client asks GET /login/ on a new connection every 0.25 s for --seconds (15)
  (after 9 uncounted probes, so that every worker has loaded its code).
  Reported per set-up: probes answered, probes that got no answer within 2 s, and the p50 and
  max latency of the answered ones; and how many slow connections the server had closed by the
  end (a header read timeout closes them).

Set-ups
  sync      gunicorn, 3 sync workers (Qorgau's `serve` before docs/decisions/0015)
  gthread   gunicorn, 3 gthread workers with 4 threads each
  uvicorn   gunicorn with uvicorn-worker's UvicornWorker serving Django's own ASGI handler
  granian   granian serving qorgau.wsgi, 3 workers (not a dependency: skipped unless installed)
  serve     `qorgau serve` as it is now

Usage: .venv/bin/python -m bench.slow_clients [--server NAME ...] [--slow 50] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness.report import fmt, latency
from bench.harness.server import free_port, processes_stop, server_popen, server_wait
from bench.harness.setup import HOST, OUT_DIR, logger, product_env, qorgau

log = logger("slow")
WORKERS = 3
PROBE_TIMEOUT = 2.0
PROBE = f"GET /login/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()

SETUPS: dict[str, list[str]] = {
    "sync": ["-m", "gunicorn", "qorgau.wsgi:application", "--workers", str(WORKERS)],
    "gthread": [
        "-m", "gunicorn", "qorgau.wsgi:application", "--workers", str(WORKERS),
        "--worker-class", "gthread", "--threads", "4",
    ],
    "uvicorn": [
        "-m", "gunicorn", "django.core.asgi:get_asgi_application()", "--workers", str(WORKERS),
        "--worker-class", "uvicorn_worker.UvicornWorker",
    ],
    "granian": [
        "-m", "granian", "--interface", "wsgi", "--workers", str(WORKERS),
        "--blocking-threads", "4", "qorgau.wsgi:application",
    ],
    "serve": ["-m", "qorgau.cli", "serve", "--workers", str(WORKERS)],
}  # fmt: skip


def bind_args(name: str, port: int) -> list[str]:
    if name == "serve":
        return ["--port", str(port)]
    if name == "granian":
        return ["--host", HOST, "--port", str(port)]
    return ["--bind", f"{HOST}:{port}"]


def start(name: str, env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    return server_popen([sys.executable, *SETUPS[name], *bind_args(name, port)], env, log_path)


async def slow_client(port: int, stop: asyncio.Event, closed: list[int]) -> None:
    """Send a request header one byte a second until `stop`; count it if the server closes."""
    header = f"GET /login/ HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: {'a' * 4000}".encode()
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        closed.append(1)
        return
    try:
        for i in range(len(header)):
            writer.write(header[i : i + 1])
            await writer.drain()
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
                return
            except TimeoutError:
                pass
            if reader.at_eof():
                closed.append(1)
                return
    except OSError:
        closed.append(1)
    finally:
        writer.close()


async def probe(port: int) -> float | None:
    """Seconds to a complete status line for GET /login/ on a new connection, None if none."""
    began = time.monotonic()
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(PROBE)
            line = await reader.readline()
            writer.close()
    except (OSError, TimeoutError):
        return None
    return time.monotonic() - began if line.startswith(b"HTTP/1.1 200") else None


async def measure(port: int, slow: int, seconds: float) -> dict[str, float]:
    for _ in range(3 * WORKERS):  # every worker has loaded its code and templates
        await probe(port)
    stop = asyncio.Event()
    closed: list[int] = []
    clients = [asyncio.create_task(slow_client(port, stop, closed)) for _ in range(slow)]
    await asyncio.sleep(2.0)  # every slow client has connected and sent a few bytes
    answered: list[float] = []
    failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        took = await probe(port)
        if took is None:
            failed += 1
        else:
            answered.append(took)
        await asyncio.sleep(0.25)
    stop.set()
    await asyncio.gather(*clients)
    times = latency(answered, 1000.0)
    return {
        "answered": len(answered),
        "failed": failed,
        "p50_ms": times.p50,
        "max_ms": times.max,
        "slow_closed": len(closed),
    }


def run(name: str, env: dict[str, str], slow: int, seconds: float) -> dict[str, float]:
    port = free_port()
    log_path = OUT_DIR / f"slow-{name}.log"
    server = start(name, env, port, log_path)
    try:
        server_wait(server, port, workers=0, limit=60, log_path=log_path)
        return asyncio.run(measure(port, slow, seconds))
    finally:
        processes_stop([server])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--server", action="append", choices=sorted(SETUPS))
    parser.add_argument("--slow", type=int, default=50, help="slow connections (50)")
    parser.add_argument("--seconds", type=float, default=15.0, help="probing time (15)")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qorgau-slow-") as tmp:
        env = product_env(f"sqlite:///{tmp}/db.sqlite3", Path(tmp))
        qorgau(env, "migrate", "--no-input")
        qorgau(env, "collectstatic", "--no-input")
        print(f"{'set-up':<9} {'answered':>8} {'no answer':>9} {'p50 ms':>7} {'max ms':>7} closed")
        for name in args.server or list(SETUPS):
            if name == "granian" and importlib.util.find_spec("granian") is None:
                log("granian is not installed: skipped")
                continue
            log(f"{name}: {args.slow} slow connections, probing for {args.seconds:.0f} s")
            r = run(name, env, args.slow, args.seconds)
            print(
                f"{name:<9} {r['answered']:>8.0f} {r['failed']:>9.0f} {fmt(r['p50_ms'], 0):>7} "
                f"{fmt(r['max_ms'], 0):>7} {r['slow_closed']:.0f}/{args.slow}",
                flush=True,
            )


if __name__ == "__main__":
    main()
