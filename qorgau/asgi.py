"""ASGI entry point for `qorgau serve` (core/serving.py; docs/decisions/0015-serving-slow-
clients.md): Django's ASGI handler with two bounds of its own.

- A request's body is read on the event loop, so a slow sender costs no thread, but never more
  of it than the largest body any path accepts (settings.BODY_LIMITS): the path's own limit is
  then enforced by core/middleware.py with a 413, and nobody can fill the disk.
- At most QORGAU_WORKER_REQUESTS requests (default 2) are inside Django at once per worker
  process; the rest wait, fully read, on the event loop. Django runs each request's code in a
  thread of its own, and without a bound a burst would start a thread and a database connection
  for every waiting request and make them queue on each other's row locks instead.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from typing import IO, Any

import django
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase

from qorgau.cli import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
django.setup(set_prefix=False)


class QorgauASGIHandler(ASGIHandler):
    def __init__(self, concurrent: int) -> None:
        super().__init__()
        self.concurrent = concurrent
        self.gate: asyncio.Semaphore | None = None  # made on the worker's event loop
        sizes = [settings.MAX_BODY_BYTES, *(size for _path, size in settings.BODY_LIMITS)]
        self.largest_body = max(sizes)

    async def read_body(self, receive: Any) -> IO[bytes]:
        """Django's read_body, keeping no more than one byte over the largest allowed body."""
        body: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - Django closes it
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b"
        )
        kept = 0
        while kept <= self.largest_body:
            message = await receive()
            if message["type"] == "http.disconnect":
                body.close()
                from django.core.exceptions import RequestAborted

                raise RequestAborted()
            chunk = message.get("body", b"")[: self.largest_body + 1 - kept]
            body.write(chunk)
            kept += len(chunk)
            if not message.get("more_body", False):
                break
        body.seek(0)
        return body

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        if self.gate is None:
            self.gate = asyncio.Semaphore(self.concurrent)
        async with self.gate:
            return await super().get_response_async(request)


application = QorgauASGIHandler(settings.WORKER_REQUESTS)
