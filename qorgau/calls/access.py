"""Who may hear a recording (rules 5 and 6(p)). No role may by default: only the recipient of an
approved written demand that names the call, until the demand's access ends, or the quality
officer with an open review task for the call. Every granted access is audited; a refusal
names no reason beyond the rule, and the same refusal answers whether or not the call or its
recording exists (docs/permissions.md: "not yours" and "not there" answer alike). Also the call
search by which auditors and supervisors name calls in a demand (audited by phone)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.calls.auditing import audit_call
from qorgau.calls.models import Call, DemandStatus, Recording, RecordingDemand, ReviewTask
from qorgau.calls.selectors import CallSearch, FoundCall, calls_matching
from qorgau.core import crypto
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, Forbidden, NotFound
from qorgau.core.identifiers import normalise_phone
from qorgau.core.kztime import kz_today
from qorgau.core.roles import Perm, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def _open_demand(user: User | AnonymousUser, call_pk: int) -> RecordingDemand | None:
    return RecordingDemand.objects.filter(
        calls__pk=call_pk,
        recipient_id=user.pk,
        status=DemandStatus.APPROVED,
        access_until__gt=timezone.now(),
    ).first()


def _open_review(user: User | AnonymousUser, call_pk: int) -> ReviewTask | None:
    if not has_perm(user, Perm.REVIEW_TASKS):
        return None
    return ReviewTask.objects.filter(
        call_id=call_pk, assignee_id=user.pk, closed_at__isnull=True
    ).first()


def access_answered_call(user: User | AnonymousUser, call_pk: int) -> Call:
    """A call answered at this consultant's own extension, to register an appeal from it (the
    screen pop links only such calls); any other call, or a user who may not register appeals,
    gets 404. The link carries only the call's id: the caller's number comes from the record,
    never from a URL (rule 5)."""
    require(user, Perm.APPEAL_CREATE)
    extension = getattr(user, "extension", "")
    call = Call.objects.filter(pk=call_pk, extension=extension).only("caller").first()
    if not extension or call is None:
        raise NotFound()
    return call


def access_call(user: User | AnonymousUser, call_pk: int) -> Call:
    """A call the user may see and act on: any call with `call.any` (supervisors); a consultant
    only a call answered at their own extension. Anything else answers 404."""
    require(user, Perm.CALL_OUTCOME)
    calls = Call.objects.filter(pk=call_pk)
    if not has_perm(user, Perm.CALL_ANY):
        calls = calls.filter(extension=getattr(user, "extension", "") or "-")
    call = calls.first()
    if call is None:
        raise NotFound()
    return call


def access_recording(user: User | AnonymousUser, call_pk: int) -> Recording:
    """The call's recording if a demand or a review task gives this user access (audited)."""
    if not user.is_authenticated or not user.is_active:
        raise Forbidden()
    demand = _open_demand(user, call_pk)
    review = None if demand else _open_review(user, call_pk)
    if demand is None and review is None:
        raise Forbidden(
            _(
                "Recordings are released only to the recipient of an approved written demand "
                "(rule 6(p)) or to the quality officer reviewing the call."
            )
        )
    recording = Recording.objects.select_related("call").filter(call_id=call_pk).first()
    if recording is None:  # only someone entitled to the call learns that it has no recording
        raise NotFound()
    audit_call(
        actor=user,
        event=AuditEvent.RECORDING_DOWNLOAD if demand else AuditEvent.RECORDING_LISTEN,
        ref=call_pk,
        reason=f"written demand {demand.number}" if demand else f"review task {review.pk}",  # type: ignore[union-attr]
    )
    return recording


def demands_visible(user: User | AnonymousUser) -> QuerySet[RecordingDemand]:
    """Written demands: supervisors and auditors see all (a demand holds no personal data)."""
    require(user, Perm.DEMAND_VIEW)
    return RecordingDemand.objects.select_related("recipient", "registered_by").prefetch_related(
        "calls"
    )


def demands_overdue(user: User | AnonymousUser) -> QuerySet[RecordingDemand]:
    """Undecided demands past their deadline, escalated on the supervisors' boards."""
    require(user, Perm.DEMAND_DECIDE)
    return demands_visible(user).filter(status=DemandStatus.REGISTERED, deadline__lt=kz_today())


def _phone_index(phone: str) -> str:
    normalised = normalise_phone(phone)
    if normalised is None:
        raise FieldErrors(fields={"phone": _("This is not a phone number.")})
    return crypto.blind_index("phone", normalised)


def access_call_search(
    user: User | AnonymousUser,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    line: str = "",
    phone: str = "",
    appeal: str = "",
) -> list[FoundCall]:
    """Auditors and supervisors find calls to name in a written demand (rule 6(p)). A caller's
    phone is matched through its blind index, and every search by phone is audited (it tells
    the user which calls that person made), whether or not it finds anything."""
    require(user, Perm.CALL_SEARCH)
    if date_from and date_to and date_to < date_from:
        raise FieldErrors(fields={"date_to": _("The end of the period is before its start.")})
    search = CallSearch(
        date_from=date_from,
        date_to=date_to,
        line=line,
        phone_index=_phone_index(phone) if phone.strip() else "",
        appeal=appeal.strip(),
    )
    found = calls_matching(search)
    if search.phone_index:
        audit_record(
            actor=user,
            action=AuditEvent.CALL_SEARCH_BY_PHONE,
            object_type="user",
            object_ref=str(user.pk),
            reason="call search by the caller's phone",
            details={"calls": [c.id for c in found]},
        )
    return found


def review_tasks_of(user: User | AnonymousUser) -> QuerySet[ReviewTask]:
    """A quality officer's open review tasks."""
    require(user, Perm.REVIEW_TASKS)
    return ReviewTask.objects.filter(assignee_id=user.pk, closed_at__isnull=True).select_related(
        "call", "call__recording"
    )
