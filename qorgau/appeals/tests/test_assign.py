"""Assigning an appeal's consultant: a supervisor assigns or reassigns to any active consultant or
supervisor, with an optional reason; a consultant takes an appeal nobody has, never a
colleague's. History row, audit record, timeline entry, page and API."""

from __future__ import annotations

import pytest

from qorgau.appeals.models import Appeal, AssignmentChange
from qorgau.audit.models import AuditRecord
from qorgau.core.roles import Role
from qorgau.testing import PERSONA_NAMES, appeal_body, signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def unassigned(api_as):
    """An appeal registered by the supervisor: nobody has it yet."""
    response = api_as("supervisor").post("/api/v1/appeals", appeal_body())
    assert response.status_code == 201
    return response.json()["number"]


def _assign(api_as, persona, number, consultant, language="en", reason=""):
    return api_as(persona, language).post(
        f"/api/v1/appeals/{number}/assign", {"consultant": consultant, "reason": reason}
    )


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_assign_through_the_api_by_persona(api_as, unassigned, persona):
    """A supervisor assigns, a consultant takes (to themself); every other role is refused."""
    response = _assign(api_as, persona, unassigned, "consultant")
    expected = 200 if persona in ("supervisor", "consultant") else 403
    assert response.status_code == expected
    assigned = Appeal.objects.get(number=unassigned).assigned_consultant
    assert (assigned is not None) is (expected == 200)


def test_supervisor_reassigns_with_a_reason_kept_in_history_and_audited(api_as, register):
    number = register()["number"]  # the registering consultant has it
    response = _assign(api_as, "supervisor", number, "supervisor", reason="Айгүл демалыста")
    assert response.status_code == 200
    assert response.json()["assigned_consultant"] == "supervisor"
    change = AssignmentChange.objects.get(appeal__number=number)
    assert change.from_consultant.username == "consultant"
    assert change.to_consultant.username == "supervisor"
    assert change.reason == "Айгүл демалыста"
    record = AuditRecord.objects.get(action="appeal.assign", object_ref=number)
    assert record.actor_username == "supervisor"
    assert record.details == {"from": "consultant", "to": "supervisor"}
    assert "Айгүл" not in str(record.details) + record.reason  # free text stays out of the log


def test_assigning_the_same_consultant_again_changes_nothing(api_as, register):
    number = register()["number"]
    assert _assign(api_as, "supervisor", number, "consultant").status_code == 200
    assert not AssignmentChange.objects.exists()
    assert not AuditRecord.objects.filter(action="appeal.assign").exists()


@pytest.mark.parametrize(("language", "word"), [("kk", "әріптес"), ("ru", "коллеге")])
def test_consultant_cannot_take_a_colleagues_appeal(api_as, make_user, register, language, word):
    number = register()["number"]
    make_user("colleague", Role.CONSULTANT)
    assert _assign(api_as, "supervisor", number, "colleague").status_code == 200
    response = _assign(api_as, "consultant", number, "consultant", language)
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_already_assigned"
    assert word in response.json()["detail"]
    assert Appeal.objects.get(number=number).assigned_consultant.username == "colleague"


def test_consultant_cannot_give_an_appeal_to_someone_else(api_as, unassigned):
    assert _assign(api_as, "consultant", unassigned, "supervisor").status_code == 403
    assert Appeal.objects.get(number=unassigned).assigned_consultant is None


@pytest.mark.parametrize("who", ["quality", "officer_a", "nobody"])
def test_only_active_consultants_and_supervisors_can_be_assigned(api_as, unassigned, who):
    response = _assign(api_as, "supervisor", unassigned, who, "ru")
    assert response.status_code == 422
    assert "консультанта" in response.json()["fields"]["consultant"]


def test_an_inactive_consultant_cannot_be_assigned(api_as, make_user, unassigned):
    make_user("gone", Role.CONSULTANT, is_active=False)
    assert _assign(api_as, "supervisor", unassigned, "gone").status_code == 422


def test_the_timeline_says_who_assigned_whom_with_the_reason_for_personal_roles(
    api_as, personas, register
):
    number = register()["number"]
    _assign(api_as, "supervisor", number, "supervisor", reason="Айгүл демалыста")
    supervisor_view = signed_in(personas["supervisor"]).get(f"/appeals/{number}/timeline/")
    text = supervisor_view.content.decode()
    assert "supervisor өтінішті supervisor қызметкеріне тағайындады" in text
    assert "Айгүл демалыста" in text
    quality_view = signed_in(personas["quality"]).get(f"/appeals/{number}/timeline/")
    assert "тағайындады" in quality_view.content.decode()
    assert "Айгүл" not in quality_view.content.decode()


def test_supervisor_page_offers_active_staff_and_reassigns_without_js(personas, register):
    number = register()["number"]
    personas["supervisor"].first_name, personas["supervisor"].last_name = "Дана", "Омарова"
    personas["supervisor"].save()
    client = signed_in(personas["supervisor"])
    page = client.get(f"/appeals/{number}/").content.decode()
    assert 'name="consultant"' in page
    assert "supervisor / Дана Омарова" in page
    assert "quality" not in page.split('name="consultant"')[1].split("</select>")[0]
    response = client.post(f"/appeals/{number}/assign/", {"consultant": "supervisor"})
    assert response.status_code == 302
    assert Appeal.objects.get(number=number).assigned_consultant.username == "supervisor"


def test_htmx_assignment_answers_the_consultants_line_only(personas, register):
    number = register()["number"]
    client = signed_in(personas["supervisor"])
    response = client.post(f"/appeals/{number}/assign/", {"consultant": "supervisor"}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="assign-section">')
    assert "Сақталды." in text


def test_htmx_refusal_is_shown_on_the_form(personas, register):
    number = register()["number"]
    client = signed_in(personas["supervisor"], "ru")
    response = client.post(f"/appeals/{number}/assign/", {"consultant": ""}, **HTMX)
    assert response.status_code == 422
    assert "Выберите действующего консультанта" in response.content.decode()


def test_consultant_sees_a_take_button_only_while_nobody_has_the_appeal(personas, unassigned):
    client = signed_in(personas["consultant"])
    page = client.get(f"/appeals/{unassigned}/").content.decode()
    assert "Өтінішті өзіме алу" in page
    assert 'name="consultant"' in page and '<select name="consultant"' not in page
    assert (
        client.post(f"/appeals/{unassigned}/assign/", {"consultant": "consultant"}).status_code
        == 302
    )
    page = client.get(f"/appeals/{unassigned}/").content.decode()
    assert "Өтінішті өзіме алу" not in page


@pytest.mark.parametrize("persona", ["quality", "auditor", "commissioner", "national_commissioner"])
def test_viewers_see_the_consultant_but_no_form(personas, api_as, unassigned, persona):
    _assign(api_as, "supervisor", unassigned, "consultant")
    page = signed_in(personas[persona]).get(f"/appeals/{unassigned}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="assigned-consultant">consultant' in text
    assert f"/appeals/{unassigned}/assign/" not in text


@pytest.mark.parametrize(
    "persona", ["quality", "auditor", "commissioner", "officer_a", "admin", "outsider"]
)
def test_assign_page_post_refused_for_other_roles(personas, unassigned, persona):
    response = signed_in(personas[persona]).post(
        f"/appeals/{unassigned}/assign/", {"consultant": persona}
    )
    assert response.status_code == 403
    assert Appeal.objects.get(number=unassigned).assigned_consultant is None
