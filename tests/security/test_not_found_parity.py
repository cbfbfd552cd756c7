""" "Not yours" answers exactly as "not there" (rule 5; docs/permissions.md).

Every URL with a parameter, pages and API alike, is enumerated from the URL resolver (Ninja's
routes are URL patterns too), so a new endpoint cannot be forgotten: `test_every_route_with_an_id_
is_covered` fails until it is added to ROUTES. For each route and each persona (and nobody signed
in), the answer for an existing object the persona is refused equals, in status and body, the
answer for an id that does not exist. A persona the route serves (any other answer) has nothing
to hide from and is not compared.
"""

from __future__ import annotations

import base64
import io
import json
import re
import wave
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from qorgau.agencies.models import AgencyContact
from qorgau.agency_requests.models import AgencyReply, ReplyAttachment, ReplyKind
from qorgau.appeals.models import Appeal
from qorgau.calls import release
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call
from qorgau.casework.actions import attachment_add, followup_create
from qorgau.conversations.actions import ConversationData, conversation_open, sender_block
from qorgau.knowledge.actions import kb_import
from qorgau.outreach.models import School, SourceCode
from qorgau.reference.models import Region
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

PERSONAS = [None, "consultant", "supervisor", "quality", "officer_a", "officer_b"]
PERSONAS += ["commissioner", "national_commissioner", "auditor", "admin", "outsider"]

MISSING = {
    "number": "111-2000-999999",
    "request_id": "999999",
    "letter_id": "999999",
    "attachment_id": "999999",
    "call_id": "999999",
    "pk": "999999",
    "demand_id": "999999",
    "task_id": "999999",
    "key": "no-such-article",
    "followup_id": "999999",
    "school_id": "999999",
    "code": "no-such-code",
    "blocked_id": "999999",
}

