"""`qorgau deadlines`: send due reminders and escalations now (workers also do it each minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgau.agency_requests.actions.reminders import deadline_sweep


class Command(BaseCommand):
    help = "Remind agencies of soon-due and overdue requests; escalate overdue ones."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deadline_sweep()
        self.stdout.write(", ".join(f"{kind}: {n}" for kind, n in counts.items()))
