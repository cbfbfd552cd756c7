"""Reads of the working calendar: the administrator's overrides for a range of dates, loaded
with one query into a `WorkingCalendar` that then answers without the database (rule 14)."""

from __future__ import annotations

from datetime import date

from qorgau.workdays.calendar import WorkingCalendar
from qorgau.workdays.models import DayOverride


def working_calendar(start: date, end: date) -> WorkingCalendar:
    """The calendar for the days `start` … `end` inclusive, with their overrides (one query).
    Asking it about a day outside that range raises `OutsideCalendarSpan`, so choose a range
    that covers the answer: 15 working days fit comfortably in 45 calendar days."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    rows = DayOverride.objects.filter(date__range=(start, end)).order_by()
    pairs = rows.values_list("date", "kind")
    return WorkingCalendar(dict(pairs), span=(start, end))
