"""Models of the working calendar: the days an administrator moves away from the `holidays`
package's Kazakhstan calendar (a government decree moving a day off, a Saturday worked).

The calendar itself lives in `calendar.py` and reads these rows through `selectors.py`; rule 14
needs the calendar to know when an agency's non-working time ends.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Moved working day")


class DayOverride(models.Model):
    """One day that differs from the package's calendar; it wins over weekends and holidays."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=20, choices=DayKind.choices)
    name_kk = models.CharField(max_length=300, help_text="Short reason, e.g. the decree.")
    name_ru = models.CharField(max_length=300, help_text="Short reason, e.g. the decree.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="dayoverride_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind}"
