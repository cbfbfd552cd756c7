"""What an applicant may learn without signing in (rule 6(l)): the status and progress of
their appeal, given its number and secret code — never names, content or the agency.

A wrong code and an unknown number get the same answer. Look-ups are throttled per client
address only (appeals/lookup_throttle.py): a right code always works for its holder, whatever others
tried on that number.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.agency_requests.models import AgencyReply, ReplyKind
from qorgau.appeals.actions import status_code_digest
from qorgau.appeals.lifecycle import is_reopen
from qorgau.appeals.lookup_throttle import (
    client_key,
    lookup_failed,
    lookup_reserve,
    lookup_succeeded,
)
from qorgau.appeals.models import Appeal, Status
from qorgau.conversations.models import Conversation
from qorgau.core.errors import NotFound, Throttled
from qorgau.core.kztime import KZ_TZ

DUMMY_DIGEST = "0" * 64

# What the applicant sees of each step (rule 6(l)): progress, never the agency or the content.
PUBLIC_STEP_LABELS = {
    Status.REGISTERED: gettext_lazy("Your appeal has been registered"),
    Status.IN_PROGRESS: gettext_lazy("A consultant is working on your appeal"),
    Status.WAITING_AGENCY: gettext_lazy("Your appeal has been passed to the competent body"),
    Status.ANSWERED: gettext_lazy("An answer has been given"),
    Status.CLOSED: gettext_lazy("The appeal is closed"),
}
REOPEN_LABEL = gettext_lazy("Your appeal has been reopened")
MERGED_LABEL = gettext_lazy("Your appeal has been joined with another appeal on the same matter")

# Steps on the agency's side as the applicant sees them.
AGENCY_STEP_LABELS: dict[str, Any] = {
    ReplyKind.ACKNOWLEDGED: gettext_lazy("The competent body has received your appeal"),
    ReplyKind.CONFIRMED: gettext_lazy(
        "The competent body has checked the information and is taking measures"
    ),
    ReplyKind.NOT_CONFIRMED: gettext_lazy("The competent body has checked the information"),
    ReplyKind.PASSED_ON: gettext_lazy("Your appeal has been passed on to another competent body"),
    ReplyKind.EXTENSION: gettext_lazy("The competent body has extended the time to answer"),
    ReplyKind.ANSWER: gettext_lazy("The competent body has answered"),
}


@dataclass(frozen=True)
class PublicStep:
    status: str
    label: str
    at: datetime


@dataclass(frozen=True)
class PublicStatus:
    number: str
    status: str
    status_label: str
    registered_at: datetime
    updated_at: datetime
    steps: list[PublicStep]
    merged: bool = False  # joined with another appeal, whose progress the steps then show


def _steps(appeal: Appeal) -> list[PublicStep]:
    steps = []
    for change in appeal.status_changes.all():
        label = (
            REOPEN_LABEL
            if is_reopen(change.from_status, change.to_status)
            else PUBLIC_STEP_LABELS[Status(change.to_status)]
        )
        steps.append(PublicStep(status=change.to_status, label=str(label), at=change.at))
    return sorted(steps + _agency_steps(appeal), key=lambda step: step.at)


def _agency_label(reply: AgencyReply) -> str:
    """An extension names the new term (a date in Kazakhstan), nothing else (rule 11)."""
    if reply.kind == ReplyKind.EXTENSION and reply.extended_until:
        until = reply.extended_until.astimezone(KZ_TZ).strftime("%d.%m.%Y")
        return _("The time to answer has been extended to %(date)s") % {"date": until}
    return str(AGENCY_STEP_LABELS[ReplyKind(reply.kind)])


def _agency_steps(appeal: Appeal) -> list[PublicStep]:
    """Progress on the agency's side, worded without the agency or what it said (rule 6(l))."""
    replies = AgencyReply.objects.filter(request__appeal=appeal, kind__in=AGENCY_STEP_LABELS)
    return [
        PublicStep(status=f"agency_{r.kind}", label=_agency_label(r), at=r.at)
        for r in replies.only("kind", "at", "extended_until")
    ]


def public_status(*, client: str, number: str, code: str) -> PublicStatus:
    """The applicant's view of an appeal, or NotFound / Throttled."""
    number = number.strip().upper()[:40]
    client = client_key(client)
    if not lookup_reserve(client):
        raise Throttled()
    appeal = (
        Appeal.objects.filter(number=number)
        .only(
            "number",
            "status",
            "received_at",
            "updated_at",
            "status_code_digest",
            "merged_into_id",
            "merged_at",
        )
        .first()
    )
    given = status_code_digest(code)
    expected = [appeal.status_code_digest, *_conversation_digests(appeal)] if appeal else []
    matches = [hmac.compare_digest(digest, given) for digest in expected or [DUMMY_DIGEST]]
    if not any(matches) or appeal is None:
        lookup_failed(client, number)
        raise NotFound(_("No appeal matches this number and code."))
    lookup_succeeded(client)
    if appeal.merged_into_id is not None:
        return _merged_status(appeal)
    steps = _steps(appeal)
    return PublicStatus(
        number=appeal.number,
        status=appeal.status,
        status_label=str(PUBLIC_STEP_LABELS[Status(appeal.status)]),
        registered_at=appeal.received_at,
        updated_at=steps[-1].at if steps else appeal.received_at,
        steps=steps,
    )


def _conversation_digests(appeal: Appeal) -> list[str]:
    """The codes of the written conversations this appeal was registered from: their applicant
    follows the appeal with the code they already have (rule 6(l)). An appeal a conversation was
    only attached to is not opened by its code: that appeal may be someone else's."""
    rows = Conversation.objects.filter(appeal_id=appeal.pk, appeal_registered_here=True)
    return list(rows.values_list("code_digest", flat=True))


def appeal_status_label(appeal: Appeal) -> str:
    """The applicant's wording of where an appeal stands (the one it was merged into, if so)."""
    if appeal.merged_into_id is not None:
        appeal = Appeal.objects.only("status").get(merged_appeals=appeal)
    return str(PUBLIC_STEP_LABELS[Status(appeal.status)])


def _merged_status(duplicate: Appeal) -> PublicStatus:
    """A duplicate merged into another appeal (docs/architecture/appeals.md): its own steps up
    to the merge, the merge itself, then the progress of the appeal that carries on. Under the
    duplicate's number only: never the other appeal's number or code (rule 6(l))."""
    survivor = Appeal.objects.only("status").get(merged_appeals=duplicate)
    merged_at = duplicate.merged_at or duplicate.updated_at
    before = [s for s in _steps(duplicate) if s.at < merged_at]
    after = [s for s in _steps(survivor) if s.at > merged_at]
    steps = [*before, PublicStep(status="merged", label=str(MERGED_LABEL), at=merged_at), *after]
    return PublicStatus(
        number=duplicate.number,
        status=survivor.status,
        status_label=str(PUBLIC_STEP_LABELS[Status(survivor.status)]),
        registered_at=duplicate.received_at,
        updated_at=steps[-1].at,
        steps=steps,
        merged=True,
    )
