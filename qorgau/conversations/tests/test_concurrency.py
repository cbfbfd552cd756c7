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
