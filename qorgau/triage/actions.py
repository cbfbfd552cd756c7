"""State changes of the triage assistant: a suggestion is stored when it is shown, and the
person's choice is stored when the form or the thread it was shown on is saved (rules 6(h),
6(j), 10). A suggestion never changes an appeal, a conversation or a request by itself; when a
person decides "not urgent" where the assistant said urgent, the audit log says who (rule 6(j)).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.triage.artefact import current_model
from qorgau.triage.model import Reading
from qorgau.triage.models import Route, Suggestion

if TYPE_CHECKING:
    from qorgau.staff.models import User

TEXT_MAX = 20000  # longer texts are read from their start (the registration form's limit)


@dataclass(frozen=True)
class Shown:
    """A stored suggestion and the reading behind it (the reasons are shown, never stored)."""

    suggestion: Suggestion
    reading: Reading


def suggestion_make(
    *,
    actor: User | None,
    text: str,
    subject_kind: str,
    subject_number: str = "",
    replaces: str = "",
) -> Shown | None:
    """Read `text` and store the suggestion; `replaces` (the id the form posted back) is updated
    in place while the same person keeps typing in the same form. None for a text with no words."""
    if not any(ch.isalpha() for ch in text):
        return None
    version, model = current_model()
    reading = model.read(text[:TEXT_MAX])
    values = {
        "model_version": version,
        "direction": reading.direction,
        "direction_confidence": round(reading.direction_confidence, 3),
        "urgent": reading.urgent,
        "flags": ",".join(reading.flags),
        "route": reading.route,
    }
    suggestion = _replaceable(replaces, actor, subject_kind, subject_number)
    if suggestion is None:
        suggestion = Suggestion.objects.create(
            subject_kind=subject_kind, subject_number=subject_number, created_by=actor, **values
        )
    else:
        Suggestion.objects.filter(pk=suggestion.pk).update(**values)
        suggestion.refresh_from_db()
    return Shown(suggestion, reading)


def _replaceable(
    replaces: str, actor: User | None, subject_kind: str, subject_number: str
) -> Suggestion | None:
    """The earlier suggestion of this form (by the id it posted back) or of this appeal or
    conversation (its latest), if it is this person's and still undecided: one row per reading
    a person acts on, not one per keystroke or page view."""
    mine = Suggestion.objects.filter(
        created_by=actor,
        subject_kind=subject_kind,
        subject_number=subject_number,
        decided_at__isnull=True,
    )
    try:
        return mine.filter(pk=uuid.UUID(replaces)).first()
    except ValueError:
        return mine.order_by("-created_at").first() if subject_number else None


def suggestion_decide(
    *,
    actor: User,
    suggestion_id: str,
    subject_number: str,
    subject_kind: str = "",
    direction: int | None,
    urgent: bool | None,
    route: str = "",
) -> Suggestion | None:
    """Store what `actor` chose for the suggestion shown to them (by its id, or the latest of
    `subject_kind` and `subject_number`); audit an urgent suggestion they did not keep. An
    unknown, foreign or already decided one is ignored (the choice itself is saved by its own
    action; this only records agreement). None leaves that part undecided."""
    undecided = Suggestion.objects.select_for_update().filter(
        created_by=actor, decided_at__isnull=True
    )
    try:
        undecided = undecided.filter(pk=uuid.UUID(suggestion_id))
    except ValueError:
        if not subject_kind:
            return None
        undecided = undecided.filter(
            subject_kind=subject_kind, subject_number=subject_number
        ).order_by("-created_at")
    with transaction.atomic():
        suggestion = undecided.first()
        if suggestion is None:
            return None
        suggestion.subject_number = subject_number or suggestion.subject_number
        suggestion.decided_direction = direction
        suggestion.decided_urgent = urgent
        suggestion.decided_route = route if route in Route.values else ""
        suggestion.decided_at = timezone.now()
        suggestion.decided_by = actor
        suggestion.save()
        if suggestion.urgent and urgent is False:
            audit_record(
                actor=actor,
                action=AuditEvent.TRIAGE_LOWER_URGENT,
                object_type=suggestion.subject_kind,
                object_ref=suggestion.subject_number or str(suggestion.pk),
                details={"flags": suggestion.flags, "model_version": suggestion.model_version},
            )
    return suggestion
