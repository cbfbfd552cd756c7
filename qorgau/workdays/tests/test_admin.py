"""The administrator moves a day in the admin pages, and deliveries follow it (rule 14)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qorgau.audit.models import AuditRecord
from qorgau.core.kztime import KZ_TZ
from qorgau.testing import signed_in
from qorgau.workdays.models import DayOverride
from qorgau.workdays.schedule import STANDARD_OFFICE_HOURS
from qorgau.workdays.selectors import working_calendar

pytestmark = pytest.mark.django_db


def test_administrator_adds_a_moved_working_day(personas):
    client = signed_in(personas["admin"])
    response = client.post(
        "/admin/workdays/dayoverride/add/",
        {
            "date": "2026-12-19",
            "kind": "working_day",
            "name_kk": "Үкімет қаулысы",
            "name_ru": "Постановление Правительства",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DayOverride.objects.get(date=date(2026, 12, 19)).kind == "working_day"
    assert AuditRecord.objects.filter(action="admin.add", actor_username="admin").exists()
    friday_evening = datetime(2026, 12, 18, 19, 0, tzinfo=KZ_TZ)
    calendar = working_calendar(date(2026, 12, 18), date(2026, 12, 31))
    moment = calendar.next_working_moment(STANDARD_OFFICE_HOURS, friday_evening)
    assert moment == datetime(2026, 12, 19, 9, 0, tzinfo=KZ_TZ)  # the worked Saturday


@pytest.mark.parametrize("persona", ["consultant", "supervisor", "auditor", "officer_a"])
def test_only_the_administrator_enters_the_admin(personas, persona):
    client = signed_in(personas[persona])
    response = client.get("/admin/workdays/dayoverride/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_administrator_edits_the_directory_and_policy_pages(personas, agencies):
    client = signed_in(personas["admin"])
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get(f"/admin/agencies/agency/{agencies[0].pk}/change/").status_code == 200
    assert client.get("/admin/interaction/disclosurerule/").status_code == 200