OUTCOME = {"kind": "transfer_1414", "note": "Told to call 1414."}
REQUEST = {"agency": "@agency", "reason": "parity check"}
LETTER = {"agency": "@agency", "language": "kk", "subject": "Сұрау", "body": "Мәтін"}
MERGE = {"duplicate": "111-2000-999998", "reason": "parity check"}
FOLLOW_UP = {"kind": "task", "what": "parity", "due_at": "2099-01-01T12:00:00+05:00"}
# route → [(method, body)]; bodies are valid, so the answer comes from the access check.
ROUTES: dict[str, list[tuple[str, Any]]] = {
    "api/v1/appeals/<number>": [("get", None)],
    "api/v1/appeals/<number>/transitions": [("post", {"to": "in_progress"})],
    "api/v1/appeals/<number>/history": [("get", None)],
    "api/v1/appeals/<number>/routing": [("get", None)],
    "api/v1/appeals/<number>/requests/preview": [("post", REQUEST)],
    "api/v1/appeals/<number>/requests": [("get", None), ("post", REQUEST)],
    "api/v1/requests/<request_id>": [("get", None)],
    "api/v1/appeals/<number>/letters": [("post", LETTER)],
    "api/v1/appeals/<number>/letters/incoming": [("post", {"agency": "@agency", "subject": "Ж"})],
    "api/v1/appeals/<number>/calls": [
        ("post", {"agency": "@agency", "number": "102", "summary": "S", "result": "busy"})
    ],
    "api/v1/appeals/<number>/correspondence": [("get", None)],
    "api/v1/letters/<letter_id>/pdf": [("get", None)],
    "api/v1/letters/<letter_id>/scan": [("get", None)],
    "api/v1/requests/<request_id>/attachments/<attachment_id>": [("get", None)],
    "api/v1/appeals/<number>/lower-urgency": [("post", {"reason": "parity check"})],
    "appeals/<str:number>/lower-urgency/": [("form", {"reason": "parity check"})],
    "api/v1/agency/requests/<request_id>": [("get", None)],
    "api/v1/agency/requests/<request_id>/replies": [
        ("post", {"kind": "acknowledge"}),
        ("post", {"kind": "confirmation", "confirmed": True}),
        ("post", {"kind": "clarification", "question": "Q?"}),
        ("post", {"kind": "extension", "until": "2099-01-01T12:00:00+05:00", "reason": "R"}),
        ("post", {"kind": "pass_on", "agency": "@agency", "reason": "R"}),
        ("post", {"kind": "answer", "text": "Answer."}),
    ],
    "api/v1/calls/<call_id>/recording": [("get", None)],
    "api/v1/calls/<int:pk>": [("get", None)],
    "api/v1/calls/<int:pk>/outcome": [("post", OUTCOME)],
    "api/v1/demands/<int:demand_id>/decision": [("post", {"approve": False})],
    "api/v1/review-tasks/<int:task_id>/close": [("post", {})],
    "api/v1/kb/articles/<key>": [("get", None)],
    "api/v1/kb/appeals/<number>/articles": [("post", {"article": "@key"})],
    "agency/requests/<int:request_id>/": [("get", None)],
    "agency/requests/<int:request_id>/<slug:step>/": [("form", {})],
    "agency/requests/<int:request_id>/files/<int:attachment_id>/": [("get", None)],
    "calls/<int:pk>/outcome/": [("form", OUTCOME)],
    "calls/<int:pk>/register/": [("get", None)],
    "calls/<int:pk>/review/": [("form", {"assignee": "quality"})],
    "calls/appeals/<str:number>/": [("get", None)],
    "calls/demands/<int:demand_id>/decide/": [("form", {"approve": "0"})],
    "kb/appeals/<str:number>/used/": [("get", None)],
    "kb/appeals/<str:number>/use/<slug:key>/": [("form", {})],
    "kb/<slug:key>/": [("get", None)],
    "kb/<slug:key>/edit/": [("get", None)],
    "kb/<slug:key>/status/": [("form", {"status": "archived"})],
    "appeals/<str:number>/": [("get", None)],
    "appeals/<str:number>/transition/": [("form", {"to": "in_progress"})],
    "appeals/<str:number>/casework/": [("get", None)],
    "appeals/<str:number>/casework/preview/": [("form", REQUEST)],
    "appeals/<str:number>/casework/send/": [("form", REQUEST)],
    "appeals/<str:number>/casework/letter/": [("form", LETTER)],
    "appeals/<str:number>/casework/incoming/": [("form", {"agency": "@agency", "subject": "Ж"})],
    "appeals/<str:number>/casework/call/": [
        ("form", {"agency": "@agency", "number": "102", "summary": "S", "result": "busy"})
    ],
    "appeals/<str:number>/timeline/": [("get", None)],
    "api/v1/appeals/<number>/attachments": [("get", None), ("form", {"file": "@file"})],
    "api/v1/attachments/<attachment_id>": [("get", None), ("delete", {"reason": "parity"})],
    "appeals/<str:number>/attachments/": [("get", None), ("form", {"file": "@file"})],
    "appeals/<str:number>/attachments/<int:attachment_id>/": [("get", None)],
    "appeals/<str:number>/attachments/<int:attachment_id>/remove/": [
        ("form", {"reason": "parity"})
    ],
    "api/v1/appeals/<number>/assign": [("post", {"consultant": "consultant"})],
    "api/v1/appeals/<number>/merge": [("post", MERGE)],
    "api/v1/appeals/<number>/notes": [("get", None), ("post", {"text": "parity"})],
    "api/v1/appeals/<number>/followups": [("get", None), ("post", FOLLOW_UP)],
    "api/v1/followups/<followup_id>/cancel": [("post", {"reason": "parity"})],
    "api/v1/followups/<followup_id>/complete": [("post", {"result": "parity"})],
    "api/v1/followups/<followup_id>/reassign": [("post", {"assignee": 1})],
    "appeals/<str:number>/assign/": [("form", {"consultant": "consultant"})],
    "appeals/<str:number>/merge/": [("form", MERGE)],
    "appeals/<str:number>/edit/": [("get", None)],
    "appeals/<str:number>/suggestion/": [("get", None)],
    "appeals/<str:number>/case/": [("get", None)],
    "appeals/<str:number>/case/notes": [("form", {"text": "parity"})],
    "appeals/<str:number>/case/followups": [("form", FOLLOW_UP)],
    "tasks/<int:followup_id>/<str:step>": [("form", {"reason": "parity"})],
    "inbox/<str:number>/": [("get", None)],
    "inbox/<str:number>/claim": [("form", {})],
    "inbox/<str:number>/reply": [("form", {"text": "parity"})],
    "inbox/<str:number>/assign": [("form", {"to": "consultant"})],
    "inbox/<str:number>/knowledge": [("form", {"q": "parity"})],
    "inbox/<str:number>/close": [("form", {"outcome": "answered"})],
    "inbox/<str:number>/appeal": [("get", None)],
    "inbox/<str:number>/attach": [("form", {"appeal": "parity"})],
    "api/v1/conversations/<number>/assign": [("post", {"assignee": "consultant"})],
    "api/v1/conversations/<number>/close": [("post", {"outcome": "answered"})],
    "api/v1/conversations/<number>/appeal": [("post", {"appeal": "parity"})],
    "inbox/<str:number>/block": [("form", {"reason": "parity"})],
    "inbox/blocked/<int:blocked_id>/unblock": [("form", {})],
    "inbox/<str:number>/attachments/<int:attachment_id>": [("get", None)],
    "schools/<int:school_id>/poster.pdf": [("get", None)],
    "sources/<slug:code>/qr.svg": [("get", None)],
    "sources/<slug:code>/qr.png": [("get", None)],
}
# The administrator's pages: one role and no scope inside them, so nothing there is "another's";
# every other role is refused by the site before any look-up (audit/admin_site.py).
# The public site's pages have no owner either: an information page is everyone's or, unpublished,
# no one's (404 to all), and its editor is refused by permission before any look-up.
EXEMPT_PREFIXES = ("admin/", "info/", "site-pages/")
# Public forms whose parameter is the secret itself or a public campaign code: they serve
# everyone alike, and an unknown token is answered as an unknown page (outreach tests check it).
PUBLIC_ROUTES = {"s/<str:token>/", "c/<slug:code>/"}
# a route whose parameter names another object of the world than its name says
WORLD_KEYS = {
    "api/v1/letters/<letter_id>/scan": {"letter_id": "scan_id"},
    "api/v1/attachments/<attachment_id>": {"attachment_id": "file_id"},
    "appeals/<str:number>/attachments/<int:attachment_id>/": {"attachment_id": "file_id"},
    "appeals/<str:number>/attachments/<int:attachment_id>/remove/": {"attachment_id": "file_id"},
    "inbox/<str:number>/": {"number": "conversation"},
    "inbox/<str:number>/claim": {"number": "conversation"},
    "inbox/<str:number>/reply": {"number": "conversation"},
    "inbox/<str:number>/assign": {"number": "conversation"},
    "inbox/<str:number>/knowledge": {"number": "conversation"},
    "inbox/<str:number>/close": {"number": "conversation"},
    "inbox/<str:number>/appeal": {"number": "conversation"},
    "inbox/<str:number>/attach": {"number": "conversation"},
    "api/v1/conversations/<number>/assign": {"number": "conversation"},
    "api/v1/conversations/<number>/close": {"number": "conversation"},
    "api/v1/conversations/<number>/appeal": {"number": "conversation"},
    "inbox/<str:number>/block": {"number": "conversation"},
    "inbox/<str:number>/attachments/<int:attachment_id>": {
        "number": "conversation",
        "attachment_id": "conversation_file_id",
    },
}
NOT_IDS = {"step": "acknowledge"}  # parameters that name an action, not an object


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes_with_parameters() -> set[str]:
    return {r for r in _walk(get_resolver().url_patterns) if "<" in r}


