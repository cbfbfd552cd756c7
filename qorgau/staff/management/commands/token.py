"""`qorgau token USERNAME`: print a new API token for that user on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.staff.actions import token_issue
from qorgau.staff.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user named {options['username']!r}") from exc
        self.stderr.write(
            f"API token for {user.username} ({user.role}); send it as "
            "'Authorization: Bearer <token>':"
        )
        self.stdout.write(token_issue(user=user, label=options["label"]))
