"""`qorgau recordings expire`: delete recordings past their retention period now (audited).
Delivery workers also run it with their periodic sweep."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qorgau.calls.recordings import recording_expire_due


class Command(BaseCommand):
    help = "Recordings: `expire` deletes those past the retention period (each deletion audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["expire"])

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"deleted: {recording_expire_due()}")
