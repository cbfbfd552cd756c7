"""An undecided written demand past its deadline is escalated on the supervisors' boards
(rule 6(p)): at the top of the deadline board and of the demands page, for supervisors only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qorgau.appeals.tests.test_permissions import ALL
from qorgau.calls.models import RecordingDemand
from qorgau.calls.tests import test_recordings as base
from qorgau.calls.tests.test_recordings import register_demand
from qorgau.core.kztime import kz_today
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db
pbx, call, recorded, recordings_dir = base.pbx, base.call, base.recorded, base.recordings_dir
SECTION = 'class="overdue-demands"'


@pytest.fixture
def demands(api_as, recorded) -> dict[str, int]:
    """Four demands: undecided and late, undecided and due today, and two late but decided."""
    made = {}
    for name in ["late", "today", "approved", "rejected"]:
        made[name] = register_demand(api_as, str(recorded.pk), number=f"N-{name}").json()["id"]
    for name, approve in [("approved", True), ("rejected", False)]:
        api_as("supervisor").post(f"/api/v1/demands/{made[name]}/decision", {"approve": approve})
    RecordingDemand.objects.exclude(pk=made["today"]).update(
        deadline=kz_today() - timedelta(days=2)
    )
    RecordingDemand.objects.filter(pk=made["today"]).update(deadline=kz_today())
    return made


def _overdue_section(html: str) -> str:
    start = html.index(SECTION)
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("path", ["/board/deadlines/", "/calls/demands/"])
def test_the_supervisor_sees_only_undecided_late_demands_at_the_top(personas, demands, path):
    html = signed_in(personas["supervisor"]).get(path).content.decode()
    section = _overdue_section(html)
    assert "N-late" in section
    assert not any(f"N-{n}" in section for n in ["today", "approved", "rejected"])
    assert "<table" not in html[: html.index(SECTION)]  # above every other list


def test_the_demands_list_marks_the_late_one(personas, demands):
    html = signed_in(personas["auditor"], "en").get("/calls/demands/").content.decode()
    row = html[html.index(f'id="demand-{demands["late"]}"') :]
    assert "deadline passed" in row[: row.index("</tr>")]


@pytest.mark.parametrize("persona", sorted(set(ALL) - {"supervisor"}))
def test_nobody_else_gets_the_escalation(personas, demands, persona):
    client = signed_in(personas[persona])
    assert client.get("/board/deadlines/").status_code == 403
    demands_page = client.get("/calls/demands/")
    assert SECTION not in demands_page.content.decode()


def test_no_section_when_nothing_is_late(personas, recorded, api_as):
    register_demand(api_as, str(recorded.pk))
    html = signed_in(personas["supervisor"]).get("/board/deadlines/").content.decode()
    assert SECTION not in html


def test_deciding_a_late_demand_takes_it_off_the_board(personas, demands, api_as):
    api_as("supervisor").post(f"/api/v1/demands/{demands['late']}/decision", {"approve": True})
    html = signed_in(personas["supervisor"]).get("/board/deadlines/").content.decode()
    assert SECTION not in html


def test_the_api_says_which_demands_are_overdue(api_as, demands):
    listed = {d["id"]: d["overdue"] for d in api_as("auditor").get("/api/v1/demands").json()}
    assert listed == {
        demands["late"]: True,
        demands["today"]: False,
        demands["approved"]: False,
        demands["rejected"]: False,
    }
