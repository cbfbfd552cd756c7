"""`qorgau mail fetch`: read the centre's mailbox once (QORGAU_IMAP_*); each unseen e-mail
becomes a message of a written conversation (rule 2(7)). Delivery workers also do it with
their periodic sweep."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.conversations.mailbox import mail_fetch


class Command(BaseCommand):
    help = "Mail: `fetch` reads the mailbox once; unseen e-mails become conversation messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["fetch"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.QORGAU_IMAP_HOST:
            raise CommandError("QORGAU_IMAP_HOST is not set: there is no mailbox to read.")
        result = mail_fetch()
        self.stdout.write(f"stored: {result.stored}, ignored: {result.ignored}")
