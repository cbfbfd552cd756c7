"""The actions of case work: each writes its audit row (never the text), texts are stored
encrypted, notes are append-only, and refusals are clear in Kazakh and Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.casework import actions
from qorgau.casework.models import FollowUp, Note
from qorgau.core.errors import Conflict, FieldErrors, Forbidden

pytestmark = pytest.mark.django_db

SECRET = "Көршісі Бекзат баланы ұрады"


@pytest.fixture
def appeal(register):
    return Appeal.objects.get(number=register()["number"])


def _callback(personas, appeal, **extra):
    return actions.followup_create(
        actor=personas["consultant"],
        appeal=appeal,
        kind="callback",
        what=SECRET,
        due_at=timezone.now() + timedelta(hours=1),
        **extra,
    )


def _audit(action, appeal):
    return AuditRecord.objects.filter(action=action, object_ref=appeal.number)


def _no_text_in_audit():
    for record in AuditRecord.objects.all():
        assert SECRET not in str(record.details) and SECRET not in record.reason


def test_note_add_is_audited_and_encrypted(personas, appeal):
    note = actions.note_add(actor=personas["consultant"], appeal=appeal, text=SECRET)
    assert _audit("note.add", appeal).get().details == {"note": note.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM casework_note WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert SECRET not in stored and "Бекзат" not in stored
    assert Note.objects.get(pk=note.pk).text == SECRET
    _no_text_in_audit()


def test_notes_have_no_edit_or_delete_action():
    assert not [name for name in dir(actions) if name.startswith("note_") and name != "note_add"]


def test_followup_lifecycle_is_audited_and_encrypted(personas, appeal):
    followup = _callback(personas, appeal)
    created = _audit("followup.create", appeal).get()
    assert created.details == {"followup": followup.pk, "assignee": "consultant"}
    done = actions.followup_complete(
        actor=personas["consultant"], followup=followup, result="Жетті, анасы " + SECRET
    )
    assert done.done_by == personas["consultant"] and done.done_at is not None
    assert _audit("followup.complete", appeal).get().details == {"followup": followup.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT what, result FROM casework_followup WHERE id = %s", [followup.pk])
        what, result = cursor.fetchone()
    assert SECRET not in what and SECRET not in result
    _no_text_in_audit()


def test_cancel_and_reassign_are_audited(personas, appeal):
    followup = _callback(personas, appeal)
    actions.followup_reassign(
        actor=personas["consultant"], followup=followup, to=personas["supervisor"]
    )
    assert _audit("followup.reassign", appeal).get().details == {
        "followup": followup.pk,
        "from": "consultant",
        "to": "supervisor",
    }
    # handing it to whom it already is changes nothing and writes nothing
    actions.followup_reassign(
        actor=personas["supervisor"], followup=followup, to=personas["supervisor"]
    )
    assert _audit("followup.reassign", appeal).count() == 1
    actions.followup_cancel(actor=personas["supervisor"], followup=followup, reason="Қажет емес")
    assert _audit("followup.cancel", appeal).get().details == {"followup": followup.pk}
    with pytest.raises(Conflict) as closed:
        actions.followup_complete(actor=personas["supervisor"], followup=followup, result="x")
    assert closed.value.code == "followup_closed"


def test_only_the_assignee_hands_over_their_own_or_a_supervisor_any(personas, make_user, appeal):
    other = make_user("other", "consultant")
    followup = _callback(personas, appeal)
    with pytest.raises(Forbidden):
        actions.followup_reassign(actor=other, followup=followup, to=other)
    with pytest.raises(Forbidden):
        actions.followup_complete(actor=other, followup=followup, result="x")
    actions.followup_reassign(actor=personas["supervisor"], followup=followup, to=other)
    assert FollowUp.objects.get(pk=followup.pk).assignee == other


def test_a_consultant_plans_only_for_themself(personas, make_user, appeal):
    other = make_user("other", "consultant")
    with pytest.raises(Forbidden):
        _callback(personas, appeal, assignee=other)
    by_supervisor = actions.followup_create(
        actor=personas["supervisor"],
        appeal=appeal,
        kind="task",
        what="Хат жазу",
        due_at=timezone.now() + timedelta(days=1),
        assignee=other,
    )
    assert by_supervisor.assignee == other
    with pytest.raises(FieldErrors) as officer:
        actions.followup_reassign(
            actor=personas["supervisor"], followup=by_supervisor, to=personas["officer_a"]
        )
    assert "assignee" in officer.value.fields


@pytest.mark.parametrize(
    ("language", "due_words", "result_words"),
    [("kk", "өтіп кетті", "қоңырау"), ("ru", "прошло", "звонок")],
)
def test_refusals_are_translated(personas, appeal, language, due_words, result_words):
    with translation.override(language):
        with pytest.raises(FieldErrors) as past:
            actions.followup_create(
                actor=personas["consultant"],
                appeal=appeal,
                kind="task",
                what="x",
                due_at=timezone.now() - timedelta(hours=2),
            )
        assert due_words in past.value.fields["due_at"]
        followup = _callback(personas, appeal)
        with pytest.raises(FieldErrors) as no_result:
            actions.followup_complete(actor=personas["consultant"], followup=followup)
        assert result_words in no_result.value.fields["result"].lower()
    assert not FollowUp.objects.filter(what="x").exists()


def test_a_task_needs_no_result_but_a_callback_does(personas, appeal):
    task = actions.followup_create(
        actor=personas["consultant"],
        appeal=appeal,
        kind="task",
        what="Құжатты тексеру",
        due_at=timezone.now() + timedelta(minutes=5),
    )
    assert actions.followup_complete(actor=personas["consultant"], followup=task).done_at


def test_api_errors_have_codes_and_translated_details(api_as, register, personas):
    number = register()["number"]
    past = (timezone.now() - timedelta(days=1)).isoformat()
    for language, words in (("kk", "өтіп кетті"), ("ru", "прошло")):
        answer = api_as("consultant", language).post(
            f"/api/v1/appeals/{number}/followups", {"kind": "task", "what": "x", "due_at": past}
        )
        assert answer.status_code == 422 and answer.json()["code"] == "invalid"
        assert words in answer.json()["fields"]["due_at"]
    created = api_as("consultant").post(
        f"/api/v1/appeals/{number}/followups",
        {"kind": "callback", "what": SECRET, "due_at": "2099-03-01T10:00"},
    )
    assert created.status_code == 201
    due = datetime.fromisoformat(created.json()["due_at"])
    assert due == datetime(2099, 3, 1, 5, 0, tzinfo=UTC)  # 10:00 in Kazakhstan is 05:00 UTC
    pk = created.json()["id"]
    done = api_as("consultant").post(f"/api/v1/followups/{pk}/complete", {"result": "Жетті"})
    assert done.status_code == 200 and done.json()["done_at"]
    again = api_as("consultant", "ru").post(f"/api/v1/followups/{pk}/cancel", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "followup_closed"
    assert "закрыт" in again.json()["detail"]
