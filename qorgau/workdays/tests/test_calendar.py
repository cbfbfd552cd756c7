"""The working calendar as people notice it (rule 14): when a request reaches an agency, when a
"N working days" deadline falls, and how many working minutes have passed. Dates are in 2026,
checked against the `holidays` package's KZ calendar: 8 March is a Sunday (9 March off),
Nauryz 21–23 March falls Saturday–Monday (24 and 25 March off, 26 March the first working day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from qorgau.core.kztime import KZ_TZ
from qorgau.workdays.calendar import (
    SEARCH_DAYS,
    NoWorkingTimeError,
    OutsideCalendarSpan,
    WorkingCalendar,
)
from qorgau.workdays.models import DayKind, DayOverride
from qorgau.workdays.schedule import ROUND_THE_CLOCK, STANDARD_OFFICE_HOURS, WeeklySchedule
from qorgau.workdays.selectors import working_calendar

NINE_TO_SIX = WeeklySchedule.weekdays(("09:00", "13:00"), ("14:00", "18:00"))
NINE_TO_FIVE = WeeklySchedule.weekdays(("09:00", "13:00"), ("14:00", "17:00"))
PLAIN = WorkingCalendar()

# A normal week of 2026: no holiday from Monday 12 to Tuesday 20 January.
WED, FRI, SAT, MON, TUE = (date(2026, 1, d) for d in (14, 16, 17, 19, 20))


def kz(day: date, hh: int = 0, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), KZ_TZ)


# is_working_day: weekends, the package's holidays and its moved days off.


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 6), True),  # Friday before 8 March
        (date(2026, 3, 8), False),  # International Women's Day, a Sunday
        (date(2026, 3, 9), False),  # … so Monday is off
        (date(2026, 3, 10), True),
        (date(2026, 3, 20), True),  # Friday before Nauryz
        (date(2026, 3, 21), False),  # Nauryz, Saturday
        (date(2026, 3, 23), False),  # Nauryz, Monday
        (date(2026, 3, 24), False),  # moved from Saturday 21
        (date(2026, 3, 25), False),  # moved from Sunday 22
        (date(2026, 3, 26), True),
        (date(2026, 5, 11), False),  # Victory Day fell on Saturday 9 May
        (date(2025, 1, 5), True),  # a Sunday worked by decree, known to the package
        (date(2025, 1, 3), False),  # … the Friday it was moved to
    ],
)
def test_holidays_and_moved_days_off_of_the_package(day, working):
    assert PLAIN.is_working_day(day) is working


def test_overrides_win_over_weekends_and_holidays():
    calendar = WorkingCalendar(
        {SAT: DayKind.WORKING_DAY, MON: DayKind.DAY_OFF, date(2026, 3, 25): "working_day"}
    )
    assert calendar.is_working_day(SAT)
    assert not calendar.is_working_day(MON)
    assert calendar.is_working_day(date(2026, 3, 25))


# next_working_moment (rule 14): a request in non-working hours goes at the next working start.


def test_friday_after_hours_waits_for_monday_morning():
    assert PLAIN.next_working_moment(NINE_TO_SIX, kz(FRI, 18, 30)) == kz(MON, 9)


def test_at_closing_time_the_agency_is_closed():
    assert PLAIN.next_working_moment(STANDARD_OFFICE_HOURS, kz(FRI, 18, 30)) == kz(MON, 9)
    assert PLAIN.next_working_moment(STANDARD_OFFICE_HOURS, kz(FRI, 18, 29)) == kz(FRI, 18, 29)


def test_inside_working_hours_is_now():
    moment = kz(WED, 10, 15)
    assert PLAIN.next_working_moment(NINE_TO_SIX, moment) == moment


def test_before_hours_waits_for_the_morning():
    assert PLAIN.next_working_moment(NINE_TO_SIX, kz(WED, 7, 0)) == kz(WED, 9)


def test_nauryz_request_lands_on_the_first_working_day_after_the_holidays():
    friday, thursday = date(2026, 3, 20), date(2026, 3, 26)
    assert PLAIN.next_working_moment(NINE_TO_FIVE, kz(friday, 17)) == kz(thursday, 9)
    assert PLAIN.next_working_moment(NINE_TO_SIX, kz(friday, 18)) == kz(thursday, 9)
    # An agency still at work at 17:00 on that Friday gets the request at once.
    assert PLAIN.next_working_moment(STANDARD_OFFICE_HOURS, kz(friday, 17)) == kz(friday, 17)


def test_lunch_break_waits_for_the_afternoon():
    assert PLAIN.next_working_moment(NINE_TO_SIX, kz(WED, 13, 30)) == kz(WED, 14)
    assert PLAIN.next_working_moment(STANDARD_OFFICE_HOURS, kz(WED, 13, 30)) == kz(WED, 14, 30)


def test_round_the_clock_is_always_now_even_on_a_holiday():
    nauryz_night = kz(date(2026, 3, 22), 3, 0)
    assert PLAIN.next_working_moment(ROUND_THE_CLOCK, nauryz_night) == nauryz_night


def test_any_zone_in_kazakhstan_time_out():
    friday_evening_utc = datetime(2026, 1, 16, 14, 0, tzinfo=UTC)  # 19:00 in Kazakhstan
    answer = PLAIN.next_working_moment(NINE_TO_SIX, friday_evening_utc)
    assert answer == kz(MON, 9)
    assert answer.utcoffset() == timedelta(hours=5)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        PLAIN.next_working_moment(NINE_TO_SIX, datetime(2026, 1, 16, 19, 0))


def test_moved_working_saturday_works_monday_hours():
    calendar = WorkingCalendar({SAT: DayKind.WORKING_DAY})
    assert calendar.next_working_moment(STANDARD_OFFICE_HOURS, kz(FRI, 19)) == kz(SAT, 9)
    assert calendar.next_working_moment(STANDARD_OFFICE_HOURS, kz(SAT, 13, 30)) == kz(SAT, 14, 30)


def test_saturday_hours_of_the_schedule_count_on_ordinary_saturdays_only():
    weekday = [["09:00", "18:00"]]
    days = dict.fromkeys(["mon", "tue", "wed", "thu", "fri"], weekday) | {
        "sat": [["10:00", "14:00"]]
    }
    with_saturdays = WeeklySchedule.from_json({"days": days})
    assert PLAIN.next_working_moment(with_saturdays, kz(FRI, 19)) == kz(SAT, 10)
    nauryz_saturday = date(2026, 3, 21)
    assert PLAIN.next_working_moment(with_saturdays, kz(nauryz_saturday, 8)) == kz(
        date(2026, 3, 26), 9
    )


def test_extra_day_off_on_monday_pushes_to_tuesday():
    calendar = WorkingCalendar({MON: DayKind.DAY_OFF})
    assert calendar.next_working_moment(NINE_TO_SIX, kz(FRI, 18, 30)) == kz(TUE, 9)


def test_search_for_working_time_is_bounded():
    every_day_off = {WED + timedelta(days=n): "day_off" for n in range(SEARCH_DAYS + 10)}
    calendar = WorkingCalendar(every_day_off)
    with pytest.raises(NoWorkingTimeError):
        calendar.next_working_moment(NINE_TO_SIX, kz(WED, 10))
    with pytest.raises(NoWorkingTimeError):
        calendar.add_working_days(kz(WED, 10), 1)


# add_working_days: "N working days from receipt"; the day of receipt does not count.


def test_add_working_days_over_a_weekend():
    thursday = date(2026, 1, 15)
    assert PLAIN.add_working_days(kz(thursday, 16), 2) == MON


def test_add_working_days_over_a_holiday():
    assert PLAIN.add_working_days(kz(date(2026, 3, 6), 11), 1) == date(2026, 3, 10)


def test_fifteen_working_days_across_nauryz():
    received = kz(date(2026, 3, 16), 12)
    assert PLAIN.add_working_days(received, 15) == date(2026, 4, 9)
    assert PLAIN.add_working_days_deadline(received, 15) == datetime.combine(
        date(2026, 4, 9), time(23, 59, 59, 999999), KZ_TZ
    )


def test_receipt_date_is_the_kazakhstan_date():
    sunday_night_utc = datetime(2026, 1, 18, 23, 30, tzinfo=UTC)  # Monday 04:30 in Kazakhstan
    assert PLAIN.add_working_days(sunday_night_utc, 1) == TUE
    assert PLAIN.add_working_days(kz(SAT, 12), 1) == MON
    assert PLAIN.add_working_days(kz(SAT, 12), 0) == SAT


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        PLAIN.add_working_days(kz(WED), -1)


# working_minutes_between: for "soon due" and SLA figures.


def test_working_minutes_across_a_lunch_break():
    assert PLAIN.working_minutes_between(NINE_TO_SIX, kz(WED, 12), kz(WED, 15)) == 120
    assert PLAIN.working_minutes_between(STANDARD_OFFICE_HOURS, kz(WED, 12), kz(WED, 15)) == 90


def test_working_minutes_across_a_weekend():
    assert PLAIN.working_minutes_between(NINE_TO_SIX, kz(FRI, 17), kz(MON, 10)) == 120


def test_working_minutes_across_nauryz():
    friday, thursday = kz(date(2026, 3, 20), 17), kz(date(2026, 3, 26), 10)
    assert PLAIN.working_minutes_between(NINE_TO_SIX, friday, thursday) == 120


def test_working_minutes_round_the_clock_and_backwards():
    assert PLAIN.working_minutes_between(ROUND_THE_CLOCK, kz(SAT, 1), kz(SAT, 2, 30)) == 90
    assert PLAIN.working_minutes_between(NINE_TO_SIX, kz(WED, 15), kz(WED, 12)) == 0


def test_a_whole_normal_week_is_forty_hours():
    monday = date(2026, 1, 12)
    week = PLAIN.working_minutes_between(NINE_TO_SIX, kz(monday), kz(monday + timedelta(7)))
    assert week == 5 * 8 * 60


# The selector: overrides from the database, one query, then no more.


def _override(day: date, kind: str) -> DayOverride:
    return DayOverride.objects.create(date=day, kind=kind, name_kk="Қаулы", name_ru="Постановление")


def test_selector_moved_working_saturday(db):
    _override(SAT, DayKind.WORKING_DAY)
    calendar = working_calendar(WED, date(2026, 2, 28))
    assert calendar.next_working_moment(NINE_TO_SIX, kz(FRI, 18, 30)) == kz(SAT, 9)


def test_selector_extra_day_off_on_monday(db):
    _override(MON, DayKind.DAY_OFF)
    calendar = working_calendar(WED, date(2026, 2, 28))
    assert calendar.next_working_moment(NINE_TO_SIX, kz(FRI, 18, 30)) == kz(TUE, 9)
    assert calendar.add_working_days(kz(FRI, 10), 1) == TUE


def test_selector_does_one_query_then_none(db, django_assert_num_queries):
    _override(SAT, DayKind.WORKING_DAY)
    _override(MON, DayKind.DAY_OFF)
    _override(date(2026, 6, 1), DayKind.DAY_OFF)  # outside the range: not loaded
    with django_assert_num_queries(1):
        calendar = working_calendar(WED, date(2026, 2, 28))
    with django_assert_num_queries(0):
        assert calendar.add_working_days(kz(WED, 10), 3) == SAT
        assert calendar.working_minutes_between(NINE_TO_SIX, kz(FRI), kz(TUE)) == 2 * 8 * 60


def test_selector_calendar_refuses_days_outside_its_range(db):
    calendar = working_calendar(WED, FRI)
    with pytest.raises(OutsideCalendarSpan):
        calendar.is_working_day(MON)
    with pytest.raises(OutsideCalendarSpan):
        calendar.next_working_moment(NINE_TO_SIX, kz(FRI, 19))
