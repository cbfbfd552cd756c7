"""Kazakhstan time: one zone, UTC+5, since 1 March 2024 (numbers and calendars use it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

KZ_TZ = timezone(timedelta(hours=5), "UTC+05")


def kz_year(moment: datetime) -> int:
    """The calendar year in Kazakhstan at an aware moment (rule: numbers restart each year)."""
    return moment.astimezone(KZ_TZ).year


def kz_today() -> date:
    """Today's date in Kazakhstan."""
    return datetime.now(KZ_TZ).date()
