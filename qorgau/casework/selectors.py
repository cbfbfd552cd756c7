"""Lists of case-work items, already filtered by what the user may see."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qorgau.appeals.models import Appeal
from qorgau.appeals.selectors import appeals_visible_to
from qorgau.casework.models import Attachment, FollowUp, Note
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Role
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

OPEN = Q(done_at__isnull=True, cancelled_at__isnull=True)


# --- one appeal's notes and follow-ups --------------------------------------------------------


@dataclass(frozen=True)
class CaseWork:
    """An appeal's notes (newest first) and follow-ups (by due time)."""

    notes: list[Note]
    followups: list[FollowUp]

    @property
    def open_followups(self) -> list[FollowUp]:
        return [f for f in self.followups if f.open]


def appeal_notes(appeal: Appeal) -> list[Note]:
    return list(Note.objects.filter(appeal=appeal).select_related("by").order_by("-at", "-pk"))


def appeal_followups(appeal: Appeal) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(appeal=appeal)
        .select_related("assignee", "created_by", "done_by", "cancelled_by")
        .order_by("due_at", "pk")
    )


def appeal_casework(appeal: Appeal, *, notes: bool) -> CaseWork:
    """The appeal's follow-ups, and its notes only with `notes` (never read otherwise)."""
    return CaseWork(appeal_notes(appeal) if notes else [], appeal_followups(appeal))


def casework_fingerprint(appeal: Appeal) -> str:
    """Changes whenever the panel would change; reads no text, carries no personal data."""
    note_ids = Note.objects.filter(appeal=appeal).values_list("pk", flat=True)
    states = FollowUp.objects.filter(appeal=appeal).values_list(
        "pk", "assignee_id", "due_at", "done_at", "cancelled_at"
    )
    parts = [*(f"n{pk}" for pk in note_ids), *(f"f{row}" for row in states)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def has_casework(appeal: Appeal) -> bool:
    return Note.objects.filter(appeal=appeal).exists() or (
        FollowUp.objects.filter(appeal=appeal).exists()
    )


# --- task lists --------------------------------------------------------------------------------


@dataclass
class TaskGroups:
    """Open follow-ups grouped by when they are due, seen from `now` in Kazakhstan time."""

    overdue: list[FollowUp] = field(default_factory=list)
    today: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)

    @property
    def all(self) -> list[FollowUp]:
        return [*self.overdue, *self.today, *self.later]


def open_followups(
    user: User | AnonymousUser, *, everyone: bool = False, unassigned: bool = False
) -> QuerySet[FollowUp]:
    """Open follow-ups on appeals the user sees: the user's own, or everyone's; `unassigned`
    narrows to those whose assignee can no longer act (deactivated or moved to another role)."""
    found = FollowUp.objects.filter(OPEN, appeal__in=appeals_visible_to(user))
    if unassigned:
        found = found.exclude(
            assignee__is_active=True, assignee__role__in=[Role.CONSULTANT, Role.SUPERVISOR]
        )
    elif not everyone:
        found = found.filter(assignee_id=user.pk)
    return found


def grouped(followups: QuerySet[FollowUp], now: datetime, limit: int = 500) -> TaskGroups:
    """The follow-ups (at most `limit`, soonest first) grouped overdue / due today / later."""
    today = now.astimezone(KZ_TZ).date()
    groups = TaskGroups()
    rows = followups.select_related("appeal", "assignee", "created_by").order_by("due_at", "pk")[
        :limit
    ]
    for f in rows:
        if f.due_at < now:
            groups.overdue.append(f)
        elif f.due_at.astimezone(KZ_TZ).date() == today:
            groups.today.append(f)
        else:
            groups.later.append(f)
    return groups


def overdue_count(user: User | AnonymousUser, now: datetime) -> int:
    """How many of the user's own open follow-ups are overdue: one query."""
    return FollowUp.objects.filter(OPEN, assignee_id=user.pk, due_at__lt=now).count()


def assignable_staff() -> QuerySet[User]:
    """Whom a follow-up may be assigned to: active consultants and supervisors."""
    roles = [Role.CONSULTANT, Role.SUPERVISOR]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")


def _attachments_kept(appeal: Appeal) -> QuerySet[Attachment]:
    return Attachment.objects.filter(appeal=appeal, removed_at__isnull=True)


def attachments_shown(appeal: Appeal) -> list[Attachment]:
    """The appeal's attachments not removed, oldest first, with who attached them (two
    queries whatever their number: this one and nothing per file)."""
    return list(_attachments_kept(appeal).select_related("uploaded_by"))


def attachment_count(appeal: Appeal) -> int:
    return _attachments_kept(appeal).count()


def attachment_events(appeal: Appeal) -> list[Attachment]:
    """Every attachment the appeal ever had, removed ones included, for its timeline."""
    return list(
        Attachment.objects.filter(appeal=appeal).select_related("uploaded_by", "removed_by")
    )


def attachment_ids(appeal: Appeal) -> list[int]:
    """Ids of every attachment the appeal ever had: what its timeline would name."""
    return list(Attachment.objects.filter(appeal=appeal).values_list("pk", flat=True))
