"""`qorgau demo [--no-serve] [--port N]`: migrate, load demo data (twice changes nothing), serve."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from qorgau.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo
from qorgau.demo.management.commands.serve import DEFAULT_PORT, serve
from qorgau.staff.second_factor import second_factor_required


class Command(BaseCommand):
    help = "Set up the demo: migrate, load demo users and appeals, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        call_command("kb", "starter", verbosity=0, stdout=self.stdout)  # 64 starter articles
        self.stdout.write(
            f"Demo data: {created} new appeals loaded."
            if created
            else "Demo data already loaded; nothing changed."
        )
        self.stdout.write(
            f"\nThe public site (write to 111, read the answer, status; no sign-in): "
            f"http://127.0.0.1:{options['port']}/\n"
            f"Staff: http://127.0.0.1:{options['port']}/login/ as one of "
            f"these users, password '{DEMO_PASSWORD}':"
        )
        for line in _role_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "Live calls (supervisor's board, consultant's screen pop at extension 101), in a "
            f"second terminal: .venv/bin/qorgau simulate-calls --register demo-pbx "
            f"--url http://127.0.0.1:{options['port']} --rate 0.2 --duration 600 "
            "--extensions 101 --time-scale 0.2"
        )
        if not options["no_serve"]:
            serve(options["port"], workers=3)


def _role_lines() -> list[str]:
    from qorgau.staff.models import User

    users = User.objects.filter(username__in=[name for name, _role in DEMO_USERS]).order_by("id")
    with translation.override("en"):
        return [f"{u.username:<16} {u.get_role_display()}{_code_hint(u)}" for u in users]


def _code_hint(user: Any) -> str:
    if not second_factor_required(user):
        return ""
    return f" (second factor: the code from `.venv/bin/qorgau demo-code {user.username}`)"
