"""Calls API. `/cti`: the phone system reports call events and uploads recordings (its own
token). `/calls`, `/referral-bodies`, `/demands`, `/review-tasks`: staff (token or session) —
call outcomes (rules 6(n), 6(o)), the live board, the call search, written demands for
recordings (rule 6(p)) and quality reviews. Thin: parse → access → action → answer."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
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
from qorgau.calls.models import Call, RecordingDemand, ReferralBody, ReviewTask
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
from qorgau.calls.selectors import SEARCH_LIMIT, active_referral_bodies, live_board
from qorgau.core.access import require
from qorgau.core.api import PhoneSystemRequest, StaffRequest, responses
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm

router = Router(tags=["phone system"], auth=PhoneSystemAuth())
staff = Router(tags=["calls"])


@router.post(
    "/events",
    response=responses({202: CtiEventOut}),
    summary="One CTI event; idempotent by event_id, order-independent",
)
def event(request: PhoneSystemRequest, payload: CtiEventIn) -> HttpStatus:
    ingested = cti_event_ingest(system=request.auth, event=payload)
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
    response=responses({200: RecordingOut, 201: RecordingOut}, 409, 413),
    summary="The phone system uploads a call's recording (raw WAV, OGG or MP3 body)",
    description="`call_id` is the phone system's own call id. Stored encrypted with a checksum; "
    "the same audio again answers 200, different audio for the same call 409.",
)
def upload_recording(request: PhoneSystemRequest, call_id: str) -> HttpStatus:
    data = request.read(settings.RECORDING_MAX_BYTES + 1)
    if len(data) > settings.RECORDING_MAX_BYTES or not data:
        raise FieldErrors(fields={"body": _("Send the recording as the request body.")})
    recording, created = recording_upload(
        system=request.auth,
        call_id=call_id,
        content_type=request.content_type or "",
        data=data,
    )
    out = {"call": call_id, "size": recording.size, "sha256": recording.sha256, "created": created}
    return HttpStatus(201 if created else 200, out)


@staff.get(
    "/calls/board",
    response=responses(dict),
    summary="Supervisors' live board: lines, consultants, longest wait, calls per hour",
)
def board(request: StaffRequest) -> dict[str, Any]:
    require(request.user, Perm.CALL_BOARD)
    data = live_board()
    for line in data["lines"]:
        line["label"] = str(line["label"])
    return data


@staff.post(
    "/calls/search",
    response=responses(CallSearchOut),
    summary="Auditors and supervisors find calls to name in a written demand (rule 6(p))",
    description="Filters: Kazakhstan dates (both included), line, the caller's phone (matched "
    "by its blind index; every search by phone is audited), a linked appeal's number. Newest "
    f"first, at most {SEARCH_LIMIT}. The caller's phone is never in the answer.",
)
def search_calls(request: StaffRequest, payload: CallSearchIn) -> dict[str, Any]:
    found = access_call_search(request.user, **payload.model_dump())
    return {"calls": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT}


@staff.get("/calls/{int:pk}", response=responses(CallOut), summary="A call and its timeline")
def get_call(request: StaffRequest, pk: int) -> Call:
    return access_call(request.user, pk)


@staff.post(
    "/calls/{int:pk}/outcome",
    response=responses({201: CallOut}, 409),
    summary="Transfer to 1414 (rule 6(n)) or referral to a competent body (rule 6(o))",
)
def record_outcome(request: StaffRequest, pk: int, payload: OutcomeIn) -> HttpStatus:
    call_outcome_record(
        actor=request.user,
        call=access_call(request.user, pk),
        kind=payload.kind,
        note=payload.note,
        referral_body_id=payload.referral_body,
    )
    return HttpStatus(201, access_call(request.user, pk))


@staff.get(
    "/calls/{call_id}/recording",
    response=responses({200: None}, 409),
    summary="Download a recording: only a demand's recipient or the assigned quality officer",
    description="Here `call_id` is the centre's call id (`id` in the call's answers).",
)
def download_recording(request: StaffRequest, call_id: str) -> HttpResponse:
    if not call_id.isdigit() or len(call_id) > 18:
        raise NotFound()
    pk = int(call_id)
    recording = access_recording(request.user, pk)
    response = HttpResponse(recording_audio(recording), content_type=recording.content_type)
    extension = recording.content_type.rsplit("/", 1)[-1].replace("mpeg", "mp3")
    response["Content-Disposition"] = f'attachment; filename="call-{pk}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


@staff.get("/referral-bodies", response=responses(list[ReferralBodyOut]))
def referral_bodies(request: StaffRequest) -> QuerySet[ReferralBody]:
    """The referral directory (rule 6(o)), kept by administrators."""
    require(request.user, Perm.CALL_OUTCOME)
    return active_referral_bodies()


def _call_ids(text: str) -> list[int]:
    ids = re.split(r"[\s,;]+", text.strip())
    if not all(i.isdigit() and len(i) < 19 for i in ids):
        raise FieldErrors(fields={"calls": _("Give call numbers separated by commas.")})
    return [int(i) for i in ids]


@staff.post(
    "/demands",
    response=responses({201: DemandOut}, 413),
    summary="A ministry auditor registers a written demand for recordings (rule 6(p))",
)
def register_demand(
    request: StaffRequest, form: Form[DemandForm], scan: File[UploadedFile]
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
    return HttpStatus(201, release.demand_register(actor=request.user, data=data))


@staff.get("/demands", response=responses(list[DemandOut]), summary="Written demands")
def demands(request: StaffRequest) -> list[RecordingDemand]:
    return list(demands_visible(request.user))


@staff.post(
    "/demands/{int:demand_id}/decision",
    response=responses(DemandOut, 409),
    summary="A supervisor approves or rejects a written demand",
)
def decide_demand(request: StaffRequest, demand_id: int, payload: DecisionIn) -> RecordingDemand:
    return release.demand_decide(actor=request.user, demand_id=demand_id, approve=payload.approve)


@staff.post(
    "/review-tasks",
    response=responses({201: ReviewTaskOut}),
    summary="A supervisor assigns a call's quality review to a quality officer",
)
def assign_review(request: StaffRequest, payload: ReviewTaskIn) -> HttpStatus:
    task = release.review_task_assign(
        actor=request.user, call_id=payload.call, assignee=payload.assignee
    )
    return HttpStatus(201, task)


@staff.get("/review-tasks", response=responses(list[ReviewTaskOut]))
def my_reviews(request: StaffRequest) -> list[ReviewTask]:
    """The quality officer's open review tasks."""
    return list(review_tasks_of(request.user))


@staff.post("/review-tasks/{int:task_id}/close", response=responses(ReviewTaskOut))
def close_review(request: StaffRequest, task_id: int) -> ReviewTask:
    """Close a review task; listening to the call ends with it."""
    return release.review_task_close(actor=request.user, task_id=task_id)
