"""Template helpers of case work: how soon a follow-up is due, in a whole translated phrase,
and the count of the user's overdue follow-ups for the navigation's badge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from qorgau.casework.selectors import overdue_count

register = template.Library()

HOUR = 60
DAY = 24 * HOUR


def _due_in(minutes: int) -> str:
    if minutes < HOUR:
        return ngettext("due in %(n)s minute", "due in %(n)s minutes", minutes) % {"n": minutes}
    if minutes < 2 * DAY:
        hours = round(minutes / HOUR)
        return ngettext("due in %(n)s hour", "due in %(n)s hours", hours) % {"n": hours}
    days = round(minutes / DAY)
    return ngettext("due in %(n)s day", "due in %(n)s days", days) % {"n": days}


def _overdue_by(minutes: int) -> str:
    if minutes < HOUR:
        return ngettext("overdue by %(n)s minute", "overdue by %(n)s minutes", minutes) % {
            "n": minutes
        }
    if minutes < 2 * DAY:
        hours = round(minutes / HOUR)
        return ngettext("overdue by %(n)s hour", "overdue by %(n)s hours", hours) % {"n": hours}
    days = round(minutes / DAY)
    return ngettext("overdue by %(n)s day", "overdue by %(n)s days", days) % {"n": days}


@register.filter
def due_phrase(due_at: datetime, now: datetime) -> str:
    """`{{ f.due_at|due_phrase:now }}`: "due in 2 hours", "overdue by 15 minutes"; minutes
    under an hour, then whole hours (rounded) under two days, then days."""
    seconds = (due_at - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    return _due_in(minutes) if seconds >= 0 else _overdue_by(minutes)


@register.simple_tag
def overdue_tasks(user: Any) -> int:
    """The user's overdue open follow-ups: one count query. Use it only inside a check of
    `case.tasks`, so pages of other roles run no query for it."""
    return overdue_count(user, timezone.now())
