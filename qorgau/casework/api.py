"""Case-work API: an appeal's internal notes and follow-ups, closing and handing over a
follow-up, and one's own open follow-ups. Thin: parse → access → action → answer, with the
same actions and checks as the pages."""

from __future__ import annotations

from typing import Any, Literal

from django.utils import timezone
from ninja import Router
from ninja import Status as HttpStatus

from qorgau.appeals.access import access_appeal
from qorgau.casework import actions
from qorgau.casework.access import (
    access_followup,
    access_followups,
    access_notes,
    access_task_list,
)
from qorgau.casework.models import FollowUp, Note
from qorgau.casework.schemas import (
    CancelIn,
    CompleteIn,
    FollowUpIn,
    FollowUpOut,
    NoteIn,
    NoteOut,
    ReassignIn,
)
from qorgau.core.api import StaffRequest, responses
from qorgau.core.roles import Perm
from qorgau.staff.models import User

router = Router(tags=["case work"])


def _note(n: Note) -> dict[str, Any]:
    return {"id": n.pk, "at": n.at, "by": n.by.username, "text": n.text}


def _followup(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "appeal": f.appeal.number,
        "kind": f.kind,
        "what": f.what,
        "due_at": f.due_at,
        "overdue": f.overdue(timezone.now()),
        "assignee": f.assignee.username,
        "created_by": f.created_by.username,
        "created_at": f.created_at,
        "done_at": f.done_at,
        "result": f.result,
        "cancelled_at": f.cancelled_at,
        "cancel_reason": f.cancel_reason,
    }


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


@router.get(
    "/appeals/{number}/notes",
    response=responses(list[NoteOut]),
    summary="The appeal's internal notes, newest first (audited)",
)
def notes(request: StaffRequest, number: str) -> list[dict[str, Any]]:
    appeal = access_appeal(request.user, number, then=Perm.CASE_NOTES)
    return [_note(n) for n in access_notes(request.user, appeal, reason="api")]


@router.post(
    "/appeals/{number}/notes",
    response=responses({201: NoteOut}),
    summary="Add an internal note (append-only: a correction is a new note)",
)
def note_add(request: StaffRequest, number: str, payload: NoteIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.CASE_NOTES)
    note = actions.note_add(actor=request.user, appeal=appeal, text=payload.text)
    return HttpStatus(201, _note(note))


@router.get(
    "/appeals/{number}/followups",
    response=responses(list[FollowUpOut]),
    summary="The appeal's follow-ups by due time (audited)",
)
def followups(request: StaffRequest, number: str) -> list[dict[str, Any]]:
    appeal = access_appeal(request.user, number, then=Perm.CASE_TASKS)
    return [_followup(f) for f in access_followups(request.user, appeal, reason="api")]


@router.post(
    "/appeals/{number}/followups",
    response=responses({201: FollowUpOut}),
    summary="Plan a task or a callback",
)
def followup_add(request: StaffRequest, number: str, payload: FollowUpIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.CASE_TASKS)
    created = actions.followup_create(
        actor=request.user,
        appeal=appeal,
        kind=payload.kind,
        what=payload.what,
        due_at=payload.due_at,
        assignee=_user(payload.assignee),
    )
    return HttpStatus(201, _followup(created))


@router.post(
    "/followups/{followup_id}/complete",
    response=responses(FollowUpOut, 409),
    summary="Mark a follow-up done (a callback needs its result)",
)
def complete(request: StaffRequest, followup_id: int, payload: CompleteIn) -> dict[str, Any]:
    found = access_followup(request.user, followup_id)
    done = actions.followup_complete(actor=request.user, followup=found, result=payload.result)
    return _followup(done)


@router.post(
    "/followups/{followup_id}/cancel",
    response=responses(FollowUpOut, 409),
    summary="Cancel a follow-up, saying why",
)
def cancel(request: StaffRequest, followup_id: int, payload: CancelIn) -> dict[str, Any]:
    found = access_followup(request.user, followup_id)
    cancelled = actions.followup_cancel(actor=request.user, followup=found, reason=payload.reason)
    return _followup(cancelled)


@router.post(
    "/followups/{followup_id}/reassign",
    response=responses(FollowUpOut, 409),
    summary="Hand a follow-up over (the assignee their own, a supervisor any)",
)
def reassign(request: StaffRequest, followup_id: int, payload: ReassignIn) -> dict[str, Any]:
    found = access_followup(request.user, followup_id)
    to = _user(payload.assignee)
    return _followup(actions.followup_reassign(actor=request.user, followup=found, to=to))


@router.get(
    "/followups/mine",
    response=responses(list[FollowUpOut]),
    summary="Open follow-ups by due time: one's own, or (a supervisor) everyone's (audited)",
)
def mine(
    request: StaffRequest, show: Literal["mine", "everyone", "unassigned"] = "mine"
) -> list[dict[str, Any]]:
    groups = access_task_list(
        request.user,
        now=timezone.now(),
        everyone=show == "everyone",
        unassigned=show == "unassigned",
        reason="api",
    )
    return [_followup(f) for f in groups.all]
