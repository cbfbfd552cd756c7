"""An agency's weekly hours (rule 14): the JSON form an administrator stores, and the clear
message when it is wrong."""

from __future__ import annotations

from datetime import time

import pytest

from qorgau.workdays.schedule import ROUND_THE_CLOCK, STANDARD_OFFICE_HOURS, WeeklySchedule

LUNCH_WEEK = {
    "round_the_clock": False,
    "days": {
        day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
    },
}


def test_json_round_trip():
    schedule = WeeklySchedule.from_json(LUNCH_WEEK)
    assert schedule.hours(0) == ((time(9), time(13)), (time(14), time(18)))
    assert schedule.hours(5) == ()
    assert schedule.to_json() == LUNCH_WEEK
    assert WeeklySchedule.from_json(schedule.to_json()) == schedule


def test_constants():
    assert STANDARD_OFFICE_HOURS.hours(4) == ((time(9), time(13)), (time(14, 30), time(18, 30)))
    assert STANDARD_OFFICE_HOURS.hours(6) == ()
    assert ROUND_THE_CLOCK.to_json() == {"round_the_clock": True, "days": {}}
    assert WeeklySchedule.from_json({"round_the_clock": True}) == ROUND_THE_CLOCK


def test_intervals_are_kept_in_order():
    schedule = WeeklySchedule.from_json({"days": {"mon": [["14:00", "18:00"], ["09:00", "13:00"]]}})
    assert schedule.hours(0) == ((time(9), time(13)), (time(14), time(18)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": {"mon": [["18:00", "09:00"]]}}, "mon: 18:00–09:00 must end after it starts"),
        ({"days": {"tue": [["10:00", "10:00"]]}}, "tue: 10:00–10:00 must end after it starts"),
        (
            {"days": {"wed": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "wed: 09:00–13:00 and 12:00–18:00 overlap",
        ),
        ({"days": {"thu": [["9:00", "18:00"]]}}, "thu: '9:00' is not a time in HH:MM form"),
        ({"days": {"fri": [["09:00", "24:00"]]}}, "fri: '24:00' is not a time in HH:MM form"),
        ({"days": {"mon": [["09:00"]]}}, "mon: an interval is"),
        ({"days": {"mon": "09:00-18:00"}}, "mon: a list of"),
        ({"days": {"monday": []}}, "unknown days: monday"),
        ({"hours": {}}, "unknown schedule keys: hours"),
        ({"round_the_clock": "yes"}, "'round_the_clock' is true or false"),
        (
            {"round_the_clock": True, "days": {"mon": [["09:00", "18:00"]]}},
            "a round-the-clock schedule lists no hours",
        ),
        ({}, "the schedule has no working hours"),
        ([], "a schedule is a JSON object"),
    ],
)
def test_bad_json_says_what_is_wrong(data, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        WeeklySchedule.from_json(data)


def test_adjacent_intervals_do_not_overlap():
    schedule = WeeklySchedule.from_json({"days": {"mon": [["09:00", "13:00"], ["13:00", "18:00"]]}})
    assert len(schedule.hours(0)) == 2


def test_times_are_whole_minutes():
    with pytest.raises(ValueError, match="whole minutes"):
        WeeklySchedule(days=(((time(9, 0, 30), time(18)),),) + ((),) * 6)
