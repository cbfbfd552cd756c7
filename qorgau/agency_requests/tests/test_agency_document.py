"""The agency reads the request as a document (rules 13, 15): labelled fields in its language on
the portal and in the e-mail (with a PDF and a portal link), only the steps valid in the state,
and a webhook body that follows its published schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qorgau.agency_requests.actions.send import queue_deliveries
from qorgau.agency_requests.channels import request_body
from qorgau.agency_requests.document import request_document
from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.core.kztime import KZ_TZ

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parents[3] / "docs/schemas/qorgau.request-1.json").read_text("utf-8")
)


@pytest.fixture
def register(register: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """An urgent appeal about a woman and her child."""

    def do(**overrides: Any) -> dict[str, Any]:
        return register(
            persons=[{"kind": "woman", "age": 30}, {"kind": "child", "age": 7}],
            urgency="urgent",
            urgency_reason="Ері қорқытып жатыр",
            **overrides,
        )

    return do


def _page(client: Client, personas: dict[str, Any], sent: dict[str, Any], lang: str) -> str:
    client.force_login(personas["officer_a"])
    response = client.get(f"/agency/requests/{sent['id']}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def _step(client: Client, sent: dict[str, Any], step: str, **data: str) -> str:
    response = client.post(
        f"/agency/requests/{sent['id']}/{step}/", data, HTTP_ACCEPT_LANGUAGE="ru", follow=True
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def test_rendered_in_kazakh_and_russian_with_local_dates(sent):
    content = json.loads(AgencyRequest.objects.get(pk=sent["id"]).content)
    received = AgencyRequest.objects.get(pk=sent["id"]).appeal.received_at.astimezone(KZ_TZ)
    kk, ru = dict(request_document(content, "kk")), dict(request_document(content, "ru"))
    assert kk["Тіркеу нөмірі"] == sent["number"] == ru["Регистрационный номер"]
    assert kk["Түскен уақыты"] == received.strftime("%d.%m.%Y %H:%M") == ru["Поступило"]
    assert ru["Срочность"] == "Срочное: Ері қорқытып жатыр"
    assert "Әйел, 30 жаста; бала, 7 жаста" in kk.values()
    assert "Женщина, 30 лет; ребёнок, 7 лет" in ru.values()
    assert ru["Направление"].startswith("4. ")


def test_page_shows_the_document_not_raw_data(client, personas, sent):
    page = _page(client, personas, sent, "ru")
    assert "Регистрационный номер" in page and "Женщина, 30 лет; ребёнок, 7 лет" in page
    for raw in ("received_at", "{&#x27;kind&#x27;", "&#x27;code&#x27;", "T0", "+05:00"):
        assert raw not in page
    kk = _page(client, personas, sent, "kk")
    assert "Тіркеу нөмірі" in kk and "Әйел, 30 жаста; бала, 7 жаста" in kk


def test_withheld_fields_are_simply_not_there(client, personas, sent):
    content = json.loads(AgencyRequest.objects.get(pk=sent["id"]).content)
    assert "applicant_iin" not in content  # the policy withholds it from a local agency
    page = _page(client, personas, sent, "ru")
    assert "ИИН" not in page and "Айгүл Серікова" not in page


def test_only_the_other_agency_is_refused(client, personas, sent):
    client.force_login(personas["officer_b"])
    assert client.get(f"/agency/requests/{sent['id']}/").status_code == 404
    assert sent["number"] not in client.get("/agency/").content.decode()
    client.force_login(personas["officer_a"])
    assert sent["number"] in client.get("/agency/").content.decode()


def _forms(page: str) -> set[str]:
    return set(re.findall(r'/agency/requests/\d+/([a-z-]+)/"', page))


def test_only_valid_steps_are_offered_and_each_says_what_happened(client, personas, sent):
    every = {"acknowledge", "confirmation", "answer", "clarification", "extension", "pass-on"}
    assert _forms(_page(client, personas, sent, "ru")) == every
    acknowledged = _step(client, sent, "acknowledge")
    assert re.search(r"Получение подтверждено в \d\d:\d\d\.", acknowledged)
    assert _forms(acknowledged) == every - {"acknowledge"}
    again = client.post(f"/agency/requests/{sent['id']}/acknowledge/", HTTP_ACCEPT_LANGUAGE="ru")
    assert again.status_code == 409 and "Этот шаг уже сделан." in again.content.decode()
    confirmed = _step(client, sent, "confirmation", confirmed="1", measures="Наряд выехал")
    assert re.search(r"Подтверждено в \d\d:\d\d\.", confirmed)
    assert _forms(confirmed) == every - {"acknowledge", "confirmation"}
    answered = _step(client, sent, "answer", text="Меры приняты.")
    assert re.search(r"Ответ отправлен в \d\d:\d\d\.", answered)
    assert _forms(answered) == set() and "можно только читать" in answered
    refused = client.post(f"/agency/requests/{sent['id']}/answer/", {"text": "again"})
    assert refused.status_code == 422


def test_officer_downloads_their_answer_file_other_agency_gets_404(client, personas, sent):
    client.force_login(personas["officer_a"])
    upload = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 answer", "application/pdf")
    page = client.post(
        f"/agency/requests/{sent['id']}/answer/", {"text": "Жауап.", "attachments": upload}
    )
    link = re.search(
        r'href="(/agency/requests/\d+/files/\d+/)"', client.get(page.url).content.decode()
    )
    assert link and client.get(link.group(1)).content == b"%PDF-1.4 answer"
    client.force_login(personas["officer_b"])
    assert client.get(link.group(1)).status_code == 404


def test_email_is_readable_text_and_html_with_pdf_and_portal_link(sent, mail):
    request = AgencyRequest.objects.get(pk=sent["id"])
    request.deliveries.update(status="pending", attempts=0)
    for delivery in claim("w", 10):
        deliver_one(delivery, "w")
    message = mail.messages[0]
    assert message["X-Qorgau-Idempotency-Key"] == str(request.idempotency_key)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"/agency/requests/{request.pk}/"
    for part in (text, html):
        assert "«111» байланыс орталығының сұрауы" in part and "Запрос контакт-центра «111»" in part
        assert "Әйел, 30 жаста; бала, 7 жаста" in part and link in part
        assert "received_at" not in part and "{" not in part.split("<body")[-1]
    assert f'<a href="http://127.0.0.1:8000{link}">' in html
    [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"111-{sent['number']}.pdf"
    assert pdf.get_content().startswith(b"%PDF")


def test_webhook_body_follows_its_published_schema(sent, receiver):
    request = AgencyRequest.objects.get(pk=sent["id"])
    hook = request.agency.contacts.create(channel="webhook", address=receiver.url, secret="s")
    queue_deliveries(request, [hook], due=timezone.now())
    for delivery in claim("w", 10):
        assert deliver_one(delivery, "w")
    [received] = receiver.received
    assert received.body["schema"] == "qorgau.request/1"
    jsonschema.validate(received.body, SCHEMA)
    notice = DeadlineNotice.objects.create(
        request=request, deadline="answer", kind="reminder", due_at=request.answer_due_at
    )
    jsonschema.validate(request_body(request, notice), SCHEMA)
    unknown = {**received.body, "appeal": {**received.body["appeal"], "secret_field": "x"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(unknown, SCHEMA)
