"""The extension in the browser (rule 11): the agency portal's form explains who decides, in kk
and ru; a non-head names the head and uploads the signed decision; a head decides alone. The
administrator marks the heads on the agency's admin page, and that change is audited."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.agency_requests.models import AgencyReply, AgencyRequest
from qorgau.audit.models import AuditRecord
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Role
from qorgau.staff.models import User
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(personas, register, api_as, make_user):
    """A delivered request to agency A, whose head is head_a."""
    agency = personas["officer_a"].agency
    agency.round_the_clock = True
    agency.save()
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    make_user(
        "head_a", Role.AGENCY_OFFICER, agency=agency, is_agency_head=True, last_name="Оспанов"
    )
    number = register(direction=4)["number"]
    consultant = api_as("consultant")
    body = {"agency": agency.pk, "reason": "Мектеп осы басқармаға қарайды"}
    request_id = consultant.post(f"/api/v1/appeals/{number}/requests", body).json()["id"]
    AgencyRequest.objects.filter(pk=request_id).update(status="delivered")
    return AgencyRequest.objects.get(pk=request_id)


def _new_term(agency_request: AgencyRequest) -> str:
    now = agency_request.created_at.astimezone(KZ_TZ)
    return (now + timedelta(days=30)).strftime("%Y-%m-%d")


@pytest.mark.parametrize(
    ("language", "rule", "pass_on"),
    [
        ("kk", "басшысы немесе басшының орынбасары қабылдайды", "үш жұмыс күні ішінде"),
        ("ru", "принимает руководитель органа или его заместитель", "трёх рабочих дней"),
    ],
)
def test_the_form_explains_who_decides(personas, sent, language, rule, pass_on):
    page = signed_in(personas["officer_a"], language).get(f"/agency/requests/{sent.pk}/")
    text = page.content.decode()
    assert rule in text and pass_on in text
    assert 'name="decision"' in text and '<option value="head_a">Оспанов</option>' in text


def test_a_non_head_uploads_the_signed_decision(personas, sent):
    client = signed_in(personas["officer_a"], "ru")
    path = f"/agency/requests/{sent.pk}/extension/"
    form = {"until": _new_term(sent), "reason": "Нужна экспертиза"}
    refused = client.post(path, form)
    assert refused.status_code == 422
    assert "только руководитель органа или его заместитель" in refused.content.decode()
    no_scan = client.post(path, {**form, "decided_by": "head_a"})
    assert "Приложите подписанное решение" in no_scan.content.decode()
    scan = SimpleUploadedFile("reshenie.pdf", b"%PDF-1.4 signed", "application/pdf")
    done = client.post(path, {**form, "decided_by": "head_a", "decision": scan})
    assert done.status_code == 302
    reply = AgencyReply.objects.get(kind="extension")
    assert reply.by == personas["officer_a"] and reply.decided_by.username == "head_a"
    page = client.get(f"/agency/requests/{sent.pk}/").content.decode()
    until = reply.extended_until.astimezone(KZ_TZ).strftime("%d.%m.%Y")
    assert f"до {until}" in page and "решение принял head_a" in page and "reshenie.pdf" in page
    consultant = signed_in(personas["consultant"], "ru")
    panel = consultant.get(f"/appeals/{sent.appeal.number}/timeline/").content.decode()
    assert f"Срок продлён · до {until}" in panel


def test_the_head_extends_alone(sent):
    head = User.objects.get(username="head_a")
    client = signed_in(head, "kk")
    page = client.get(f"/agency/requests/{sent.pk}/").content.decode()
    assert "Шешімді өзім қабылдадым" in page
    path = f"/agency/requests/{sent.pk}/extension/"
    done = client.post(path, {"until": _new_term(sent), "reason": "Сараптама"})
    assert done.status_code == 302
    assert AgencyReply.objects.get(kind="extension").decided_by == head


class _Form(HTMLParser):
    """The values a browser would post from the page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            checkable = a.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if checkable else ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name or ""] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] = [self.data[self._textarea][0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_the_administrator_marks_the_head_on_the_agency_page(personas, sent):
    officer = personas["officer_a"]
    client = signed_in(personas["admin"], "ru")
    path = f"/admin/agencies/agency/{officer.agency_id}/change/"
    form = _Form()
    form.feed(client.get(path).content.decode())
    row = next(k for k, v in form.data.items() if k.endswith("-id") and v == [str(officer.pk)])
    form.data[row.removesuffix("-id") + "-is_agency_head"] = ["on"]
    response = client.post(path, form.data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=officer.pk).is_agency_head
    audit = AuditRecord.objects.get(action="admin.change", object_type="staff.user")
    assert audit.object_ref == str(officer.pk) and audit.details == {"fields": ["is_agency_head"]}
