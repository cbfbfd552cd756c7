"""The inbox's work on written appeals (rules 6(f), 6(j), 6(l), 6(n), 6(o), 5): queues by
language and risk with their counts, a supervisor's assign, the first-response timer and its
breach list, replies started from a knowledge-base article, registering a conversation as an
appeal or attaching it to one, and closing with an outcome. Through the pages, as users do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import (
    ConversationData,
    conversation_open,
    message_add_from_applicant,
    message_reply,
)
from qorgau.conversations.models import Conversation, ConversationStatus
from qorgau.conversations.selectors import first_reply_breaches
from qorgau.conversations.views import timer_phrase
from qorgau.core.roles import MATRIX, Perm, Role
from qorgau.knowledge.actions import kb_import
from qorgau.reference.models import Region
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

TEXT = "Сыныптастарым мені мазақтайды, мұғалім ештеңе істемейді"  # bullying, no danger words


def _open(text: str = TEXT, *, language: str = "kk", minutes_ago: int = 0, **data: object):
    conversation, code = conversation_open(
        data=ConversationData(text=text, **data), language=language
    )
    if minutes_ago:
        then = timezone.now() - timedelta(minutes=minutes_ago)
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=then, last_inbound_at=then
        )
        conversation.refresh_from_db()
    return conversation, code


def _set(conversation: Conversation, **fields: object) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(**fields)
    conversation.refresh_from_db()
    return conversation


def _audits(event: str, number: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=event, object_ref=number))


def test_matrix_rows():
    assert MATRIX[Perm.CONVERSATION_ASSIGN] == {Role.SUPERVISOR}


# --- queues -------------------------------------------------------------------------------------


def test_queues_by_language_and_risk_with_counts(personas):
    kk_free, _c = _open("kk free")
    ru_mine, _c = _open("ru mine", language="ru")
    urgent, _c = _open("urgent one", minutes_ago=5)
    closed, _c = _open("closed one")
    _set(ru_mine, assigned=personas["consultant"])
    _set(urgent, urgent=True)
    _set(closed, status=ConversationStatus.CLOSED, outcome="answered")
    client = signed_in(personas["consultant"])

    def numbers(query: str) -> list[str]:
        page = client.get(f"/inbox/{query}").content.decode()
        found = [c.number for c in (kk_free, ru_mine, urgent, closed) if c.number in page]
        return sorted(found, key=page.index)

    assert numbers("") == [urgent.number, kk_free.number, ru_mine.number]  # urgent first
    assert numbers("?queue=urgent") == [urgent.number]
    assert numbers("?queue=mine") == [ru_mine.number]
    assert numbers("?queue=untaken") == [urgent.number, kk_free.number]
    assert numbers("?queue=all&lang=ru") == [ru_mine.number]
    assert numbers("?queue=urgent&lang=kk") == [urgent.number]
    assert numbers("?queue=urgent&lang=ru") == []
    assert numbers("?queue=closed") == [closed.number]
    page = client.get("/inbox/").content.decode()
    for anchor, count in {
        "queue-all": 3,
        "queue-urgent": 1,
        "queue-mine": 1,
        "queue-untaken": 2,
        "lang-kk": 2,
        "lang-ru": 1,
    }.items():
        assert f'id="{anchor}">' in page
        assert f"({count})" in page.split(f'id="{anchor}">')[1].split("</a>")[0]
    for text in ("kk free", "ru mine", "urgent one"):
        assert text not in page  # never a message text in a list
    assert not AuditRecord.objects.filter(action="conversation.view").exists()
    assert client.get("/inbox/?queue=nonsense&lang=xx").status_code == 200  # the default queue


# --- assign -------------------------------------------------------------------------------------


def test_supervisor_assigns_and_reassigns_audited(personas, make_user):
    conversation, _c = _open()
    colleague = make_user("colleague", Role.CONSULTANT)
    supervisor = signed_in(personas["supervisor"])
    response = supervisor.post(f"/inbox/{conversation.number}/assign", {"to": "consultant"})
    assert response.status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).assigned == personas["consultant"]
    supervisor.post(f"/inbox/{conversation.number}/assign", {"to": "colleague"})
    assert Conversation.objects.get(pk=conversation.pk).assigned == colleague
    details = [r.details for r in _audits("conversation.assign", conversation.number)]
    assert details == [{"from": "", "to": "consultant"}, {"from": "consultant", "to": "colleague"}]


def test_assign_only_to_those_who_handle_written_appeals(personas, make_user):
    conversation, _c = _open()
    make_user("gone", Role.CONSULTANT, is_active=False)
    supervisor = signed_in(personas["supervisor"])
    for who in ("quality", "gone", "nobody"):
        response = supervisor.post(f"/inbox/{conversation.number}/assign", {"to": who})
        assert response.status_code == 422
        assert "field-error" in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).assigned is None


def test_a_consultant_neither_assigns_nor_takes_a_colleagues(personas, make_user):
    conversation, _c = _open()
    _set(conversation, assigned=make_user("colleague", Role.CONSULTANT))
    consultant = signed_in(personas["consultant"])
    assign = consultant.post(f"/inbox/{conversation.number}/assign", {"to": "consultant"})
    claim = consultant.post(f"/inbox/{conversation.number}/claim")
    assert assign.status_code == 403
    assert claim.status_code == 409
    assert Conversation.objects.get(pk=conversation.pk).assigned.username == "colleague"
    page = consultant.get(f"/inbox/{conversation.number}/").content.decode()
    assert 'id="assign-form"' not in page


# --- the first-response timer -------------------------------------------------------------------


def test_first_reply_targets_and_the_breach_list(personas, settings):
    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    settings.QORGAU_FIRST_REPLY_URGENT_MINUTES = 10
    urgent_late, _c = _open(minutes_ago=11)
    _set(urgent_late, urgent=True)
    urgent_in_time, _c = _open(minutes_ago=5)
    _set(urgent_in_time, urgent=True)
    normal_in_time, _c = _open(minutes_ago=30)
    normal_late, _c = _open(minutes_ago=61)
    answered_late, _c = _open(minutes_ago=90)
    message_reply(actor=personas["consultant"], conversation=answered_late, text="Жауап")
    closed_late, _c = _open(minutes_ago=90)
    _set(closed_late, status=ConversationStatus.CLOSED)
    assert [c.number for c in first_reply_breaches()] == [normal_late.number, urgent_late.number]
    settings.QORGAU_FIRST_REPLY_MINUTES = 20  # the targets are read from the settings
    assert normal_in_time in first_reply_breaches()
    later = timezone.now() + timedelta(minutes=6)
    assert urgent_in_time in first_reply_breaches(later)


def test_timer_sentence_in_kazakhstan_time(personas, settings):
    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    conversation, _c = _open()
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 14:00 in Astana
    _set(conversation, created_at=created)
    with translation.override("en"):
        assert (
            timer_phrase(conversation, created + timedelta(minutes=15))
            == "First reply due by 15:00: 45 minutes left"
        )
        assert (
            timer_phrase(conversation, created + timedelta(minutes=75))
            == "First reply overdue by 15 minutes (due 15:00)"
        )
    with translation.override("kk"):
        assert "15:00" in timer_phrase(conversation, created + timedelta(minutes=75))
    message_reply(actor=personas["consultant"], conversation=conversation, text="Жауап")
    conversation.refresh_from_db()
    assert timer_phrase(conversation, created) == ""


def test_first_reply_at_is_the_first_reply_only(personas):
    conversation, _c = _open()
    message_reply(actor=personas["consultant"], conversation=conversation, text="Бірінші")
    first = Conversation.objects.get(pk=conversation.pk).first_reply_at
    assert first is not None
    message_add_from_applicant(conversation=conversation, text="Тағы")
    message_reply(actor=personas["consultant"], conversation=conversation, text="Екінші")
    assert Conversation.objects.get(pk=conversation.pk).first_reply_at == first


def test_inbox_shows_the_timer(personas, settings):
    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    late, _c = _open(minutes_ago=70)
    page = signed_in(personas["consultant"], "ru").get("/inbox/").content.decode()
    row = page.split(f'id="conversation-{late.number}"')[1].split("</li>")[0]
    assert 'class="timer"' in row


def test_breach_page_for_supervisors_without_texts(personas, settings):
    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    late, _c = _open(minutes_ago=75)
    on_time, _c = _open("on time", minutes_ago=5)
    _set(late, assigned=personas["consultant"])
    page = signed_in(personas["supervisor"]).get("/inbox/breaches/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'id="breach-{late.number}"' in body and on_time.number not in body
    assert "consultant" in body.split(f'id="breach-{late.number}"')[1].split("</li>")[0]
    assert 'hx-trigger="every 15s"' in body and 'href="/inbox/breaches/"' in body
    assert TEXT not in body and "on time" not in body
    for name in ("consultant", "quality", "auditor", "outsider"):
        assert signed_in(personas[name]).get("/inbox/breaches/").status_code == 403


# --- knowledge base -----------------------------------------------------------------------------


def _articles() -> None:
    kb_import(
        lines=[
            '{"id": "bullying-ru", "lang": "ru", "title": "Травля в школе", "body": '
            '"Сообщите классному руководителю.", "tags": [], "direction": "4", '
            '"pair": "bullying-kk"}',
            '{"id": "bullying-kk", "lang": "kk", "title": "Мектептегі қорлау", "body": '
            '"Сынып жетекшісіне айтыңыз.", "tags": [], "direction": "4", "pair": "bullying-ru"}',
        ]
    )


def test_reply_starts_from_a_knowledge_base_article(personas):
    _articles()
    conversation, _c = _open()
    client = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/knowledge"
    found = client.post(url, {"q": "травля", "text": ""}).content.decode()
    assert 'value="bullying-ru"' in found or 'value="bullying-kk"' in found
    key = "bullying-ru" if 'value="bullying-ru"' in found else "bullying-kk"
    page = client.post(url, {"article": key, "text": "Сәлеметсіз бе!"}).content.decode()
    box = page.split('id="reply-text">')[1].split("</textarea>")[0]
    assert box.startswith("Сәлеметсіз бе!")
    assert "Сынып жетекшісіне айтыңыз." in box  # the conversation's language (kk)
    assert not conversation.messages.filter(direction="out").exists()  # nothing sent by itself
    assert client.post(url, {"article": "no-such"}).status_code == 404
    nothing = client.post(url, {"q": "zzzqqq"}).content.decode()
    assert "reply-text" in nothing


def test_knowledge_box_denied_without_rights(personas):
    _articles()
    conversation, _c = _open()
    url = f"/inbox/{conversation.number}/knowledge"
    assert signed_in(personas["auditor"]).post(url, {"q": "травля"}).status_code == 403


# --- appeals ------------------------------------------------------------------------------------


def _appeal_form(**overrides: str) -> dict[str, str]:
    form = {
        "form_key": "k-" + "1" * 20,
        "channel": "web_form",
        "language": "kk",
        "region": "almaty",
        "direction": "4",
        "summary": "Мектепте қорлау",
        "description": TEXT,
        "urgency": "normal",
        "applicant.kind": "anonymous",
    }
    form.update(overrides)
    return form


def test_register_as_an_appeal_and_the_code_opens_its_status(personas):
    region = Region.objects.get(code="almaty")
    conversation, code = _open(region=region)
    client = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/appeal"
    form = client.get(url).content.decode()
    assert 'value="web_form" selected' in form
    assert 'value="almaty" selected' in form
    assert TEXT in form  # the summary draft and the description
    response = client.post(url, _appeal_form())
    assert response.status_code == 200, response.content.decode()[:500]
    appeal = Appeal.objects.get()
    assert appeal.description == TEXT and appeal.channel.code == "web_form"
    linked = Conversation.objects.get(pk=conversation.pk)
    assert linked.appeal == appeal and linked.appeal_registered_here
    [audit] = _audits("conversation.appeal", conversation.number)
    assert audit.details == {"appeal": appeal.number, "how": "registered"}
    status = Client().post(
        "/api/v1/public/status",
        {"number": appeal.number, "code": code},
        content_type="application/json",
    )
    assert status.status_code == 200 and status.json()["number"] == appeal.number
    page = Client().post("/conversation/", {"number": conversation.number, "code": code})
    assert appeal.number in page.content.decode()


def test_attach_to_an_existing_appeal(personas, register):
    registered = register()
    conversation, code = _open()
    client = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/attach"
    wrong = client.post(url, {"appeal": "NOPE-1"})
    assert wrong.status_code == 422
    assert Conversation.objects.get(pk=conversation.pk).appeal is None
    assert client.post(url, {"appeal": registered["number"].lower()}).status_code == 302
    linked = Conversation.objects.get(pk=conversation.pk)
    assert linked.appeal.number == registered["number"] and not linked.appeal_registered_here
    [audit] = _audits("conversation.appeal", conversation.number)
    assert audit.details["how"] == "attached"
    # the applicant sees the appeal's number and status on their conversation page ...
    page = Client().post("/conversation/", {"number": conversation.number, "code": code})
    assert 'id="appeal-status"' in page.content.decode()
    assert registered["number"] in page.content.decode()
    # ... but the conversation's code does not open a status look-up of an appeal that may be
    # someone else's; the appeal's own code still does
    lookup = {"number": registered["number"], "code": code}
    status = Client().post("/api/v1/public/status", lookup, content_type="application/json")
    assert status.status_code == 404
    lookup["code"] = registered["code"]
    status = Client().post("/api/v1/public/status", lookup, content_type="application/json")
    assert status.status_code == 200


def test_appeal_links_denied_without_rights(personas, register):
    registered = register()
    conversation, _code = _open()
    for name in ("quality", "auditor", "officer_a", "outsider"):
        client = signed_in(personas[name])
        assert client.get(f"/inbox/{conversation.number}/appeal").status_code == 403
        attach = client.post(
            f"/inbox/{conversation.number}/attach", {"appeal": registered["number"]}
        )
        assert attach.status_code == 403
    assert Conversation.objects.get(pk=conversation.pk).appeal is None
    assert not Appeal.objects.exclude(number=registered["number"]).exists()


# --- closing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "body"),
    [("answered", ""), ("transferred_1414", ""), ("out_of_competence", "Әділет департаменті")],
)
def test_close_with_an_outcome(personas, outcome, body):
    conversation, code = _open()
    client = signed_in(personas["consultant"])
    response = client.post(
        f"/inbox/{conversation.number}/close", {"outcome": outcome, "competent_body": body}
    )
    assert response.status_code == 302
    closed = Conversation.objects.get(pk=conversation.pk)
    assert (closed.status, closed.outcome, closed.competent_body) == ("closed", outcome, body)
    assert closed.assigned == personas["consultant"] and closed.closed_at is not None
    [audit] = _audits("conversation.close", conversation.number)
    assert audit.details == {"outcome": outcome}
    assert conversation.number not in client.get("/inbox/").content.decode()
    assert conversation.number in client.get("/inbox/?queue=closed").content.decode()
    page = Client().post("/conversation/", {"number": conversation.number, "code": code})
    assert 'id="closed-note"' in page.content.decode()
    more = Client().post(
        "/conversation/", {"number": conversation.number, "code": code, "text": "Тағы"}
    )
    assert more.status_code == 409


def test_out_of_competence_needs_the_competent_body(personas):
    conversation, _c = _open()
    client = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/close"
    response = client.post(url, {"outcome": "out_of_competence", "competent_body": "  "})
    assert response.status_code == 422
    assert client.post(url, {"outcome": "lost"}).status_code == 422
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.OPEN


def test_no_reply_needed_is_for_supervisors_and_colleagues_close_only_their_own(
    personas, make_user
):
    conversation, _c = _open()
    consultant = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/close"
    assert consultant.post(url, {"outcome": "no_reply_needed"}).status_code == 403
    _set(conversation, assigned=make_user("colleague", Role.CONSULTANT))
    assert consultant.post(url, {"outcome": "answered"}).status_code == 409
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.OPEN
    supervisor = signed_in(personas["supervisor"])
    assert supervisor.post(url, {"outcome": "no_reply_needed"}).status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).outcome == "no_reply_needed"


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_new_pages_by_persona(personas, persona):
    conversation, _c = _open()
    client = signed_in(personas[persona])
    close = client.post(f"/inbox/{conversation.number}/close", {"outcome": "answered"})
    knowledge = client.post(f"/inbox/{conversation.number}/knowledge", {"q": "x"})
    if persona in ("consultant", "supervisor"):
        assert close.status_code == 302 and knowledge.status_code == 200
    else:
        assert close.status_code == knowledge.status_code == 403
        assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.OPEN


# --- the API ------------------------------------------------------------------------------------


def test_api_queues_assign_close_and_breaches(api_as, personas, settings):
    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    late, _c = _open(minutes_ago=90)
    ru, _c = _open("ru", language="ru")
    consultant, supervisor = api_as("consultant"), api_as("supervisor")
    inbox = consultant.get("/api/v1/conversations?queue=untaken&lang=kk").json()
    assert [row["number"] for row in inbox["items"]] == [late.number]
    assert inbox["counts"]["untaken"] == 1 and inbox["counts"]["lang_ru"] == 0
    assert "text" not in inbox["items"][0] and TEXT not in str(inbox)
    assert consultant.get("/api/v1/conversations/breaches").status_code == 403
    breaches = supervisor.get("/api/v1/conversations/breaches").json()
    assert [row["number"] for row in breaches] == [late.number]
    url = f"/api/v1/conversations/{late.number}/assign"
    assert consultant.post(url, {"assignee": "consultant"}).status_code == 403
    assert supervisor.post(url, {"assignee": "quality"}).status_code == 422
    assigned = supervisor.post(url, {"assignee": "consultant"})
    assert assigned.status_code == 200 and assigned.json()["assigned"] == "consultant"
    close = f"/api/v1/conversations/{ru.number}/close"
    assert consultant.post(close, {"outcome": "out_of_competence"}).status_code == 422
    closed = consultant.post(close, {"outcome": "out_of_competence", "competent_body": "Акимат"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert consultant.post(close, {"outcome": "answered"}).status_code == 409
    assert api_as("auditor").get("/api/v1/conversations").status_code == 403


def test_the_appeal_page_shows_the_conversation(personas, register):
    registered = register()
    conversation, _code = _open()
    client = signed_in(personas["consultant"])
    client.post(f"/inbox/{conversation.number}/attach", {"appeal": registered["number"]})
    page = client.get(f"/appeals/{registered['number']}/timeline/").content.decode()
    assert conversation.number in page and f"/inbox/{conversation.number}/" in page
    assert TEXT not in page


def test_api_attach_to_an_appeal(api_as, register):
    registered = register()
    conversation, _code = _open()
    url = f"/api/v1/conversations/{conversation.number}/appeal"
    assert api_as("auditor").post(url, {"appeal": registered["number"]}).status_code == 403
    assert api_as("consultant").post(url, {"appeal": "NOPE"}).status_code == 422
    linked = api_as("consultant").post(url, {"appeal": registered["number"]})
    assert linked.status_code == 200 and linked.json()["appeal"] == registered["number"]
    [audit] = _audits("conversation.appeal", conversation.number)
    assert audit.details == {"appeal": registered["number"], "how": "attached"}


def test_no_second_appeal_from_a_linked_conversation(personas, register):
    registered = register()
    conversation, _code = _open()
    client = signed_in(personas["consultant"])
    client.post(f"/inbox/{conversation.number}/attach", {"appeal": registered["number"]})
    assert client.get(f"/inbox/{conversation.number}/appeal").status_code == 409
    assert client.post(f"/inbox/{conversation.number}/appeal", _appeal_form()).status_code == 409
    assert Appeal.objects.count() == 1


def test_queue_and_breach_queries_do_not_grow(personas, settings):
    from qorgau.testing import assert_constant_queries

    settings.QORGAU_FIRST_REPLY_MINUTES = 60
    consultant, supervisor = signed_in(personas["consultant"]), signed_in(personas["supervisor"])

    def grow() -> None:
        for n in range(20):
            conversation, _c = _open(minutes_ago=90)
            _set(conversation, urgent=n % 2 == 0, assigned=personas["consultant"])

    for _ in range(2):
        _open(minutes_ago=90)
    mine, _c = _open(minutes_ago=90)  # the queue is not empty before it grows
    _set(mine, assigned=personas["consultant"])
    assert_constant_queries(lambda: consultant.get("/inbox/?queue=mine&lang=kk"), grow)
    assert_constant_queries(lambda: supervisor.get("/inbox/breaches/"), grow)
