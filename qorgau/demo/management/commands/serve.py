"""`qorgau serve [--port N] [--workers N]`: run the product under gunicorn with uvicorn workers
(several processes, no single-process assumption anywhere; core/serving.py says why ASGI)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from qorgau.core.serving import gunicorn_argv

DEFAULT_PORT = 8111


def serve(port: int, workers: int) -> None:
    """Replace this process with gunicorn serving qorgau.asgi."""
    call_command("collectstatic", interactive=False, verbosity=0)
    argv = gunicorn_argv("127.0.0.1", port, workers)
    os.execv(argv[0], argv)  # noqa: S606 - fixed argv


class Command(BaseCommand):
    help = "Serve Qorgau with gunicorn (uvicorn workers) on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"Qorgau at http://127.0.0.1:{options['port']}/ "
            f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        serve(options["port"], options["workers"])
