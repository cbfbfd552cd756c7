"""The consultant's workbench and the appeal's timeline in the browser's pages (rules 6(c),
6(d), 6(i), 15): who may use them, that what is sent is what the preview showed, letters with
their PDF, outbound calls on the timeline, and what each role reads there."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from qorgau.agency_requests.models import AgencyRequest, Letter
from qorgau.agency_requests.pages import readable
from qorgau.appeals.models import Appeal
from qorgau.calls.models import Call, PhoneSystem, Recording
from qorgau.knowledge.models import Article, ArticleUse
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def appeal(register, directory):
    return Appeal.objects.get(number=register(direction=4)["number"])


def _as(client, personas, name):
    """`client` signed in as the persona (second factor given where the role needs it)."""
    signed = signed_in(personas[name], language="kk")
    client.cookies = signed.cookies
    return client


@pytest.mark.parametrize("name", ["consultant", "supervisor"])
def test_consultant_and_supervisor_open_the_workbench(client, personas, appeal, directory, name):
    page = _as(client, personas, name).get(f"/appeals/{appeal.number}/casework/", **HTMX)
    text = page.content.decode()
    assert page.status_code == 200
    assert directory["almaty_education"].name in text.split("Another agency")[0]
    detail = client.get(f"/appeals/{appeal.number}/").content.decode()
    assert f"/appeals/{appeal.number}/casework/" in detail


@pytest.mark.parametrize(
    "name", ["quality", "auditor", "commissioner", "officer_a", "admin", "outsider"]
)
def test_other_roles_are_refused_the_workbench(client, personas, appeal, name):
    _as(client, personas, name)
    assert client.get(f"/appeals/{appeal.number}/casework/").status_code == 403
    assert client.post(f"/appeals/{appeal.number}/casework/send/").status_code == 403
    assert (
        f"/appeals/{appeal.number}/casework/"
        not in client.get(f"/appeals/{appeal.number}/").content.decode()
    )


def test_an_unknown_appeal_is_not_found(client, personas):
    assert (
        _as(client, personas, "consultant").get("/appeals/111-2000-999999/casework/").status_code
        == 404
    )


def test_the_sent_request_is_exactly_what_the_preview_showed(client, personas, appeal, directory):
    agency = directory["almaty_education"]
    _as(client, personas, "consultant")
    shown = client.post(
        f"/appeals/{appeal.number}/casework/preview/",
        {"agency": agency.pk},
        HTTP_ACCEPT_LANGUAGE="ru",
        **HTMX,
    ).content.decode()
    digest = shown.split('name="digest" value="')[1].split('"')[0]
    sent = client.post(
        f"/appeals/{appeal.number}/casework/send/",
        {"agency": agency.pk, "digest": digest},
        HTTP_ACCEPT_LANGUAGE="ru",
        **HTMX,
    )
    assert sent.status_code == 201 and agency.name_ru in sent.content.decode()
    stored = json.loads(AgencyRequest.objects.get(appeal=appeal).content)
    preview = shown.split('id="preview-content">')[1].split("</dl>")[0]
    with translation.override("ru"):
        lines = readable(stored)
    assert [(html.escape(k), html.escape(v)) for k, v in lines] == [
        (dt.split("</dt>")[0], dd.split("</dd>")[0])
        for dt, dd in ((row, row.split('<dd class="pre">')[1]) for row in preview.split("<dt>")[1:])
    ]
    assert "Айгүл" not in preview and "900101300027" not in preview


def test_a_changed_appeal_is_previewed_again_not_sent(client, personas, appeal, directory):
    agency = directory["almaty_education"]
    _as(client, personas, "consultant")
    shown = client.post(
        f"/appeals/{appeal.number}/casework/preview/", {"agency": agency.pk}, **HTMX
    ).content.decode()
    digest = shown.split('name="digest" value="')[1].split('"')[0]
    Appeal.objects.filter(pk=appeal.pk).update(summary="Жаңа мазмұн")
    again = client.post(
        f"/appeals/{appeal.number}/casework/send/", {"agency": agency.pk, "digest": digest}
    )
    assert again.status_code == 422 and "Жаңа мазмұн" in again.content.decode()
    assert not AgencyRequest.objects.filter(appeal=appeal).exists()


def test_another_agency_needs_a_reason(client, personas, appeal, directory):
    agency = directory["enbek"]
    _as(client, personas, "consultant")
    url = f"/appeals/{appeal.number}/casework/"
    shown = client.post(url + "preview/", {"agency": agency.pk}).content.decode()
    digest = shown.split('name="digest" value="')[1].split('"')[0]
    refused = client.post(
        url + "send/", {"agency": agency.pk, "digest": digest}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 422 and "not proposed" in refused.content.decode()
    sent = client.post(url + "send/", {"agency": agency.pk, "digest": digest, "reason": "Еңбек"})
    assert sent.status_code == 201
    assert AgencyRequest.objects.get(appeal=appeal).choice_reason == "Еңбек"


def test_letter_pdf_preview_then_send_then_open(client, personas, appeal, directory):
    agency = directory["almaty_education"]
    _as(client, personas, "consultant")
    url = f"/appeals/{appeal.number}/casework/letter/"
    body = {
        "agency": agency.pk,
        "language": "kk",
        "subject": "Сұрау",
        "body": "Мектеп тексерілсін.",
    }
    draft = client.post(url, {**body, "preview": "1"})
    assert draft["Content-Type"] == "application/pdf" and draft.content.startswith(b"%PDF")
    assert not Letter.objects.exists()
    written = client.post(url, body, **HTMX)
    letter = Letter.objects.get(appeal=appeal)
    assert f"/api/v1/letters/{letter.pk}/pdf" in written.content.decode()
    pdf = client.get(f"/api/v1/letters/{letter.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_incoming_letter_is_registered_with_its_scan(client, personas, appeal, directory):
    _as(client, personas, "consultant")
    scan = SimpleUploadedFile("hat.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    answer = client.post(
        f"/appeals/{appeal.number}/casework/incoming/",
        {"agency": directory["minedu"].pk, "subject": "Жауап", "scan": scan},
    )
    assert answer.status_code == 200
    letter = Letter.objects.get(appeal=appeal, direction="incoming")
    assert letter.subject == "Жауап" and letter.scan_name == "hat.pdf"
    assert client.get(f"/api/v1/letters/{letter.pk}/scan").content == b"%PDF-1.4 scan"


def test_outbound_call_appears_on_the_timeline_scoped_by_role(client, personas, appeal, directory):
    agency = directory["almaty_102"]
    _as(client, personas, "consultant")
    logged = client.post(
        f"/appeals/{appeal.number}/casework/call/",
        {"agency": agency.pk, "number": "102", "summary": "Кезекші хабардар", "result": "reached"},
        **HTMX,
    )
    assert logged["HX-Trigger"] == "qorgau-changed"
    timeline = client.get(f"/appeals/{appeal.number}/timeline/").content.decode()
    assert "Кезекші хабардар" in timeline and agency.name_kk in timeline
    assert timeline.index("tl-status") < timeline.index("tl-outbound")
    _as(client, personas, "quality")
    metadata = client.get(f"/appeals/{appeal.number}/timeline/").content.decode()
    assert agency.name_kk in metadata and "Кезекші хабардар" not in metadata
    _as(client, personas, "officer_a")
    assert client.get(f"/appeals/{appeal.number}/timeline/").status_code == 403


def test_timeline_shows_linked_calls_with_recording_mark_and_articles_used(
    client, personas, appeal
):
    now = timezone.now()
    article = Article.objects.create(key="bullying", lang="kk", title="Қорлау кезінде", body="—")
    ArticleUse.objects.create(article=article, appeal=appeal, by=personas["consultant"], at=now)
    system = PhoneSystem.objects.create(name="pbx", token_digest="0" * 64)
    call = Call.objects.create(
        phone_system=system, call_id="c1", caller="+77012345678", appeal=appeal, started_at=now
    )
    Recording.objects.create(
        call=call,
        storage_key="rec/c1",
        content_type="audio/wav",
        size=10,
        sha256="0" * 64,
        uploaded_at=now,
        delete_after=now + timedelta(days=90),
    )
    _as(client, personas, "quality")
    timeline = client.get(f"/appeals/{appeal.number}/timeline/").content.decode()
    assert "tl-call" in timeline and "badge recording" in timeline
    assert "Қорлау кезінде" in timeline
    assert "2345678" not in timeline  # the caller's number is never on the timeline
