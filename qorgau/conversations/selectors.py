"""Lists of conversations for staff: the inbox, without any message text."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When

from qorgau.conversations.models import BlockedSender, Conversation, ConversationStatus


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


def urgent_unclaimed() -> QuerySet[Conversation]:
    """Urgent conversations (rule 6(j)) not closed that nobody has taken, longest waiting first:
    what the alert on every staff page lists until someone claims them."""
    return (
        Conversation.objects.filter(urgent=True, assigned__isnull=True)
        .exclude(status=ConversationStatus.CLOSED)
        .order_by("last_inbound_at", "id")
    )


def blocked_senders() -> QuerySet[BlockedSender]:
    """Blocks in force, newest first, with who set them."""
    return (
        BlockedSender.objects.filter(active=True)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
