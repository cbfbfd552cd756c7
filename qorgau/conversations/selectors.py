"""Lists of conversations for staff: the inbox, without any message text."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When

from qorgau.conversations.models import Conversation, ConversationStatus


def counts_by_heard_from() -> dict[str, int]:
    """How many conversations answered each "How did you hear of 111?" choice (rule 6(s)); an
    empty key counts those who did not say. No personal data."""
    rows = Conversation.objects.values("heard_from").annotate(n=Count("pk")).order_by()
    return {row["heard_from"]: row["n"] for row in rows}


def inbox() -> QuerySet[Conversation]:
    """Conversations not closed: those waiting for our reply first, then oldest first."""
    waiting = Q(last_outbound_at__isnull=True) | Q(last_outbound_at__lt=F("last_inbound_at"))
    return (
        Conversation.objects.exclude(status=ConversationStatus.CLOSED)
        .select_related("region", "assigned")
        .annotate(
            n_messages=Count("messages"),
            is_waiting=Case(
                When(waiting, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("-is_waiting", "last_inbound_at", "id")
    )
