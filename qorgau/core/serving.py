"""How Qorgau is served: gunicorn managing uvicorn workers that run Django's ASGI application
(docs/decisions/0015-serving-slow-clients.md).

An asynchronous worker reads a request's headers and body on its event loop, so a client that
sends them slowly costs a few kilobytes, not a worker or a thread; only a whole request reaches
Django. `qorgau serve` and the benchmarks start the server with `gunicorn_argv`, so what is
measured is what is shipped. In production a buffering proxy (nginx) stands in front as well
(docs/deploy.md).
"""

from __future__ import annotations

import logging
import os
import sys

from uvicorn_worker import UvicornWorker

from qorgau.core.logfilters import AccessLineFilter, RequestRecordFilter

# gunicorn's --timeout: a worker that has not reported for this long is restarted.
WORKER_TIMEOUT_SECONDS = 60
# An idle keep-alive connection is closed after this many seconds.
KEEPALIVE_SECONDS = 5
# PostgreSQL connections per worker process, unless QORGAU_DB_POOL_MAX says otherwise.
DB_POOL_MAX = 4


class Worker(UvicornWorker):
    """uvicorn's worker with h11, which refuses a request whose header is still incomplete
    after 16 KB (a slow client cannot grow its buffer without bound), and with Qorgau's
    access-log line: path without query string."""

    CONFIG_KWARGS = {"loop": "asyncio", "http": "h11", "lifespan": "off"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        logging.getLogger("uvicorn.access").addFilter(AccessLineFilter())
        logging.getLogger("uvicorn.error").addFilter(RequestRecordFilter())


def gunicorn_argv(host: str, port: int, workers: int, *, access_log: bool = True) -> list[str]:
    """The command that serves qorgau.asgi on host:port with `workers` worker processes; the
    access log (one line per request, see `Worker`) goes to stdout."""
    argv = [sys.executable, "-m", "gunicorn", "qorgau.asgi:application"]
    argv += ["--worker-class", f"{__name__}.Worker", "--workers", str(workers)]
    argv += ["--bind", f"{host}:{port}", "--timeout", str(WORKER_TIMEOUT_SECONDS)]
    argv += ["--keep-alive", str(KEEPALIVE_SECONDS), *_no_control_socket()]
    argv += [f"--env={name}={value}" for name, value in database_env().items()]
    return argv + (["--access-logfile", "-"] if access_log else [])


def database_env() -> dict[str, str]:
    """Django runs each request of an ASGI server in a thread of its own, so a persistent
    connection would stay open after every request: the workers pool PostgreSQL connections
    instead (QORGAU_DB_POOL_MAX per worker, default 4) and keep none (QORGAU_CONN_MAX_AGE 0)."""
    return {
        "QORGAU_DB_POOL_MAX": os.environ.get("QORGAU_DB_POOL_MAX") or str(DB_POOL_MAX),
        "QORGAU_CONN_MAX_AGE": "0",
    }


def _no_control_socket() -> list[str]:
    """gunicorn >= 25 opens a control socket in ~/.gunicorn by default: not needed here."""
    from gunicorn.config import KNOWN_SETTINGS

    names = {setting.name for setting in KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []
