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

    date = models.DateField(unique=True, verbose_name=_("date"))
    kind = models.CharField(max_length=20, choices=DayKind.choices, verbose_name=_("kind"))
    name_kk = models.CharField(
        max_length=300,
        help_text=_("Short reason, e.g. the decree."),
        verbose_name=_("name (Kazakh)"),
    )
    name_ru = models.CharField(
        max_length=300,
        help_text=_("Short reason, e.g. the decree."),
        verbose_name=_("name (Russian)"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("changed working day")
        verbose_name_plural = _("changed working days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="dayoverride_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind}"
