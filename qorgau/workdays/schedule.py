"""An agency's weekly working hours in Kazakhstan time (UTC+5, `qorgau.core.kztime.KZ_TZ`).

Rule 14: a request that reaches an agency in its non-working hours is passed in the nearest
working hours. `WeeklySchedule` says what those hours are on each weekday; `calendar.py`
combines them with the days off. The JSON form, stored in a model field, is

    {"round_the_clock": false,
     "days": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "tue": [...], ...}}

Intervals are half-open, [start, end): at 18:00 an agency working 09:00–18:00 has closed. An
interval ends on the day it starts, at 23:59 at the latest; an agency working through the
night is `round_the_clock`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""JSON keys of the weekdays, in `date.weekday()` order (0 = Monday)."""

Interval = tuple[time, time]
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_NO_DAYS: tuple[tuple[Interval, ...], ...] = ((),) * 7


@dataclass(frozen=True)
class WeeklySchedule:
    """For each weekday (0 = Monday … 6 = Sunday) the working intervals, in order and not
    overlapping; or `round_the_clock`, with no intervals at all."""

    days: tuple[tuple[Interval, ...], ...] = _NO_DAYS
    round_the_clock: bool = False

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"a schedule has 7 days, not {len(self.days)}")
        pairs = zip(DAY_KEYS, self.days, strict=True)
        normalised = tuple(_checked_day(key, day) for key, day in pairs)
        object.__setattr__(self, "days", normalised)
        has_hours = any(normalised)
        if self.round_the_clock and has_hours:
            raise ValueError("a round-the-clock schedule lists no hours")
        if not self.round_the_clock and not has_hours:
            raise ValueError("the schedule has no working hours")

    def hours(self, weekday: int) -> tuple[Interval, ...]:
        """The working intervals of a weekday (0 = Monday)."""
        return self.days[weekday]

    @classmethod
    def weekdays(cls, *intervals: tuple[str, str]) -> WeeklySchedule:
        """The same "HH:MM" intervals Monday to Friday, nothing at weekends."""
        day = tuple(_parse_interval(list(pair)) for pair in intervals)
        return cls(days=(day,) * 5 + ((), ()))

    @classmethod
    def from_json(cls, data: object) -> WeeklySchedule:
        """Read the JSON form; raises ValueError saying what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("a schedule is a JSON object with 'round_the_clock' and 'days'")
        unknown = sorted(set(data) - {"round_the_clock", "days"})
        if unknown:
            raise ValueError(f"unknown schedule keys: {', '.join(map(str, unknown))}")
        round_the_clock = data.get("round_the_clock", False)
        if not isinstance(round_the_clock, bool):
            raise ValueError("'round_the_clock' is true or false")
        return cls(days=_parse_days(data.get("days", {})), round_the_clock=round_the_clock)

    def to_json(self) -> dict[str, Any]:
        """The JSON form; only the days with hours are listed."""
        days = {
            key: [[_hhmm(start), _hhmm(end)] for start, end in day]
            for key, day in zip(DAY_KEYS, self.days, strict=True)
            if day
        }
        return {"round_the_clock": self.round_the_clock, "days": days}


def _parse_days(days: object) -> tuple[tuple[Interval, ...], ...]:
    if not isinstance(days, dict):
        raise ValueError("'days' maps day keys (mon … sun) to lists of intervals")
    unknown = sorted(set(days) - set(DAY_KEYS))
    if unknown:
        raise ValueError(f"unknown days: {', '.join(map(str, unknown))}; use mon … sun")
    return tuple(_parse_day(key, days.get(key, [])) for key in DAY_KEYS)


def _parse_day(key: str, intervals: object) -> tuple[Interval, ...]:
    if not isinstance(intervals, list):
        raise ValueError(f'{key}: a list of ["HH:MM", "HH:MM"] intervals')
    try:
        return tuple(_parse_interval(pair) for pair in intervals)
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from None


def _parse_interval(pair: object) -> Interval:
    if not (isinstance(pair, list) and len(pair) == 2):
        raise ValueError(f'an interval is ["HH:MM", "HH:MM"], not {pair!r}')
    return _parse_time(pair[0]), _parse_time(pair[1])


def _parse_time(text: object) -> time:
    match = _HHMM.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a time in HH:MM form (00:00 … 23:59)")
    return time(int(match[1]), int(match[2]))


def _checked_day(key: str, intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """The day's intervals in order, after checking each one and that none overlap."""
    ordered = tuple(sorted(intervals))
    for start, end in ordered:
        _check_interval(key, start, end)
    for (start1, end1), (start2, end2) in pairwise(ordered):
        if start2 < end1:
            raise ValueError(f"{key}: {_span(start1, end1)} and {_span(start2, end2)} overlap")
    return ordered


def _check_interval(key: str, start: time, end: time) -> None:
    for moment in (start, end):
        if moment.second or moment.microsecond or moment.tzinfo is not None:
            raise ValueError(f"{key}: times are whole minutes in Kazakhstan time, not {moment}")
    if end <= start:
        raise ValueError(f"{key}: {_span(start, end)} must end after it starts")


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _span(start: time, end: time) -> str:
    return f"{_hhmm(start)}–{_hhmm(end)}"


STANDARD_OFFICE_HOURS = WeeklySchedule.weekdays(("09:00", "13:00"), ("14:30", "18:30"))
"""Monday to Friday 09:00–18:30 with lunch 13:00–14:30: common hours of Kazakh state bodies."""

ROUND_THE_CLOCK = WeeklySchedule(round_the_clock=True)
"""Always working, holidays included (duty services; the "111" centre itself, rule 6(a))."""
