"""What an applicant may learn without signing in (rule 6(l)): the status and progress of
their appeal, given its number and secret code — never names, content or the agency.

A wrong code and an unknown number get the same answer. Failures are counted in the database
(so every app process agrees) per client address and per number; after
STATUS_LOOKUP_MAX_FAILURES in STATUS_LOOKUP_WINDOW_SECONDS both are refused with 429, and so
is an address after STATUS_LOOKUP_MAX_ATTEMPTS look-ups of any kind in that window.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.actions import status_code_digest
from qorgau.appeals.lifecycle import (
    AGENCY_STEP_LABELS,
    PUBLIC_STEP_LABELS,
    REOPEN_LABEL,
    is_reopen,
)
from qorgau.appeals.models import Appeal, Status, StatusLookupAttempt
from qorgau.core.errors import NotFound, Throttled
from qorgau.core.kztime import KZ_TZ
from qorgau.interaction.models import AgencyReply

DUMMY_DIGEST = "0" * 64


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


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.STATUS_LOOKUP_WINDOW_SECONDS)


def _throttled(client: str, number: str) -> bool:
    """Too many failures from this address or on this number, or too many look-ups at all
    from this address (the public endpoint is rate-limited even for right codes)."""
    recent = StatusLookupAttempt.objects.filter(at__gte=_window_start())
    failures = recent.filter(failed=True)
    limit = settings.STATUS_LOOKUP_MAX_FAILURES
    return (
        failures.filter(client=client).count() >= limit
        or failures.filter(number=number).count() >= limit
        or recent.filter(client=client).count() >= settings.STATUS_LOOKUP_MAX_ATTEMPTS
    )


def _record(client: str, number: str, *, failed: bool) -> None:
    StatusLookupAttempt.objects.filter(
        Q(client=client) | Q(number=number), at__lt=_window_start()
    ).delete()
    StatusLookupAttempt.objects.create(
        client=client, number=number, at=timezone.now(), failed=failed
    )


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
    if reply.kind == "extension" and reply.extended_until:
        until = reply.extended_until.astimezone(KZ_TZ).strftime("%d.%m.%Y")
        return _("The time to answer has been extended to %(date)s") % {"date": until}
    return str(AGENCY_STEP_LABELS[reply.kind])


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
    if _throttled(client, number):
        raise Throttled()
    appeal = (
        Appeal.objects.filter(number=number)
        .only("number", "status", "received_at", "updated_at", "status_code_digest")
        .first()
    )
    expected = appeal.status_code_digest if appeal else DUMMY_DIGEST
    if not hmac.compare_digest(expected, status_code_digest(code)) or appeal is None:
        _record(client, number, failed=True)
        raise NotFound(_("No appeal matches this number and code."))
    _record(client, number, failed=False)
    steps = _steps(appeal)
    return PublicStatus(
        number=appeal.number,
        status=appeal.status,
        status_label=str(PUBLIC_STEP_LABELS[Status(appeal.status)]),
        registered_at=appeal.received_at,
        updated_at=steps[-1].at if steps else appeal.received_at,
        steps=steps,
    )
