"""Lists of conversations for staff: the inbox's queues and the first-reply breaches, without
any message text (so they are not audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qorgau.conversations.models import BlockedSender, Conversation, ConversationStatus, Message
from qorgau.core.roles import MATRIX, Perm
from qorgau.staff.models import User
from qorgau.triage.models import SubjectKind
from qorgau.triage.selectors import latest_suggestions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

INBOX_PAGE_SIZE = 50
QUEUES = ("all", "urgent", "mine", "untaken", "closed")
LANGUAGES = ("kk", "ru")
NOT_CLOSED = ~Q(status=ConversationStatus.CLOSED)


def counts_by_heard_from() -> dict[str, int]:
    """How many conversations answered each "How did you hear of 111?" choice (rule 6(s)); an
    empty key counts those who did not say. No personal data."""
    rows = Conversation.objects.values("heard_from").annotate(n=Count("pk")).order_by()
    return {row["heard_from"]: row["n"] for row in rows}


def _queue_filter(queue: str, user: User | AnonymousUser | None) -> Q:
    """The conversations of a queue; every queue but "closed" leaves the closed ones out."""
    if queue == "closed":
        return Q(status=ConversationStatus.CLOSED)
    if queue == "urgent":
        return NOT_CLOSED & Q(urgent=True)
    if queue == "mine":
        return NOT_CLOSED & Q(assigned_id=user.pk if user is not None else None)
    if queue == "untaken":
        return NOT_CLOSED & Q(assigned__isnull=True)
    return NOT_CLOSED


def inbox(
    user: User | AnonymousUser | None = None, *, queue: str = "all", lang: str = ""
) -> QuerySet[Conversation]:
    """One queue of the inbox (`QUEUES`), optionally of one language (rule 6(a)): urgent first
    (rule 6(j)), then those waiting for our reply, then oldest first."""
    scope = _queue_filter(queue if queue in QUEUES else "all", user)
    if lang in LANGUAGES:
        scope &= Q(language=lang)
    return (
        Conversation.objects.filter(scope)
        .select_related("region", "assigned")
        .order_by("-urgent", "-awaiting_reply", "last_inbound_at", "id")  # index conv_queue
    )


@dataclass(frozen=True)
class InboxPage:
    """One page of a queue: its rows (each with `n_messages`), and whether more follow."""

    rows: list[Conversation]
    number: int
    has_next: bool


def inbox_page(
    user: User | AnonymousUser, *, queue: str = "all", lang: str = "", page: int = 1
) -> InboxPage:
    """Page `page` (from 1) of a queue, INBOX_PAGE_SIZE rows. The messages are counted for the
    rows shown only, so the page costs the same with 100 or 100,000 open conversations."""
    start = (page - 1) * INBOX_PAGE_SIZE
    rows = list(inbox(user, queue=queue, lang=lang)[start : start + INBOX_PAGE_SIZE + 1])
    shown = rows[:INBOX_PAGE_SIZE]
    counts = dict(
        Message.objects.filter(conversation__in=[c.pk for c in shown])
        .values_list("conversation")
        .annotate(n=Count("id"))
        .order_by()
    )
    suggested = latest_suggestions(SubjectKind.CONVERSATION, [c.number for c in shown])
    for row in shown:
        row.n_messages = counts.get(row.pk, 0)  # type: ignore[attr-defined]
        row.suggestion = suggested.get(row.number)  # type: ignore[attr-defined]
    return InboxPage(shown, page, len(rows) > INBOX_PAGE_SIZE)


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


def queue_counts(user: User | AnonymousUser, *, lang: str = "") -> dict[str, int]:
    """How many conversations each open queue holds, and each language, in one query over the
    conversations not closed (index conv_open_counts). The closed ones are not counted: they
    only grow, and their queue is read a page at a time."""
    scope = NOT_CLOSED & (Q(language=lang) if lang in LANGUAGES else Q())
    counts = Conversation.objects.filter(scope).aggregate(
        **{q: Count("id", filter=_queue_filter(q, user)) for q in QUEUES if q != "closed"},
        **{f"lang_{code}": Count("id", filter=NOT_CLOSED & Q(language=code)) for code in LANGUAGES},
    )
    return {key: int(value or 0) for key, value in counts.items()}


def first_reply_minutes(*, urgent: bool) -> int:
    """The minutes the centre has for its first reply (settings, from the environment)."""
    if urgent:
        return int(settings.QORGAU_FIRST_REPLY_URGENT_MINUTES)
    return int(settings.QORGAU_FIRST_REPLY_MINUTES)


def first_reply_due(conversation: Conversation) -> datetime | None:
    """When the centre's first reply is due, or None once it was given or the conversation is
    closed."""
    if conversation.first_reply_at is not None or conversation.status == ConversationStatus.CLOSED:
        return None
    return conversation.created_at + timedelta(
        minutes=first_reply_minutes(urgent=conversation.urgent)
    )


def first_reply_breaches(now: datetime | None = None) -> QuerySet[Conversation]:
    """Conversations not closed whose first reply is overdue, longest waiting first: for the
    supervisor's page and for reports and metrics."""
    now = now or timezone.now()
    late = Q(
        urgent=True, created_at__lt=now - timedelta(minutes=first_reply_minutes(urgent=True))
    ) | Q(urgent=False, created_at__lt=now - timedelta(minutes=first_reply_minutes(urgent=False)))
    return (
        Conversation.objects.filter(late, NOT_CLOSED, first_reply_at__isnull=True)
        .select_related("assigned", "region")
        .order_by("created_at", "id")
    )


def assignable_staff() -> QuerySet[User]:
    """Who may be given a conversation: active staff whose role handles written appeals."""
    roles = [str(r) for r in MATRIX[Perm.CONVERSATION_HANDLE]]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")
