"""Correcting an appeal after registration, by the page and the API: who may, what follows from
a corrected IIN, phone or summary, a stale form, the change history and its audit."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection

from qorgau.appeals.actions import appeal_transition
from qorgau.appeals.models import Appeal, AppealRevision
from qorgau.audit.models import AuditRecord
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

EDITORS = {"consultant", "supervisor"}
NEW_IIN = "850101400011"
NEW_PHONE = "+77029998877"


def _version(api_as, number: str) -> str:
    return str(api_as("consultant").get(f"/api/v1/appeals/{number}").json()["version"])


def _patch(api_as, number: str, persona: str = "consultant", language: str = "en", **body):
    body.setdefault("expected_version", _version(api_as, number))
    return api_as(persona, language).patch(f"/api/v1/appeals/{number}", body)


@pytest.fixture
def page_as(personas):
    """A signed-in page client (second factor given where the role needs it)."""

    def sign_in(persona: str, language: str = "kk"):
        client = signed_in(personas[persona], language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return sign_in


def _form(client, number: str) -> dict[str, object]:
    """The correction form as the page fills it: every field with its current value."""
    response = client.get(f"/appeals/{number}/edit/")
    assert response.status_code == 200
    values = response.context["values"]
    form = {k: values.getlist(k) for k in values}
    form["version"] = response.context["version"]
    return form


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_consultant_and_supervisor_correct_through_the_api(api_as, register, persona):
    number = register()["number"]
    response = _patch(api_as, number, persona, summary="Мектептегі қорлау, 5-сынып")
    assert response.status_code == (200 if persona in EDITORS else 403)
    corrected = Appeal.objects.get(number=number).summary == "Мектептегі қорлау, 5-сынып"
    assert corrected is (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_consultant_and_supervisor_open_the_correction_page(page_as, register, persona):
    number = register()["number"]
    client = page_as(persona)
    assert client.get(f"/appeals/{number}/edit/").status_code == (
        200 if persona in EDITORS else 403
    )
    detail = client.get(f"/appeals/{number}/")
    if detail.status_code == 200:
        assert ('id="correct-link"' in detail.content.decode()) is (persona in EDITORS)


@pytest.mark.parametrize("persona", sorted(EDITORS))
def test_a_closed_appeal_is_corrected_by_a_supervisor_only(
    api_as, page_as, personas, register, persona
):
    number = register()["number"]
    appeal = Appeal.objects.get(number=number)
    appeal_transition(actor=personas["supervisor"], appeal=appeal, to_status="answered")
    appeal_transition(actor=personas["supervisor"], appeal=appeal, to_status="closed")
    response = _patch(api_as, number, persona, language="ru", summary="Исправлено")
    page = page_as(persona, "kk").get(f"/appeals/{number}/edit/")
    detail = page_as(persona, "kk").get(f"/appeals/{number}/").content.decode()
    if persona == "supervisor":
        assert response.status_code == 200 and page.status_code == 200
        assert 'id="correct-link"' in detail
    else:
        assert response.status_code == 403 and response.json()["code"] == "appeal_closed"
        assert response.json()["detail"] == (
            "Это обращение закрыто: исправить его может только супервайзер."
        )
        assert page.status_code == 403
        assert "оны тек супервайзер түзете алады" in page.content.decode()
        assert 'id="correct-link"' not in detail
        assert not AppealRevision.objects.exists()


def test_a_corrected_phone_and_iin_find_the_appeal_and_the_old_ones_do_not(
    api_as, page_as, register
):
    number = register()["number"]
    response = _patch(api_as, number, applicant={"iin": NEW_IIN, "phone": "8 702 999 88 77"})
    assert response.json()["changed"] == ["applicant.iin", "applicant.phone"]
    client = page_as("consultant")
    for query, found in [
        (NEW_IIN, True),
        ("8 702 999 88 77", True),
        ("900101300027", False),
        ("+7 701 234 56 78", False),
    ]:
        html = client.post("/appeals/callers/", {"q": query}).content.decode()
        assert (number in html) is found, query
    assert Appeal.objects.get(number=number).applicant_phone == NEW_PHONE


def test_a_corrected_summary_is_found_by_its_new_words_only(api_as, page_as, register):
    number = register(summary="Мектепте қорлау")["number"]
    _patch(api_as, number, summary="Көршісі баланы ұрады")
    client = page_as("consultant")
    assert number in client.post("/appeals/", {"q": "көршісі"}).content.decode()
    assert number not in client.post("/appeals/", {"q": "мектепте"}).content.decode()


def test_a_stale_version_is_refused_and_nothing_is_written(api_as, register):
    number = register()["number"]
    stale = _version(api_as, number)
    assert _patch(api_as, number, region="astana").status_code == 200
    response = _patch(api_as, number, expected_version=stale, summary="Басқа")
    assert response.status_code == 409 and response.json()["code"] == "appeal_changed"
    appeal = Appeal.objects.get(number=number)
    assert appeal.summary == "Мектепте қорлау" and appeal.region.code == "astana"
    assert AppealRevision.objects.count() == 1
    assert AuditRecord.objects.filter(action="appeal.correct").count() == 1


def test_no_change_writes_no_revision(api_as, register):
    number = register()["number"]
    version = _version(api_as, number)
    response = _patch(api_as, number, summary="Мектепте қорлау", region="almaty")
    assert response.status_code == 200
    assert response.json() == {"number": number, "version": version, "changed": []}
    assert not AppealRevision.objects.exists()
    assert not AuditRecord.objects.filter(action="appeal.correct").exists()


def test_the_audit_record_names_the_fields_and_holds_no_value(api_as, register):
    number = register()["number"]
    _patch(api_as, number, applicant={"phone": NEW_PHONE}, description="Жаңа сипаттама")
    record = AuditRecord.objects.get(action="appeal.correct", object_ref=number)
    assert record.details == {"fields": ["description", "applicant.phone"]}
    assert record.actor_role == "consultant"
    dumped = json.dumps(record.details, ensure_ascii=False) + record.reason
    assert "7029998877" not in dumped and "сипаттама" not in dumped
    revision = AppealRevision.objects.get()
    assert {"field": "applicant.phone", "old": "+77012345678", "new": NEW_PHONE} in (
        revision.change_list
    )
    with connection.cursor() as cursor:  # as stored: encrypted (rule 5)
        cursor.execute("SELECT changes, reason FROM appeals_appealrevision")
        stored = " ".join(cursor.fetchone())
    assert "7029998877" not in stored and "7012345678" not in stored


def test_persons_help_and_direction_are_corrected_and_the_commissioner_scope_follows(
    api_as, register
):
    number = register(direction=5, persons=[{"kind": "woman", "age": 34}])["number"]
    commissioner = api_as("commissioner")
    assert commissioner.get(f"/api/v1/appeals/{number}").status_code == 404
    response = _patch(
        api_as,
        number,
        persons=[{"kind": "woman", "age": 34}, {"kind": "child", "age": 7, "name": "Әли"}],
        help_given=["psychological"],
    )
    assert response.json()["changed"] == ["persons", "help_given"]
    assert commissioner.get(f"/api/v1/appeals/{number}").status_code == 200
    appeal = Appeal.objects.get(number=number)
    assert [p.name for p in appeal.persons.order_by("pk")] == ["", "Әли"]
    assert [h.code for h in appeal.help_given.all()] == ["psychological"]


def test_urgency_is_raised_with_a_risk_but_never_lowered_and_a_risk_stays(api_as, register):
    number = register()["number"]
    response = _patch(api_as, number, risk_flags=["threat_to_life"])
    assert response.json()["changed"] == ["urgency", "urgency_reason", "risk_flags"]
    appeal = Appeal.objects.get(number=number)
    assert appeal.urgency == "urgent" and appeal.risk_threat_to_life
    lowered = _patch(api_as, number, language="ru", urgency="normal")
    assert lowered.status_code == 422 and "правило 6(j)" in lowered.json()["fields"]["urgency"]
    taken_back = _patch(api_as, number, language="kk", risk_flags=[])
    assert taken_back.status_code == 422
    assert taken_back.json()["fields"]["risk_flags"] == (
        "Белгіленген қауіп өтініште қалады: оны алып тастауға болмайды."
    )
    assert Appeal.objects.get(number=number).urgency == "urgent"


@pytest.mark.parametrize(
    ("language", "message"), [("kk", "ЖСН дұрыс емес"), ("ru", "Неверный ИИН")]
)
def test_the_same_checks_as_registration_in_the_users_language(api_as, register, language, message):
    number = register()["number"]
    response = _patch(api_as, number, language=language, applicant={"iin": "900101300028"})
    assert response.status_code == 422
    assert message.lower() in response.json()["fields"]["applicant.iin"].lower()
    name = _patch(api_as, number, language=language, applicant={"name": ""})
    assert set(name.json()["fields"]) == {"applicant.name"}
    assert not AppealRevision.objects.exists()


def test_the_page_saves_and_names_the_corrected_fields(page_as, register):
    number = register()["number"]
    client = page_as("consultant")
    form = _form(client, number)
    assert form["applicant.phone"] == ["+77012345678"] and form["persons.0.kind"] == ["child"]
    form.update({"region": "astana", "applicant.phone": "8 702 999 88 77", "reason": "Қате аймақ"})
    response = client.post(f"/appeals/{number}/edit/", form)
    assert response.status_code == 302 and response["Location"] == f"/appeals/{number}/"
    html = client.get(f"/appeals/{number}/").content.decode()
    assert "Түзетілді: Өңір, Өтініш берушінің телефоны." in html
    appeal = Appeal.objects.get(number=number)
    assert appeal.region.code == "astana" and appeal.applicant_phone == NEW_PHONE
    assert AppealRevision.objects.get().reason == "Қате аймақ"


def test_opening_the_page_is_an_audited_view_of_personal_data(page_as, register):
    number = register()["number"]
    page_as("consultant").get(f"/appeals/{number}/edit/")
    record = AuditRecord.objects.filter(action="appeal.view_personal", object_ref=number).last()
    assert record is not None and record.reason == "appeal correction form"


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "ЖСН дұрыс емес"), ("ru", "Неверный ИИН")],
)
def test_page_errors_keep_everything_typed(page_as, register, language, message):
    number = register()["number"]
    client = page_as("consultant", language)
    form = _form(client, number)
    form.update({"applicant.iin": "900101300028", "summary": "Жаңа қысқаша мазмұн"})
    response = client.post(f"/appeals/{number}/edit/", form)
    html = response.content.decode()
    assert response.status_code == 422 and message.lower() in html.lower()
    assert 'value="Жаңа қысқаша мазмұн"' in html and 'value="900101300028"' in html
    assert Appeal.objects.get(number=number).summary == "Мектепте қорлау"


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "оны басқа біреу өзгертті"), ("ru", "его изменил кто-то другой")],
)
def test_someone_elses_change_is_shown_and_nothing_typed_is_lost(
    api_as, page_as, register, language, message
):
    number = register()["number"]
    client = page_as("consultant", language)
    form = _form(client, number)
    _patch(api_as, number, "supervisor", region="astana")  # while our form was open
    form.update({"summary": "Менің түзетуім"})
    response = client.post(f"/appeals/{number}/edit/", form)
    html = response.content.decode()
    assert response.status_code == 409 and message in html
    assert 'id="correction-conflict"' in html and 'value="Менің түзетуім"' in html
    conflict = html.split('id="correction-conflict"')[1].split("</section>")[0]
    assert "Астана" in conflict  # the region as it is now
    assert Appeal.objects.get(number=number).summary == "Мектепте қорлау"
    form["version"] = response.context["version"]  # saving again is a decision taken knowingly
    assert client.post(f"/appeals/{number}/edit/", form).status_code == 302
    assert Appeal.objects.get(number=number).summary == "Менің түзетуім"


@pytest.mark.parametrize("persona", ["supervisor", "consultant", "quality", "commissioner"])
def test_the_history_shows_values_only_to_roles_that_see_personal_data(
    api_as, page_as, register, persona
):
    number = register()["number"]
    _patch(api_as, number, applicant={"phone": NEW_PHONE}, reason="Нөмір қате жазылған")
    html = page_as(persona).get(f"/appeals/{number}/timeline/").content.decode()
    assert "Өтініш түзетілді: Өтініш берушінің телефоны" in html and "consultant" in html
    values = "+77012345678 → +77029998877" in html and "Нөмір қате жазылған" in html
    assert values is (persona in EDITORS)
    assert (NEW_PHONE in html) is (persona in EDITORS)
    assert ("аудит журналына жазылды" in html) is (persona in EDITORS)
    audited = AuditRecord.objects.filter(action="appeal.view_personal", reason="appeal timeline")
    assert audited.exists() is (persona in EDITORS)


def test_the_page_clears_an_emptied_field_and_refuses_an_emptied_required_one(page_as, register):
    number = register()["number"]
    client = page_as("consultant")
    form = _form(client, number)
    response = client.post(f"/appeals/{number}/edit/", {**form, "summary": "", "direction": ""})
    assert response.status_code == 422
    assert set(response.context["errors"]) == {"summary", "direction"}
    assert client.post(f"/appeals/{number}/edit/", {**form, "description": ""}).status_code == 302
    assert Appeal.objects.get(number=number).description == ""
    assert AppealRevision.objects.get().change_list[0]["field"] == "description"
