"""The Kazakhstan working calendar: which days are working days, the next working moment of an
agency, working-day deadlines and working minutes (docs/style.md, "small collaborators for time
arithmetic": deadlines and deliveries ask the calendar, they do not compute it).

Rule 14: a request that reaches an agency in its non-working hours is passed in the nearest
hours after the non-working time ends; `next_working_moment` answers "when is that".

A day is a working day unless it is a Saturday or Sunday or a public holiday of the `holidays`
package's "KZ" calendar (which already moves a holiday falling on a weekend to the next
working day, Labour Code art. 84, and knows the weekend days that earlier decrees made
working); then the administrator's `DayOverride` rows win over both.

`WorkingCalendar` does no database queries: it is built from the overrides, which
`selectors.working_calendar` loads for a range of dates with one query. All datetimes are aware;
inputs may be in any zone, the arithmetic is in Kazakhstan time (UTC+5) and so are the outputs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from qorgau.core.kztime import KZ_TZ
from qorgau.workdays.models import DayKind
from qorgau.workdays.schedule import Interval, WeeklySchedule

SEARCH_DAYS = 366
"""How far ahead the calendar looks for working time before it gives up."""

_ONE_DAY = timedelta(days=1)


class NoWorkingTimeError(LookupError):
    """No working time within SEARCH_DAYS days: the overrides or the schedule are wrong."""


class OutsideCalendarSpan(LookupError):
    """The calendar was asked about a day outside the range its overrides were loaded for."""


class WorkingCalendar:
    """Working days of Kazakhstan, with the administrator's overrides applied.

    `overrides` maps a date to a `DayKind` value ("day_off" or "working_day"). When `span`
    (first, last) is given, the overrides are known only for those days and asking about any
    other day raises `OutsideCalendarSpan` instead of silently ignoring an override.
    """

    def __init__(
        self, overrides: Mapping[date, str] | None = None, *, span: tuple[date, date] | None = None
    ) -> None:
        self._overrides = dict(overrides or {})
        unknown = set(self._overrides.values()) - set(DayKind.values)
        if unknown:
            raise ValueError(f"unknown override kinds: {sorted(unknown)}")
        self._span = span

    def is_working_day(self, day: date) -> bool:
        """False on Saturdays, Sundays and public holidays (and their moved days off), unless
        an override says otherwise; an override always wins."""
        self._check_span(day)
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == DayKind.WORKING_DAY
        return _package_says_working(day)

    def next_working_moment(self, schedule: WeeklySchedule, t: datetime) -> datetime:
        """`t` itself when the agency is working at `t`, else the start of its next working
        interval (rule 14). Round-the-clock: always `t`. Raises NoWorkingTimeError when there is
        no working time within SEARCH_DAYS days."""
        local = _to_kz(t)
        if schedule.round_the_clock:
            return local
        for start, end in self._intervals_from(schedule, local.date()):
            if local < end:
                return max(local, start)
        raise NoWorkingTimeError(f"no working time within {SEARCH_DAYS} days of {local}")

    def add_working_days(self, start: datetime, days: int) -> date:
        """The date `days` working days after the date of `start` in Kazakhstan; that day
        itself does not count ("15 working days from receipt"). `days=0` gives that date."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = _to_kz(start).date()
        for _ in range(days):
            day = self._next_working_day(day)
        return day

    def add_working_days_deadline(self, start: datetime, days: int) -> datetime:
        """The last moment (23:59:59.999999 UTC+5) of `add_working_days(start, days)`."""
        return datetime.combine(self.add_working_days(start, days), time.max, KZ_TZ)

    def working_minutes_between(self, schedule: WeeklySchedule, a: datetime, b: datetime) -> int:
        """Whole working minutes of the schedule between `a` and `b`; 0 when `b` is not later."""
        a, b = _to_kz(a), _to_kz(b)
        if b <= a:
            return 0
        if schedule.round_the_clock:
            return (b - a) // timedelta(minutes=1)
        worked = timedelta()
        for start, end in self._intervals_from(schedule, a.date(), last=b.date()):
            worked += max(timedelta(), min(end, b) - max(start, a))
        return worked // timedelta(minutes=1)

    def _hours_on(self, schedule: WeeklySchedule, day: date) -> tuple[Interval, ...]:
        """The agency's intervals on a date. A working weekday: that weekday's hours. A weekend
        day made working (an override or a decree): Monday's hours, as a moved working day
        replaces a full weekday. A holiday or extra day off: none. An ordinary weekend: the
        schedule's own hours for it (usually none; some agencies work Saturdays)."""
        weekday = day.weekday()
        if self.is_working_day(day):
            return schedule.hours(0 if weekday >= 5 else weekday)
        if weekday >= 5 and self._plain_weekend(day):
            return schedule.hours(weekday)
        return ()

    def _intervals_from(
        self, schedule: WeeklySchedule, first: date, last: date | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Aware (start, end) intervals from `first` to `last` (or SEARCH_DAYS days on)."""
        last = last or first + timedelta(days=SEARCH_DAYS)
        day = first
        while day <= last:
            for start, end in self._hours_on(schedule, day):
                yield datetime.combine(day, start, KZ_TZ), datetime.combine(day, end, KZ_TZ)
            day += _ONE_DAY

    def _next_working_day(self, day: date) -> date:
        for offset in range(1, SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingTimeError(f"no working day within {SEARCH_DAYS} days after {day}")

    def _plain_weekend(self, day: date) -> bool:
        """A Saturday or Sunday that is neither a holiday nor an extra day off."""
        return self._overrides.get(day) is None and day not in _kz_holidays(day.year)

    def _check_span(self, day: date) -> None:
        if self._span is not None and not self._span[0] <= day <= self._span[1]:
            first, last = self._span
            raise OutsideCalendarSpan(f"{day} is outside the calendar's span {first} … {last}")


def _to_kz(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, not naive {moment}")
    return moment.astimezone(KZ_TZ)


def _package_says_working(day: date) -> bool:
    if day in _kz_holidays(day.year):
        return False
    return day.weekday() < 5 or day in _kz_weekend_workdays(day.year)


def _kz_holidays(year: int) -> frozenset[date]:
    """Public holidays of a year, with the days off moved from weekends (package "KZ")."""
    return _kz_package_days(year)[0]


def _kz_weekend_workdays(year: int) -> frozenset[date]:
    """Saturdays and Sundays of a year that a decree made working days (package "KZ"; a
    decree of the next year may move a day of this one, so both years are read)."""
    return _kz_package_days(year)[1]


@cache
def _kz_package_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    package = holidays.country_holidays("KZ", years=[year, year + 1])
    workdays = getattr(package, "weekend_workdays", ())
    return frozenset(package), frozenset(d for d in workdays if d.year == year)
