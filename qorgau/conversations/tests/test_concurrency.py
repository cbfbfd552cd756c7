"""Conversation numbers when many applicants write at once, on PostgreSQL with real parallel
connections: unique and gapless, like the appeals' numbers."""

from __future__ import annotations

import pytest

from qorgau.appeals.tests.test_concurrency import _in_threads
from qorgau.conversations.actions import ConversationData, conversation_open
from qorgau.conversations.models import Conversation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_concurrent_conversations_get_unique_gapless_numbers():
    def write_many(_i: int) -> list[str]:
        data = ConversationData(text="Көмектесіңізші")
        return [conversation_open(data=data, language="kk")[0].number for _ in range(5)]

    results = _in_threads(6, write_many)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [n for batch in results for n in batch]
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 31))
    assert Conversation.objects.count() == 30


def test_the_same_mail_fetched_by_two_workers_at_once_is_stored_once(settings, tmp_path):
    from qorgau.conversations.mailbox import mail_receive
    from qorgau.conversations.models import MessageAttachment
    from qorgau.conversations.tests.test_email import image_with_gps, letter

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.QORGAU_SMTP_PORT = 9  # the welcome mail fails quietly; storing is what counts
    raw, _id = letter(files=[(image_with_gps(), "image/png", "a.png")])
    results = _in_threads(4, lambda _i: mail_receive(raw))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len([r for r in results if r is not None]) == 1
    assert Conversation.objects.count() == 1 and MessageAttachment.objects.count() == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1  # no stray files
