"""What the supervisors' board and the consultant's screen pop show when the phone system's
clock or events are not perfect: no negative wait, one call per consultant, no flicker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call
from qorgau.calls.selectors import current_call, live_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_call():
    system = phone_system_register(name="PBX")[0]
    now = timezone.now()

    def add(call_id: str, state: str, ago: timedelta, **extra) -> Call:
        return Call.objects.create(
            phone_system=system,
            call_id=call_id,
            line=extra.pop("line", "kk"),
            state=state,
            started_at=now - ago,
            **extra,
        )

    return add


def test_a_phone_system_clock_ahead_of_ours_shows_no_negative_wait(add_call):
    add_call("ahead", "waiting", timedelta(seconds=-20))  # started "in the future"
    assert live_board()["longest_wait_seconds"] == 0


def test_a_consultant_counts_once_on_the_board_with_their_newest_call(add_call, make_user):
    make_user("c1", "consultant", extension="201")
    now = timezone.now()
    add_call(
        "lost",
        "talking",
        timedelta(hours=1),
        line="ru",
        extension="201",
        answered_at=now - timedelta(hours=1),
    )
    add_call(
        "now",
        "talking",
        timedelta(minutes=2),
        line="kk",
        extension="201",
        answered_at=now - timedelta(minutes=2),
    )
    add_call(
        "other",
        "hold",
        timedelta(minutes=1),
        line="kk",
        extension="202",
        answered_at=now - timedelta(minutes=1),
    )
    talking = {row["line"]: row["talking"] for row in live_board()["lines"]}
    assert (talking["kk"], talking["ru"]) == (2, 0)


def test_the_screen_pop_keeps_the_call_answered_last_until_it_ends(add_call, make_user):
    consultant = make_user("c1", "consultant", extension="201")
    answered = timezone.now() - timedelta(minutes=1)
    first = add_call("a", "talking", timedelta(minutes=2), extension="201", answered_at=answered)
    second = add_call("b", "talking", timedelta(minutes=2), extension="201", answered_at=answered)
    assert {current_call(consultant) for _ in range(5)} == {second}  # a tie: the later row
    second.state, second.ended_at = "ended", timezone.now()
    second.save()
    assert current_call(consultant) == first
