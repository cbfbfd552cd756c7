"""The staff inbox of written appeals and one conversation (rule 6(f)): every persona against
every page (deny by default), the order of the inbox, audited views, claim and reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import ConversationData, conversation_open, message_reply
from qorgau.conversations.models import Conversation
from qorgau.core.roles import MATRIX, Perm, Role
from qorgau.testing import PERSONA_NAMES, assert_constant_queries, signed_in

pytestmark = pytest.mark.django_db

HANDLE = {"consultant", "supervisor"}
TEXT = "Анам мені ұрады"


def _open(text: str = TEXT, **data: object) -> Conversation:
    return conversation_open(data=ConversationData(text=text, **data), language="kk")[0]


def test_matrix_row():
    assert MATRIX[Perm.CONVERSATION_HANDLE] == {Role.CONSULTANT, Role.SUPERVISOR}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_pages_by_persona(personas, persona):
    number = _open().number
    client = signed_in(personas[persona])
    inbox = client.get("/inbox/")
    thread = client.get(f"/inbox/{number}/")
    claim = client.post(f"/inbox/{number}/claim")
    reply = client.post(f"/inbox/{number}/reply", {"text": "Біз көмектесеміз"})
    home = client.get("/inbox/", follow=True) if persona in HANDLE else None
    if persona in HANDLE:
        assert inbox.status_code == thread.status_code == 200
        assert TEXT in thread.content.decode()
        assert claim.status_code == reply.status_code == 302
        assert "Жазбаша өтініштер" in home.content.decode()  # the navigation link
    else:
        assert inbox.status_code == thread.status_code == 403
        assert claim.status_code == reply.status_code == 403
        assert TEXT not in thread.content.decode()
        assert not Conversation.objects.get(number=number).messages.filter(direction="out")


def test_anonymous_visitor_is_sent_to_sign_in():
    from django.test import Client

    number = _open().number
    for url in ("/inbox/", f"/inbox/{number}/"):
        assert Client().get(url).status_code == 302


def test_inbox_waiting_first_oldest_first_without_texts(personas):
    answered = _open("бірінші")
    older = _open("екінші")
    newer = _open("үшінші")
    message_reply(actor=personas["consultant"], conversation=answered, text="көмектесеміз")
    Conversation.objects.filter(pk=older.pk).update(
        last_inbound_at=timezone.now() - timedelta(hours=3)
    )
    html = signed_in(personas["supervisor"]).get("/inbox/").content.decode()
    positions = [html.index(c.number) for c in (older, newer, answered)]
    assert positions == sorted(positions)
    assert "3 сағат күтіп тұр" in html
    for text in ("бірінші", "екінші", "үшінші", "көмектесеміз"):
        assert text not in html
    assert "2 хабарлама" in html and "1 хабарлама" in html
    assert not AuditRecord.objects.filter(action="conversation.view").exists()


def test_inbox_in_russian(personas):
    _open()
    html = signed_in(personas["consultant"], "ru").get("/inbox/").content.decode()
    assert "Письменные обращения" in html and "1 сообщение" in html


def test_inbox_queries_do_not_grow_with_conversations(personas):
    client = signed_in(personas["consultant"])
    for _ in range(3):
        message_reply(actor=personas["supervisor"], conversation=_open(), text="жауап")

    def grow() -> None:
        for _ in range(27):
            _open()

    assert_constant_queries(lambda: client.get("/inbox/"), grow)


def test_reading_a_thread_is_audited_and_reply_reaches_the_applicant(personas):
    conversation = _open()
    client = signed_in(personas["consultant"])
    client.get(f"/inbox/{conversation.number}/")
    views = AuditRecord.objects.filter(action="conversation.view", object_ref=conversation.number)
    assert [r.actor_id for r in views] == [personas["consultant"].pk]
    client.post(f"/inbox/{conversation.number}/claim")
    client.post(f"/inbox/{conversation.number}/reply", {"text": "Біз сенімен бірге"})
    conversation.refresh_from_db()
    assert conversation.assigned == personas["consultant"]
    assert conversation.messages.last().text == "Біз сенімен бірге"


def test_empty_reply_shows_the_error_in_kazakh(personas):
    conversation = _open()
    page = signed_in(personas["consultant"]).post(
        f"/inbox/{conversation.number}/reply", {"text": " "}
    )
    assert page.status_code == 422
    assert "Жауапты жазыңыз." in page.content.decode()
    assert not conversation.messages.filter(direction="out").exists()


def test_a_long_queue_is_shown_a_page_at_a_time_with_counts_for_the_rows_shown(personas):
    from qorgau.conversations.selectors import INBOX_PAGE_SIZE

    numbers = [_open("Сәлем").number for _ in range(INBOX_PAGE_SIZE + 3)]
    message_reply(
        actor=personas["consultant"],
        conversation=Conversation.objects.get(number=numbers[0]),
        text="Жауап",
    )
    client = signed_in(personas["consultant"])
    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?queue=all&page=2").content.decode()
    assert first.count('id="conversation-') == INBOX_PAGE_SIZE
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert second.count('id="conversation-') == 3 and 'rel="next"' not in second
    assert f"({INBOX_PAGE_SIZE + 3})" in first  # the queue's count is of all, not of the page
    answered = first if f"conversation-{numbers[0]}" in first else second
    row = answered.split(f'id="conversation-{numbers[0]}"')[1].split("</li>")[0]
    assert "2 хабар" in row  # the applicant's message and the reply
    assert client.get("/inbox/?page=99999x").status_code == 200  # a bad page is page 1
