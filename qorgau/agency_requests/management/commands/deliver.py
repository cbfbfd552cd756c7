"""`qorgau deliver [--once] [--threads N] [--poll S]`: run an outbox worker (decision 0006)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qorgau.agency_requests.worker import Worker


class Command(BaseCommand):
    help = "Deliver queued requests to agencies; run as many as you like, on any hosts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when nothing is due")
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--name", default="", help="worker name in the attempt log")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(threads=options["threads"], poll=options["poll"], name=options["name"])
        worker.run(once=options["once"])
