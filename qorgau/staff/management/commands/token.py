"""`qorgau token USERNAME [--days N]`: print a new API token for that user on the last line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qorgau.staff.actions import token_issue
from qorgau.staff.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="cli")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DAYS,
            help=f"days until the token expires (default {settings.API_TOKEN_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user named {options['username']!r}") from exc
        expires = timezone.localtime(timezone.now() + timedelta(days=days))
        self.stderr.write(
            f"API token for {user.username} ({user.role}), valid until "
            f"{expires:%Y-%m-%d %H:%M} ({days} days); send it as "
            "'Authorization: Bearer <token>':"
        )
        self.stdout.write(token_issue(owner=user, label=options["label"], days=days))
