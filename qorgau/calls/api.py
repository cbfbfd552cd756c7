"""Calls API. `/cti`: the phone system reports call events and uploads recordings (its own
token). `/calls`, `/referral-bodies`, `/demands`, `/review-tasks`: staff (token or session) —
call outcomes (rules 6(n), 6(o)), the live board, the call search, written demands for
recordings (rule 6(p)) and quality reviews. Thin: parse → access → action → answer."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from qorgau.calls import release
from qorgau.calls.access import (
    access_call,
    access_call_search,
    access_recording,
    demands_visible,
    review_tasks_of,
)
from qorgau.calls.actions import call_outcome_record, cti_event_ingest
from qorgau.calls.auth import PhoneSystemAuth
from qorgau.calls.models import Call, RecordingDemand, ReviewTask
from qorgau.calls.recordings import recording_audio, recording_upload
from qorgau.calls.schemas import (
    CallOut,
    CallSearchIn,
    CallSearchOut,
    CtiEventIn,
    CtiEventOut,
    DecisionIn,
    DemandForm,
    DemandOut,
    OutcomeIn,
    RecordingOut,
    ReferralBodyOut,
    ReviewTaskIn,
    ReviewTaskOut,
)
from qorgau.calls.selectors import SEARCH_LIMIT, active_referral_bodies, call_timeline, live_board
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm
from qorgau.core.schemas import ErrorOut

router = Router(tags=["phone system"], auth=PhoneSystemAuth())
staff = Router(tags=["calls"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/events",
    response={202: CtiEventOut, 401: ErrorOut, 422: ErrorOut},
    summary="One CTI event; idempotent by event_id, order-independent",
)
def event(request: HttpRequest, payload: CtiEventIn) -> HttpStatus:
    ingested = cti_event_ingest(system=request.auth, event=payload)  # type: ignore[attr-defined]
    return HttpStatus(
        202,
        {
            "call": ingested.call.call_id,
            "state": ingested.call.state,
            "duplicate": ingested.duplicate,
        },
    )


@staff.put(
    "/calls/{call_id}/recording",
    auth=PhoneSystemAuth(),
    response={200: RecordingOut, 201: RecordingOut, 413: ErrorOut, **ERRORS},
    summary="The phone system uploads a call's recording (raw WAV, OGG or MP3 body)",
    description="`call_id` is the phone system's own call id. Stored encrypted with a checksum; "
    "the same audio again answers 200, different audio for the same call 409.",
)
def upload_recording(request: HttpRequest, call_id: str) -> HttpStatus:
    data = request.read(settings.RECORDING_MAX_BYTES + 1)
    if len(data) > settings.RECORDING_MAX_BYTES or not data:
        raise FieldErrors(fields={"body": _("Send the recording as the request body.")})
    recording, created = recording_upload(
        system=request.auth,  # type: ignore[attr-defined]
        call_id=call_id,
        content_type=request.content_type or "",
        data=data,
    )
    out = {"call": call_id, "size": recording.size, "sha256": recording.sha256, "created": created}
    return HttpStatus(201 if created else 200, out)


@staff.get(
    "/calls/board",
    response={200: dict, **ERRORS},
    summary="Supervisors' live board: lines, consultants, longest wait, calls per hour",
)
def board(request: HttpRequest) -> dict[str, Any]:
    require(request.user, Perm.CALL_BOARD)
    data = live_board()
    for line in data["lines"]:
        line["label"] = str(line["label"])
    return data


@staff.post(
    "/calls/search",
    response={200: CallSearchOut, **ERRORS},
    summary="Auditors and supervisors find calls to name in a written demand (rule 6(p))",
    description="Filters: Kazakhstan dates (both included), line, the caller's phone (matched "
    "by its blind index; every search by phone is audited), a linked appeal's number. Newest "
    f"first, at most {SEARCH_LIMIT}. The caller's phone is never in the answer.",
)
def search_calls(request: HttpRequest, payload: CallSearchIn) -> dict[str, Any]:
    found = access_call_search(request.user, **payload.model_dump())
    return {"calls": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT}


CALL_FIELDS = ["call_id", "line", "state", "extension", "started_at", "answered_at", "ended_at"]
CALL_FIELDS += ["hangup_cause", "transferred_to"]


def call_out(call: Call) -> dict[str, Any]:
    outcome = getattr(call, "outcome", None)
    return {
        **{f: getattr(call, f) for f in CALL_FIELDS},
        "id": call.pk,
        "appeal": call.appeal.number if call.appeal else None,
        "has_recording": hasattr(call, "recording") and call.recording.deleted_at is None,
        "timeline": [vars(p) for p in call_timeline(call)],
        "outcome": outcome
        and {
            "kind": outcome.kind,
            "note": outcome.note,
            "referral_body": outcome.referral_body_id,
            "referral_body_name": outcome.referral_body.name if outcome.referral_body else "",
            "by": outcome.by.username,
            "at": outcome.at,
        },
    }


@staff.get("/calls/{int:pk}", response={200: CallOut, **ERRORS}, summary="A call and its timeline")
def get_call(request: HttpRequest, pk: int) -> dict[str, Any]:
    return call_out(access_call(request.user, pk))


@staff.post(
    "/calls/{int:pk}/outcome",
    response={201: CallOut, **ERRORS},
    summary="Transfer to 1414 (rule 6(n)) or referral to a competent body (rule 6(o))",
)
def record_outcome(request: HttpRequest, pk: int, payload: OutcomeIn) -> HttpStatus:
    call_outcome_record(
        actor=request.user,
        call=access_call(request.user, pk),
        kind=payload.kind,
        note=payload.note,
        referral_body_id=payload.referral_body,
    )
    return HttpStatus(201, call_out(access_call(request.user, pk)))


@staff.get(
    "/calls/{call_id}/recording",
    response={200: None, **ERRORS},
    summary="Download a recording: only a demand's recipient or the assigned quality officer",
    description="Here `call_id` is the centre's call id (`id` in the call's answers).",
)
def download_recording(request: HttpRequest, call_id: str) -> HttpResponse:
    if not call_id.isdigit() or len(call_id) > 18:
        raise NotFound()
    pk = int(call_id)
    recording = access_recording(request.user, pk)
    response = HttpResponse(recording_audio(recording), content_type=recording.content_type)
    extension = recording.content_type.rsplit("/", 1)[-1].replace("mpeg", "mp3")
    response["Content-Disposition"] = f'attachment; filename="call-{pk}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@staff.get("/referral-bodies", response={200: list[ReferralBodyOut], **ERRORS})
def referral_bodies(request: HttpRequest) -> list[dict[str, Any]]:
    """The referral directory (rule 6(o)), kept by administrators."""
    require(request.user, Perm.CALL_OUTCOME)
    return [
        {"id": b.pk, "name": b.name, "handles": b.handles, "contacts": b.contacts}
        for b in active_referral_bodies()
    ]


def demand_out(demand: RecordingDemand) -> dict[str, Any]:
    return {
        **{f: getattr(demand, f) for f in ("number", "dated", "signer", "deadline", "status")},
        "id": demand.pk,
        "calls": sorted(c.pk for c in demand.calls.all()),
        "recipient": demand.recipient.username,
        "access_until": demand.access_until,
        "near_deadline": release.demand_is_urgent(demand),
        "overdue": release.demand_is_overdue(demand),
    }


def _call_ids(text: str) -> list[int]:
    ids = re.split(r"[\s,;]+", text.strip())
    if not all(i.isdigit() and len(i) < 19 for i in ids):
        raise FieldErrors(fields={"calls": _("Give call numbers separated by commas.")})
    return [int(i) for i in ids]


@staff.post(
    "/demands",
    response={201: DemandOut, 413: ErrorOut, **ERRORS},
    summary="A ministry auditor registers a written demand for recordings (rule 6(p))",
)
def register_demand(
    request: HttpRequest, form: Form[DemandForm], scan: File[UploadedFile]
) -> HttpStatus:
    data = release.DemandIn(
        number=form.number,
        dated=form.dated,
        signer=form.signer,
        deadline=form.deadline,
        call_ids=_call_ids(form.calls),
        recipient=form.recipient,
        scan=scan.read(settings.SCAN_MAX_BYTES),
        scan_name=scan.name or "scan",
    )
    return HttpStatus(201, demand_out(release.demand_register(actor=request.user, data=data)))


@staff.get("/demands", response={200: list[DemandOut], **ERRORS}, summary="Written demands")
def demands(request: HttpRequest) -> list[dict[str, Any]]:
    return [demand_out(d) for d in demands_visible(request.user)]


@staff.post(
    "/demands/{int:demand_id}/decision",
    response={200: DemandOut, **ERRORS},
    summary="A supervisor approves or rejects a written demand",
)
def decide_demand(request: HttpRequest, demand_id: int, payload: DecisionIn) -> dict[str, Any]:
    demand = release.demand_decide(actor=request.user, demand_id=demand_id, approve=payload.approve)
    return demand_out(demand)


def task_out(task: ReviewTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "call": task.call_id,
        "assignee": task.assignee.username,
        "assigned_at": task.assigned_at,
        "closed_at": task.closed_at,
    }


@staff.post(
    "/review-tasks",
    response={201: ReviewTaskOut, **ERRORS},
    summary="A supervisor assigns a call's quality review to a quality officer",
)
def assign_review(request: HttpRequest, payload: ReviewTaskIn) -> HttpStatus:
    task = release.review_task_assign(
        actor=request.user, call_id=payload.call, assignee=payload.assignee
    )
    return HttpStatus(201, task_out(task))


@staff.get("/review-tasks", response={200: list[ReviewTaskOut], **ERRORS})
def my_reviews(request: HttpRequest) -> list[dict[str, Any]]:
    """The quality officer's open review tasks."""
    return [task_out(t) for t in review_tasks_of(request.user)]


@staff.post("/review-tasks/{int:task_id}/close", response={200: ReviewTaskOut, **ERRORS})
def close_review(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """Close a review task; listening to the call ends with it."""
    return task_out(release.review_task_close(actor=request.user, task_id=task_id))
