"""Every persona against every page and endpoint of case work (deny by default): only the
consultant and the supervisor reach notes and follow-ups; everyone else is refused, and the
roles that see the appeal never learn that notes exist (rule 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.casework.actions import followup_create, note_add
from qorgau.core.roles import MATRIX, Perm, Role
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

CASE = {"consultant", "supervisor"}
NOTE = "Анасы түнде қайта қоңырау шалады деді"


@pytest.fixture
def work(personas, register):
    number = register()["number"]
    from qorgau.appeals.models import Appeal

    appeal = Appeal.objects.get(number=number)
    note_add(actor=personas["consultant"], appeal=appeal, text=NOTE)
    followup = followup_create(
        actor=personas["consultant"],
        appeal=appeal,
        kind="callback",
        what="Айгүлге қайта қоңырау шалу",
        due_at=timezone.now() + timedelta(hours=1),
    )
    return number, followup


def test_matrix_rows():
    assert MATRIX[Perm.CASE_NOTES] == {Role.CONSULTANT, Role.SUPERVISOR}
    assert MATRIX[Perm.CASE_TASKS] == {Role.CONSULTANT, Role.SUPERVISOR}
    assert MATRIX[Perm.CASE_TASKS_ANY] == {Role.SUPERVISOR}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_pages(personas, work, persona):
    number, followup = work
    client = signed_in(personas[persona])
    panel = client.get(f"/appeals/{number}/case/", HTTP_HX_REQUEST="true")
    tasks = client.get("/tasks/")
    note = client.post(f"/appeals/{number}/case/notes", {"text": "x"})
    add = client.post(f"/appeals/{number}/case/followups", {"kind": "task", "what": "x"})
    cancel = client.post(f"/tasks/{followup.pk}/cancel", {"reason": "x", "back": "tasks"})
    if persona in CASE:
        assert panel.status_code == tasks.status_code == 200
        assert NOTE in panel.content.decode()
        assert note.status_code == 302
        assert add.status_code == 422  # no due time: the panel again, with the error
        assert cancel.status_code == 302
    else:
        statuses = {r.status_code for r in (panel, tasks, note, add, cancel)}
        assert statuses <= {403, 404}, statuses
        assert NOTE not in panel.content.decode()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_api(api_as, work, persona):
    number, followup = work
    client = api_as(persona)
    answers = {
        "notes": client.get(f"/api/v1/appeals/{number}/notes"),
        "note_add": client.post(f"/api/v1/appeals/{number}/notes", {"text": "Тағы бір жазба"}),
        "followups": client.get(f"/api/v1/appeals/{number}/followups"),
        "mine": client.get("/api/v1/followups/mine"),
        "everyone": client.get("/api/v1/followups/mine", show="everyone"),
        "reassign": client.post(
            f"/api/v1/followups/{followup.pk}/reassign", {"assignee": followup.assignee_id}
        ),
        "complete": client.post(
            f"/api/v1/followups/{followup.pk}/complete", {"result": "Хабарласты"}
        ),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    if persona == "consultant":
        expected = {"notes": 200, "note_add": 201, "followups": 200, "mine": 200}
        assert statuses == {**expected, "everyone": 403, "reassign": 200, "complete": 200}
    elif persona == "supervisor":
        expected = {"notes": 200, "note_add": 201, "followups": 200, "mine": 200}
        assert statuses == {**expected, "everyone": 200, "reassign": 200, "complete": 200}
    else:
        assert set(statuses.values()) <= {401, 403, 404}, statuses
        assert all(NOTE not in r.content.decode() for r in answers.values())


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_timeline_shows_notes_only_to_case_roles(personas, work, persona):
    number, _followup = work
    response = signed_in(personas[persona]).get(f"/appeals/{number}/timeline/")
    html = response.content.decode()
    assert NOTE not in html or persona in CASE
    if persona in CASE:
        assert NOTE in html
    if response.status_code == 200 and persona not in CASE:
        assert "Айгүлге қайта" not in html  # what a follow-up is about is not shown either
        assert "ішкі жазба" not in html.lower()  # not even that a note exists


def test_nav_offers_my_tasks_only_to_case_roles(personas):
    for persona in PERSONA_NAMES:
        html = signed_in(personas[persona]).get("/no-such-page/").content.decode()  # staff chrome
        assert ('href="/tasks/"' in html) is (persona in CASE), persona


def test_admin_sees_case_work_rows_read_only_without_their_texts(personas, work):
    _number, followup = work
    admin = signed_in(personas["admin"])
    listing = admin.get("/admin/casework/note/")
    assert listing.status_code == 200 and NOTE not in listing.content.decode()
    change = admin.get(f"/admin/casework/followup/{followup.pk}/change/")
    assert change.status_code == 200 and "Айгүлге" not in change.content.decode()
    assert admin.get("/admin/casework/note/add/").status_code == 403
    assert admin.post(f"/admin/casework/followup/{followup.pk}/delete/").status_code == 403
