"""Actions of written conversations (rule 6(f)): numbering, the secret code, replies, claims,
their audit rows, and texts encrypted at rest."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from qorgau.appeals.actions import status_code_digest
from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import (
    ConversationData,
    conversation_claim,
    conversation_open,
    message_add_from_applicant,
    message_reply,
)
from qorgau.conversations.models import ApplicantKind, ConversationStatus
from qorgau.core.errors import Conflict, FieldErrors, Forbidden
from qorgau.core.kztime import kz_year

pytestmark = pytest.mark.django_db

TEXT = "Мені сыныптағы балалар ұрады"
CONTACT = "+7 701 555 12 34"


def _audit(action: str, number: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action, object_ref=number))


def test_open_numbers_each_year_and_keeps_only_the_code_digest():
    first, code = conversation_open(data=ConversationData(text=TEXT), language="kk")
    second, _ = conversation_open(data=ConversationData(text="Тағы"), language="ru")
    year = kz_year(timezone.now())
    assert first.number == f"W-{year}-000001"
    assert second.number == f"W-{year}-000002"
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert first.code_digest == status_code_digest(code)
    assert code not in first.code_digest
    assert first.applicant_kind == ApplicantKind.ANONYMOUS
    assert (first.language, second.language) == ("kk", "ru")
    assert [r.actor_id for r in _audit("conversation.open", first.number)] == [None]


def test_a_name_makes_the_applicant_an_individual():
    conversation, _ = conversation_open(
        data=ConversationData(text=TEXT, name="Айгүл"), language="kk"
    )
    assert conversation.applicant_kind == ApplicantKind.INDIVIDUAL


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_too_long_text_is_refused_and_nothing_written(text):
    with pytest.raises(FieldErrors) as err:
        conversation_open(data=ConversationData(text=text), language="kk")
    assert "text" in err.value.fields
    assert not AuditRecord.objects.filter(action="conversation.open").exists()


def test_texts_and_contact_are_encrypted_at_rest():
    conversation, _ = conversation_open(
        data=ConversationData(text=TEXT, contact=CONTACT), language="kk"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact FROM conversations_conversation WHERE id = %s", [conversation.pk]
        )
        contact = cursor.fetchone()[0]
        cursor.execute(
            "SELECT text FROM conversations_message WHERE conversation_id = %s", [conversation.pk]
        )
        text = cursor.fetchone()[0]
    assert CONTACT not in contact and "555" not in contact
    assert TEXT not in text and "ұрады" not in text
    conversation.refresh_from_db()
    assert conversation.contact == CONTACT


def test_reply_answers_and_assigns_then_the_applicant_reopens(personas):
    consultant = personas["consultant"]
    conversation, _ = conversation_open(data=ConversationData(text=TEXT), language="kk")
    message_reply(actor=consultant, conversation=conversation, text="Біз көмектесеміз")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ANSWERED
    assert conversation.assigned == consultant
    assert not conversation.waiting
    assert [r.actor_id for r in _audit("conversation.reply", conversation.number)] == [
        consultant.pk
    ]
    message_add_from_applicant(conversation=conversation, text="Рахмет")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.waiting
    assert len(_audit("conversation.write", conversation.number)) == 1
    assert [m.direction for m in conversation.messages.all()] == ["in", "out", "in"]


def test_closed_conversation_takes_no_more_messages(personas):
    conversation, _ = conversation_open(data=ConversationData(text=TEXT), language="kk")
    conversation.status = ConversationStatus.CLOSED
    conversation.save()
    with pytest.raises(Conflict):
        message_add_from_applicant(conversation=conversation, text="Тағы")
    with pytest.raises(Conflict):
        message_reply(actor=personas["consultant"], conversation=conversation, text="Жауап")


def test_claim_once_never_a_colleagues(personas):
    conversation, _ = conversation_open(data=ConversationData(text=TEXT), language="kk")
    conversation_claim(actor=personas["consultant"], conversation=conversation)
    conversation_claim(actor=personas["consultant"], conversation=conversation)  # no change
    with pytest.raises(Conflict):
        conversation_claim(actor=personas["supervisor"], conversation=conversation)
    records = _audit("conversation.claim", conversation.number)
    assert [r.actor_id for r in records] == [personas["consultant"].pk]


@pytest.mark.parametrize("persona", ["quality", "officer_a", "commissioner", "auditor", "admin"])
def test_other_roles_cannot_reply_or_claim(personas, persona):
    conversation, _ = conversation_open(data=ConversationData(text=TEXT), language="kk")
    with pytest.raises(Forbidden):
        message_reply(actor=personas[persona], conversation=conversation, text="x")
    with pytest.raises(Forbidden):
        conversation_claim(actor=personas[persona], conversation=conversation)
