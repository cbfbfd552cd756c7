"""`qorgau serve [--port N]`: run the product under gunicorn (several workers, no single-process
assumption anywhere)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_PORT = 8111


def serve(port: int, workers: int) -> None:
    """Replace this process with gunicorn serving qorgau.wsgi."""
    call_command("collectstatic", interactive=False, verbosity=0)
    args = [
        "gunicorn",
        "qorgau.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "60",
    ]
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606 - fixed argv


class Command(BaseCommand):
    help = "Serve Qorgau with gunicorn on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"Qorgau at http://127.0.0.1:{options['port']}/ "
            f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        serve(options["port"], options["workers"])
