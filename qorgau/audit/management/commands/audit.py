"""`qorgau audit verify`: check every hash chain and name the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if broken:
            for link in broken:
                self.stderr.write(f"  broken: {link.describe()}")
            raise CommandError(f"Audit log BROKEN. First broken link: {broken[0].describe()}")
        self.stdout.write(f"Audit log intact: {checked} records verified.")
