"""The case-work panel on the appeal page and the My tasks page: with and without htmx, the
periodic refresh that writes no audit row, grouping by due time with a fixed clock, the
navigation's overdue badge, and query counts that do not grow with the rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.casework.models import FollowUp
from qorgau.casework.selectors import grouped, open_followups
from qorgau.casework.templatetags.casework import due_phrase
from qorgau.core.kztime import KZ_TZ
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def number(register):
    return register()["number"]


@pytest.fixture
def consultant(personas):
    return signed_in(personas["consultant"])


def _plan(personas, number, due_at, who="consultant", kind="task", what="Хат дайындау"):
    return FollowUp.objects.create(
        appeal=Appeal.objects.get(number=number),
        kind=kind,
        what=what,
        due_at=due_at,
        assignee=personas[who],
        created_by=personas[who],
    )


def test_note_with_htmx_rerenders_the_panel_and_reloads_the_timeline(consultant, number):
    response = consultant.post(
        f"/appeals/{number}/case/notes", {"text": "Анасы кешке хабарласады"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "qorgau-changed"
    assert "Анасы кешке хабарласады" in html and "<html" not in html
    assert "Жазба қосылды." in html


def test_without_script_a_form_redirects_to_the_panel_page(consultant, number):
    due = (timezone.now() + timedelta(hours=2)).astimezone(KZ_TZ).strftime("%Y-%m-%dT%H:%M")
    response = consultant.post(
        f"/appeals/{number}/case/followups",
        {"kind": "callback", "what": "Айгүлге қоңырау шалу", "due_at": due},
    )
    assert response.status_code == 302 and response["Location"] == f"/appeals/{number}/case/"
    page = consultant.get(response["Location"]).content.decode()
    assert "<html" in page and "Айгүлге қоңырау шалу" in page and "Жоспарланды." in page
    assert "сағаттан кейін" in page  # "due in 1 hour" (the minute just started may have passed)


def test_a_field_error_is_shown_in_kazakh_and_nothing_is_saved(consultant, number):
    response = consultant.post(
        f"/appeals/{number}/case/followups",
        {"kind": "task", "what": "", "due_at": "2020-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'role="alert"' in html
    assert "Не істеу керегін жазыңыз." in html
    assert not FollowUp.objects.exists()


def test_refresh_with_nothing_new_answers_204_without_an_audit_row(consultant, number, personas):
    consultant.post(f"/appeals/{number}/case/notes", {"text": "Бірінші жазба"})
    first = consultant.get(f"/appeals/{number}/case/", HTTP_HX_REQUEST="true")
    seen = AuditRecord.objects.filter(action="casework.view", object_ref=number).count()
    assert seen == 1
    fingerprint = first.content.decode().split("?seen=")[1].split('"')[0]
    assert 'hx-select="#case-lists"' in first.content.decode()  # a refresh keeps typed forms
    again = consultant.get(
        f"/appeals/{number}/case/", {"seen": fingerprint}, HTTP_HX_REQUEST="true"
    )
    assert again.status_code == 204
    assert AuditRecord.objects.filter(action="casework.view", object_ref=number).count() == 1
    consultant.post(f"/appeals/{number}/case/notes", {"text": "Екінші жазба"})
    changed = consultant.get(
        f"/appeals/{number}/case/", {"seen": fingerprint}, HTTP_HX_REQUEST="true"
    )
    assert changed.status_code == 200 and "Екінші жазба" in changed.content.decode()


def test_overdue_is_highlighted_and_said_in_words(consultant, personas, number):
    _plan(personas, number, timezone.now() - timedelta(hours=3))
    html = consultant.get(f"/appeals/{number}/case/", HTTP_HX_REQUEST="true").content.decode()
    assert 'class="followup overdue"' in html and "3 сағатқа кешікті" in html


@pytest.mark.parametrize(
    ("language", "minutes", "words"),
    [
        ("kk", 120, "2 сағаттан кейін"),
        ("ru", 120, "через 2 часа"),
        ("ru", -21, "просрочено на 21 минуту"),
        ("ru", 60 * 24 * 5, "через 5 дней"),
        ("en", -1, "overdue by 1 minute"),
    ],
)
def test_due_phrase(language, minutes, words):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=KZ_TZ)
    with translation.override(language):
        assert due_phrase(now + timedelta(minutes=minutes), now) == words


def test_grouping_with_a_fixed_clock(personas, number):
    now = datetime(2026, 3, 2, 15, 0, tzinfo=KZ_TZ)
    late = _plan(personas, number, now - timedelta(minutes=1))
    tonight = _plan(personas, number, now.replace(hour=23, minute=59))
    tomorrow = _plan(personas, number, now.replace(hour=0, minute=30) + timedelta(days=1))
    _plan(personas, number, now + timedelta(hours=1), who="supervisor")  # not mine
    groups = grouped(open_followups(personas["consultant"]), now)
    assert (groups.overdue, groups.today, groups.later) == ([late], [tonight], [tomorrow])


def test_my_tasks_groups_links_and_audits(consultant, personas, number):
    _plan(personas, number, timezone.now() - timedelta(minutes=30), what="Кешіккен тапсырма")
    _plan(personas, number, timezone.now() + timedelta(days=3), what="Кейінгі тапсырма")
    html = consultant.get("/tasks/").content.decode()
    assert f'href="/appeals/{number}/"' in html
    assert html.index("Кешіккен тапсырма") < html.index("Кейінгі тапсырма")
    assert "Мерзімі өткен (1)" in html and "Кейінірек (1)" in html
    audit = AuditRecord.objects.get(action="followup.view_list")
    assert audit.details == {"appeals": [number]} and "тапсырма" not in str(audit.details)


def test_supervisor_sees_everyones_and_a_consultant_cannot(personas, number):
    _plan(personas, number, timezone.now() + timedelta(hours=1), what="Консультанттікі")
    supervisor = signed_in(personas["supervisor"])
    assert "Консультанттікі" not in supervisor.get("/tasks/").content.decode()
    assert "Консультанттікі" in supervisor.get("/tasks/", {"show": "everyone"}).content.decode()
    personas["consultant"].is_active = False
    personas["consultant"].save()
    assert "Консультанттікі" in supervisor.get("/tasks/", {"show": "unassigned"}).content.decode()
    other = signed_in(personas["supervisor"])
    assert other.get("/tasks/", {"show": "everyone"}).status_code == 200


def test_consultant_asking_for_everyones_is_refused(consultant):
    assert consultant.get("/tasks/", {"show": "everyone"}).status_code == 403


def test_done_from_my_tasks_goes_back_to_my_tasks(consultant, personas, number):
    followup = _plan(personas, number, timezone.now() + timedelta(hours=1), kind="callback")
    refused = consultant.post(f"/tasks/{followup.pk}/complete", {"back": "tasks"})
    assert refused.status_code == 302 and refused["Location"] == "/tasks/"
    assert "қоңырау қалай өткенін" in consultant.get("/tasks/").content.decode().lower()
    done = consultant.post(
        f"/tasks/{followup.pk}/complete", {"back": "tasks", "result": "Жетпедім, ертең қайталаймын"}
    )
    assert done["Location"] == "/tasks/"
    assert FollowUp.objects.get(pk=followup.pk).result == "Жетпедім, ертең қайталаймын"


def test_badge_counts_my_overdue_tasks(consultant, personas, number):
    _plan(personas, number, timezone.now() - timedelta(hours=1))
    _plan(personas, number, timezone.now() - timedelta(hours=2))
    _plan(personas, number, timezone.now() + timedelta(hours=2))
    html = consultant.get("/no-such-page/").content.decode()  # any staff page shows the badge
    assert '<span class="badge overdue">2 мерзімі өткен</span>' in html


def test_no_badge_query_for_roles_without_the_permission(personas):
    with CaptureQueriesContext(connection) as queries:
        signed_in(personas["quality"]).get("/no-such-page/")
    assert not [q for q in queries.captured_queries if "casework_followup" in q["sql"]]


def test_my_tasks_query_count_does_not_grow(consultant, personas, register):
    numbers = [register()["number"] for _ in range(3)]

    def plan(count):
        for i in range(count):
            _plan(personas, numbers[i % 3], timezone.now() + timedelta(hours=i - 5))

    plan(3)
    with CaptureQueriesContext(connection) as few:
        assert consultant.get("/tasks/").status_code == 200
    plan(27)
    with CaptureQueriesContext(connection) as many:
        consultant.get("/tasks/")
    assert len(many) == len(few)


def test_panel_query_count_does_not_grow(consultant, personas, number):
    def add(count):
        for i in range(count):
            _plan(personas, number, timezone.now() + timedelta(hours=i + 1))
            consultant.post(f"/appeals/{number}/case/notes", {"text": f"Жазба {i}"})

    add(3)
    with CaptureQueriesContext(connection) as few:
        consultant.get(f"/appeals/{number}/case/", HTTP_HX_REQUEST="true")
    add(27)
    with CaptureQueriesContext(connection) as many:
        consultant.get(f"/appeals/{number}/case/", HTTP_HX_REQUEST="true")
    assert len(many) == len(few)
