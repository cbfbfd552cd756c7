"""Agencies' replies and their files, letters and outbound-call notes stay behind the
personal-data line (rules 5, 15): only roles that see personal data read them, on the appeal
page and through the API, and every such view leaves an audit record. Everyone else who may
see the appeal gets what happened and when, never the text."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from qorgau.agency_requests.models import Letter, ReplyAttachment
from qorgau.audit.models import AuditRecord
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

PERSONAL = {"consultant", "supervisor"}  # Perm.APPEAL_VIEW_PERSONAL
METADATA_ONLY = {"quality", "commissioner", "national_commissioner", "auditor"}
REPLY_SECRET = "Инспектор Қасымов үйге барды"
FILE_BYTES = b"%PDF-1.4 akt-tekseru"
LETTER_SECRET = "Баланың анасымен сөйлестік, құпия мәлімет"
SCAN_NOTE = "Скан: ответ акимата о проверке семьи"
CALL_SECRET = "Дежурный сказал, что участковый уже выехал"
SECRETS = [REPLY_SECRET, LETTER_SECRET, SCAN_NOTE, CALL_SECRET, "akt-tekseru"]


@pytest.fixture
def exchanged(personas, directory, register, api_as) -> dict[str, Any]:
    """An appeal about a child in Almaty: a request to agency A answered with a file, an
    outgoing and an incoming letter, and an outbound call."""
    agency = personas["officer_a"].agency
    agency.kind, agency.region = "local", directory["almaty_education"].region
    agency.save()
    agency.directions.set(directory["almaty_education"].directions.all())
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    number = register(direction=4)["number"]
    consultant, officer = api_as("consultant"), api_as("officer_a")
    request_id = consultant.post(
        f"/api/v1/appeals/{number}/requests", {"agency": agency.pk}
    ).json()["id"]
    file = {"name": "akt.pdf", "content_type": "application/pdf"}
    answered = officer.post(
        f"/api/v1/agency/requests/{request_id}/replies",
        {
            "kind": "answer",
            "text": REPLY_SECRET,
            "attachments": [{**file, "data_base64": base64.b64encode(FILE_BYTES).decode()}],
        },
    )
    assert answered.status_code == 200, answered.content
    for path, body in [
        ("letters", {"agency": agency.pk, "language": "kk", "subject": "Тексеру туралы"}),
        ("letters/incoming", {"agency": agency.pk, "subject": "Әкімдік жауабы"}),
        ("calls", {"agency": agency.pk, "number": "102", "result": "reached"}),
    ]:
        text = {
            "letters": {"body": LETTER_SECRET},
            "letters/incoming": {
                "note": SCAN_NOTE,
                "scan_name": "scan.png",
                "scan_base64": base64.b64encode(b"PNG-scan").decode(),
            },
            "calls": {"summary": CALL_SECRET},
        }[path]
        made = consultant.post(f"/api/v1/appeals/{number}/{path}", {**body, **text})
        assert made.status_code == 201, made.content
    AuditRecord.objects.filter(action="appeal.view_personal").delete()
    return {
        "number": number,
        "request": request_id,
        "attachment": ReplyAttachment.objects.get().pk,
        "letter": Letter.objects.get(direction="outgoing").pk,
        "scan": Letter.objects.get(direction="incoming").pk,
    }


def _views(number: str, reason: str) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(action="appeal.view_personal", object_ref=number, reason=reason)
    )


def _assert_no_secret(content: bytes) -> None:
    text = content.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_appeal_page_timeline(personas, exchanged, persona):
    number = exchanged["number"]
    response = signed_in(personas[persona]).get(f"/appeals/{number}/timeline/")
    views = _views(number, "appeal timeline")
    if persona in PERSONAL:
        page = response.content.decode()
        assert response.status_code == 200
        assert all(secret in page for secret in [REPLY_SECRET, LETTER_SECRET, CALL_SECRET])
        assert f"/api/v1/requests/{exchanged['request']}/attachments/" in page
        assert f"/api/v1/letters/{exchanged['scan']}/scan" in page
        assert "аудит журналына жазылды" in page  # kk: "recorded in the audit log"
        assert len(views) == 1 and views[0].actor_username == persona
        assert set(views[0].details) == {"replies", "letters", "calls"}
        assert all(views[0].details.values())
        return
    _assert_no_secret(response.content)
    assert views == []
    if persona in METADATA_ONLY:
        page = response.content.decode()
        assert response.status_code == 200
        # What happened and when: the answer, both letters' subjects, the call and its result.
        assert "Түпкілікті жауап" in page and "Тексеру туралы" in page and "Әкімдік жауабы" in page
        assert "Шығыс қоңырау" in page and "(102)" in page
        assert "1 файл тіркелген" in page
        assert "/attachments/" not in page and "/scan" not in page
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_requests_api(api_as, exchanged, persona):
    number, request_id = exchanged["number"], exchanged["request"]
    client = api_as(persona)
    listed = client.get(f"/api/v1/appeals/{number}/requests")
    single = client.get(f"/api/v1/requests/{request_id}")
    if persona not in PERSONAL | METADATA_ONLY:
        assert listed.status_code in (403, 404) and single.status_code in (403, 404)
        return
    assert listed.status_code == 200 and single.status_code == 200
    for body in (listed.json()[0], single.json()):
        (reply,) = body["replies"]
        assert reply["kind"] == "answer" and reply["at"] and reply["attachment_count"] == 1
        if persona in PERSONAL:
            assert reply["text"] == REPLY_SECRET
            assert reply["attachments"][0]["id"] == exchanged["attachment"]
        else:
            assert reply["text"] is None and reply["attachments"] is None
    views = _views(number, "api: requests of an appeal") + _views(number, "api: request detail")
    if persona in PERSONAL:
        assert len(views) == 2 and {v.actor_username for v in views} == {persona}
        assert all(v.details == {"replies": [reply["id"]]} for v in views)
    else:
        _assert_no_secret(listed.content + single.content)
        assert views == []


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_correspondence_api(api_as, exchanged, persona):
    number = exchanged["number"]
    response = api_as(persona).get(f"/api/v1/appeals/{number}/correspondence")
    views = _views(number, "api: correspondence")
    if persona not in PERSONAL | METADATA_ONLY:
        assert response.status_code in (403, 404) and views == []
        return
    items = {item["kind"]: item for item in response.json()}
    assert set(items) == {"outgoing", "incoming", "call"}
    assert items["outgoing"]["subject"] == "Тексеру туралы" and items["call"]["result"] == "reached"
    if persona in PERSONAL:
        assert items["outgoing"]["text"] == LETTER_SECRET
        assert items["incoming"]["text"] == SCAN_NOTE and items["call"]["text"] == CALL_SECRET
        assert len(views) == 1 and views[0].actor_username == persona
    else:
        assert all(item["text"] is None for item in items.values())
        _assert_no_secret(response.content)
        assert views == []


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_reply_file_letter_pdf_and_scan(api_as, exchanged, persona):
    number, client = exchanged["number"], api_as(persona)
    file = client.get(
        f"/api/v1/requests/{exchanged['request']}/attachments/{exchanged['attachment']}"
    )
    scan = client.get(f"/api/v1/letters/{exchanged['scan']}/scan")
    pdf = client.get(f"/api/v1/letters/{exchanged['letter']}/pdf")
    views = [*_views(number, "reply file"), *_views(number, "letter scan")]
    views += _views(number, "letter PDF")
    if persona in PERSONAL:
        assert file.status_code == 200 and file.content == FILE_BYTES
        assert file["Content-Disposition"].startswith("attachment;")
        assert scan.status_code == 200 and scan.content == b"PNG-scan"
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert len(views) == 3 and {v.actor_username for v in views} == {persona}
        return
    # Roles that see the appeal get 404, as if the file did not exist; the rest are refused.
    expected = (404,) if persona in METADATA_ONLY else (403, 404)
    assert {file.status_code, scan.status_code, pdf.status_code} <= set(expected)
    assert b"akt-tekseru" not in file.content and b"PNG-scan" not in scan.content
    assert views == []


def test_attachment_of_another_request_is_404(api_as, exchanged, register):
    other = register()["number"]
    AuditRecord.objects.filter(action="appeal.view_personal").delete()
    consultant = api_as("consultant")
    request_id = consultant.post(
        f"/api/v1/appeals/{other}/requests",
        {"agency": Letter.objects.get(direction="incoming").agency_id},
    ).json()["id"]
    response = consultant.get(
        f"/api/v1/requests/{request_id}/attachments/{exchanged['attachment']}"
    )
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action="appeal.view_personal").exists()


def test_refresh_with_nothing_new_is_not_a_new_view(personas, exchanged, api_as):
    """The timeline refreshes every 10 s: an unchanged one answers 204 (htmx keeps what is on
    screen) and writes no audit record; a new call makes the next refresh a view again."""
    number, client = exchanged["number"], signed_in(personas["consultant"])
    first = client.get(f"/appeals/{number}/timeline/").content.decode()
    seen = first.split("?seen=")[1].split('"')[0]
    again = client.get(f"/appeals/{number}/timeline/", {"seen": seen})
    assert again.status_code == 204 and again.content == b""
    assert len(_views(number, "appeal timeline")) == 1
    api_as("consultant").post(
        f"/api/v1/appeals/{number}/calls",
        {
            "agency": personas["officer_a"].agency_id,
            "number": "102",
            "summary": "Қайта",
            "result": "busy",
        },
    )
    changed = client.get(f"/appeals/{number}/timeline/", {"seen": seen})
    assert changed.status_code == 200 and "Қайта" in changed.content.decode()
    assert len(_views(number, "appeal timeline")) == 2


def test_officers_keep_their_own_agency_replies(personas, exchanged):
    """The agency portal is unchanged: agency A's officer reads the request and its replies,
    agency B's officer gets 404."""
    path = f"/agency/requests/{exchanged['request']}/"
    own = signed_in(personas["officer_a"]).get(path)
    assert own.status_code == 200 and REPLY_SECRET in own.content.decode()
    other = signed_in(personas["officer_b"]).get(path)
    assert other.status_code == 404
    _assert_no_secret(other.content)


def test_every_persona_is_tried(personas):
    assert set(personas) == set(PERSONA_NAMES)