def test_every_route_with_an_id_is_covered() -> None:
    uncovered = {
        r
        for r in routes_with_parameters() - set(ROUTES) - PUBLIC_ROUTES
        if not r.startswith(EXEMPT_PREFIXES)
    }
    assert not uncovered, f"add these routes to ROUTES: {sorted(uncovered)}"
    assert not set(ROUTES) - routes_with_parameters(), "ROUTES names a route that is gone"


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(1600))
    return buffer.getvalue()


@pytest.fixture
def world(personas, agencies, register, api_as, settings, tmp_path) -> dict[str, str]:
    """One of everything, made by the people who make it, outside every other persona's scope."""
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    agency_a = agencies[0]
    AgencyContact.objects.create(agency=agency_a, channel="email", address="a@demo-gov.invalid")
    number = register()["number"]
    consultant = api_as("consultant")
    sent = consultant.post(f"/api/v1/appeals/{number}/requests", _fill(REQUEST, agency_a.pk, ""))
    assert sent.status_code == 201, sent.content
    letter = consultant.post(f"/api/v1/appeals/{number}/letters", _fill(LETTER, agency_a.pk, ""))
    assert letter.status_code == 201, letter.content
    incoming = consultant.post(
        f"/api/v1/appeals/{number}/letters/incoming",
        {
            "agency": agency_a.pk,
            "subject": "Жауап",
            "scan_name": "s.pdf",
            "scan_base64": base64.b64encode(b"%PDF-1.4 scan").decode(),
        },
    )
    assert incoming.status_code == 201, incoming.content
    reply = AgencyReply.objects.create(
        request_id=sent.json()["id"],
        kind=ReplyKind.ANSWER,
        by=personas["officer_a"],
        at=timezone.now(),
        text="Жауап мәтіні",
    )
    attachment = ReplyAttachment.objects.create(
        reply=reply, name="a.pdf", content_type="application/pdf", size=4, data="JVBERg=="
    )
    system, token = phone_system_register(name="PBX")
    call = Call.objects.create(
        phone_system=system, call_id="c-1", line="kk", state="ended", extension="299"
    )
    uploaded = Client().put(
        "/api/v1/calls/c-1/recording",
        _wav(),
        content_type="audio/wav",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert uploaded.status_code == 201, uploaded.content
    demand = release.demand_register(
        actor=personas["auditor"],
        data=release.DemandIn(
            number="D-1",
            dated=date.today(),
            signer="Minister",
            deadline=date.today() + timedelta(days=30),
            call_ids=[call.pk],
            recipient="",
            scan=b"%PDF-1.4 scan",
            scan_name="scan.pdf",
        ),
    )
    task = release.review_task_assign(
        actor=personas["supervisor"], call_id=call.pk, assignee="quality"
    )
    attached = attachment_add(
        actor=personas["consultant"],
        appeal=Appeal.objects.get(number=number),
        name="a.pdf",
        data=b"%PDF-1.4 file",
    )
    followup = followup_create(
        actor=personas["consultant"],
        appeal=Appeal.objects.get(number=number),
        kind="task",
        what="parity",
        due_at=timezone.now() + timedelta(hours=1),
    )
    conversation, _code = conversation_open(
        data=ConversationData(text="parity", sender_index="parity", files=[b"%PDF-1.4 file"]),
        language="kk",
    )
    blocked = sender_block(actor=personas["supervisor"], conversation=conversation, reason="p")
    school = School.objects.create(region=Region.objects.get(code="almaty"), district="D", name="S")
    SourceCode.objects.create(code="parity-source", name="Parity")
    line = {"id": "parity-kb", "lang": "ru", "title": "Алименты", "body": "Суд.", "tags": []}
    kb_import(lines=[json.dumps({**line, "direction": "4", "status": "draft"}, ensure_ascii=False)])
    return {
        "number": number,
        "request_id": str(sent.json()["id"]),
        "letter_id": str(letter.json()["id"]),
        "scan_id": str(incoming.json()["id"]),
        "attachment_id": str(attachment.pk),
        "file_id": str(attached.pk),
        "call_id": str(call.pk),
        "pk": str(call.pk),
        "demand_id": str(demand.pk),
        "task_id": str(task.pk),
        "followup_id": str(followup.pk),
        "key": "parity-kb",
        "agency": str(agency_a.pk),
        "conversation": conversation.number,
        "conversation_file_id": str(conversation.messages.get().attachments.get().pk),
        "blocked_id": str(blocked.pk),
        "school_id": str(school.pk),
        "code": "parity-source",
    }


def _fill(body: Any, agency: Any, key: str) -> Any:
    if not isinstance(body, dict):
        return body
    file = SimpleUploadedFile("a.pdf", b"%PDF-1.4 file", content_type="application/pdf")
    swap = {"@agency": int(agency), "@key": key, "@file": file}
    return {k: swap.get(v, v) if isinstance(v, str) else v for k, v in body.items()}


def _url(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return NOT_IDS.get(name) or values[name]

    return "/" + re.sub(r"<([^>]+)>", value, route)


def _answer(client: Client, method: str, url: str, body: Any) -> Any:
    if method == "get":
        return client.get(url)
    if method == "form":
        return client.post(url, body)
    if method == "delete":
        return client.delete(url, json.dumps(body), content_type="application/json")
    return client.post(url, body, content_type="application/json")


def _refused(response: Any) -> bool:
    if response.status_code == 302:
        return "/login/" in response["Location"]
    return response.status_code in (401, 403, 404)


def _normal(response: Any, url: str) -> str:
    """The body with the request's own path (echoed in the language form) and CSRF tokens
    blanked: those differ between any two requests."""
    text = response.content.decode().replace(url, "<url>")
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", text)


def _client(personas: dict[str, Any], name: str | None) -> Client:
    return signed_in(personas[name], "kk") if name else Client(HTTP_ACCEPT_LANGUAGE="kk")


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_not_yours_answers_as_not_there(route: str, world, personas) -> None:
    missing = {**MISSING, "agency": world["agency"]}
    compared = 0
    for name in PERSONAS:
        client = _client(personas, name)
        for method, template in ROUTES[route]:
            body = _fill(template, world["agency"], "parity-kb")
            aliases = {k: world[v] for k, v in WORLD_KEYS.get(route, {}).items()}
            here_url, gone_url = _url(route, {**world, **aliases}), _url(route, missing)
            here = _answer(client, method, here_url, body)
            if not _refused(here):
                continue
            gone = _answer(client, method, gone_url, body)
            where = f"{name or 'nobody'} {method.upper()} {route}"
            assert (gone.status_code, _normal(gone, gone_url)) == (
                here.status_code,
                _normal(here, here_url),
            ), where
            compared += 1
    assert compared, "no persona was refused: the table compares nothing"
