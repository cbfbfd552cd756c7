"""Releasing recordings (rule 6(p); decision 0008): written demands of the authorised
body, registered by a ministry auditor and approved or rejected by a supervisor; and quality
review tasks, assigned by a supervisor to a quality officer. The access itself is decided in
access.py; these are the state changes, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.audit.events import AuditEvent
from qorgau.calls.auditing import audit_call, audit_demand
from qorgau.calls.models import Call, DemandStatus, Recording, RecordingDemand, ReviewTask
from qorgau.calls.recordings import store_encrypted
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors, NotFound
from qorgau.core.kztime import KZ_TZ, kz_today
from qorgau.core.roles import Perm, Role, has_perm
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class DemandIn:
    number: str
    dated: date
    signer: str
    deadline: date
    call_ids: list[int]
    recipient: str  # username; empty: the auditor who registers it
    scan: bytes
    scan_name: str


def _recipient(username: str, registering: User) -> User:
    if not username:
        return registering
    user = User.objects.filter(username=username, is_active=True, role=Role.AUDITOR).first()
    if user is None:
        raise FieldErrors(fields={"recipient": _("No active ministry auditor has this login.")})
    return user


def _calls(call_ids: list[int]) -> list[Call]:
    calls = list(Call.objects.filter(pk__in=set(call_ids)))
    missing = sorted(set(call_ids) - {c.pk for c in calls})
    if not call_ids or missing:
        raise FieldErrors(
            fields={"calls": _("Unknown calls: %(ids)s") % {"ids": ", ".join(map(str, missing))}}
            if missing
            else {"calls": _("Name at least one call.")}
        )
    return calls


def _check_demand(data: DemandIn) -> None:
    errors = {}
    if not data.scan:
        errors["scan"] = _("Attach the scan of the signed demand.")
    if data.deadline < data.dated:
        errors["deadline"] = _("The deadline is before the demand's date.")
    if data.dated > kz_today():
        errors["dated"] = _("The demand's date is in the future.")
    if errors:
        raise FieldErrors(fields={k: str(v) for k, v in errors.items()})


def demand_register(*, actor: User | AnonymousUser, data: DemandIn) -> RecordingDemand:
    """Register a written demand for the recordings of some calls (rule 6(p))."""
    require(actor, Perm.DEMAND_REGISTER)
    assert isinstance(actor, User)
    _check_demand(data)
    calls = _calls(data.call_ids)
    recipient = _recipient(data.recipient, actor)
    scan_key = store_encrypted(data.scan, "demands")
    with transaction.atomic():
        # Taken before the demand exists, as the retention sweep takes it: the sweep either
        # deletes first (the file was due before the demand arrived) or sees the demand.
        list(Recording.objects.select_for_update().filter(call__in=calls).values_list("pk"))
        demand = RecordingDemand.objects.create(
            number=data.number,
            dated=data.dated,
            signer=data.signer,
            scan_key=scan_key,
            scan_name=data.scan_name[:200],
            deadline=data.deadline,
            recipient=recipient,
            registered_by=actor,
            registered_at=timezone.now(),
        )
        demand.calls.set(calls)
        details = {"calls": sorted(c.pk for c in calls), "recipient": recipient.username}
        audit_demand(
            actor=actor,
            event=AuditEvent.DEMAND_REGISTER,
            ref=demand.pk,
            reason=_why(demand),
            details=details,
        )
    return demand


def _why(demand: RecordingDemand) -> str:
    return f"written demand {demand.number}"


def demand_access_until(*, decided_at: datetime, deadline: date) -> datetime:
    """When an approved demand's access ends: DEMAND_ACCESS_DAYS after the approval, or at the
    end of the demand's deadline day (Kazakhstan time) if that is later (rule 6(p))."""
    end_of_deadline = datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=KZ_TZ)
    return max(decided_at + timedelta(days=settings.DEMAND_ACCESS_DAYS), end_of_deadline)


def demand_decide(*, actor: User | AnonymousUser, demand_id: int, approve: bool) -> RecordingDemand:
    """A supervisor approves (access opens until `demand_access_until`) or rejects a demand;
    a rejected demand no longer keeps its recordings from deletion."""
    require(actor, Perm.DEMAND_DECIDE)
    with transaction.atomic():
        demand = RecordingDemand.objects.select_for_update().filter(pk=demand_id).first()
        if demand is None:
            raise NotFound()
        if demand.status != DemandStatus.REGISTERED:
            raise Conflict(_("This demand has already been decided."), code="demand_decided")
        now = timezone.now()
        demand.status = DemandStatus.APPROVED if approve else DemandStatus.REJECTED
        demand.decided_by, demand.decided_at = actor, now  # type: ignore[assignment]
        if approve:
            demand.access_until = demand_access_until(decided_at=now, deadline=demand.deadline)
        demand.save()
        event = AuditEvent.DEMAND_APPROVE if approve else AuditEvent.DEMAND_REJECT
        audit_demand(actor=actor, event=event, ref=demand.pk, reason=_why(demand))
    return demand


def demand_is_urgent(demand: RecordingDemand) -> bool:
    """Not yet decided and its deadline is close (or passed): flagged on the list."""
    warn_from = demand.deadline - timedelta(days=settings.DEMAND_WARNING_DAYS)
    return demand.status == DemandStatus.REGISTERED and kz_today() >= warn_from


def demand_is_overdue(demand: RecordingDemand) -> bool:
    """Not yet decided and its deadline has passed: escalated on the supervisors' boards."""
    return demand.status == DemandStatus.REGISTERED and demand.deadline < kz_today()


def review_task_assign(*, actor: User | AnonymousUser, call_id: int, assignee: str) -> ReviewTask:
    """A supervisor asks a quality officer to review a call; they may listen while it is open."""
    require(actor, Perm.REVIEW_ASSIGN)
    assert isinstance(actor, User)
    officer = User.objects.filter(username=assignee, is_active=True, role=Role.QUALITY).first()
    if officer is None:
        raise FieldErrors(fields={"assignee": _("No active quality officer has this login.")})
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    with transaction.atomic():
        task = ReviewTask.objects.create(
            call=call, assignee=officer, assigned_by=actor, assigned_at=timezone.now()
        )
        audit_call(
            actor=actor,
            event=AuditEvent.REVIEW_ASSIGN,
            ref=call.pk,
            reason=f"review task {task.pk} for {officer.username}",
        )
    return task


def review_task_close(*, actor: User | AnonymousUser, task_id: int) -> ReviewTask:
    """The assignee (or one who assigns reviews: a supervisor) closes the task; listening ends
    with it."""
    with transaction.atomic():
        task = ReviewTask.objects.select_for_update().filter(pk=task_id).first()
        mine = task is not None and task.assignee_id == actor.pk
        if task is None or not (mine or has_perm(actor, Perm.REVIEW_ASSIGN)):
            raise NotFound()
        if task.closed_at is None:
            task.closed_at = timezone.now()
            task.save(update_fields=["closed_at"])
            audit_call(
                actor=actor,
                event=AuditEvent.REVIEW_CLOSE,
                ref=task.call_id,
                reason=f"review task {task.pk}",
            )
    return task
