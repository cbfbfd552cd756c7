"""Agencies and requests API: the directory, routing proposals, preview and sending of requests
(rule 15), and their delivery status. Thin: parse → access → action → answer."""

import base64
from pathlib import PurePath
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja import Status as HttpStatus
from pydantic import BaseModel, Field

from qorgau.agencies.models import Agency
from qorgau.agency_requests.access import (
    access_letter,
    access_reply_attachment,
    access_request,
    access_request_content,
    access_request_preview,
    access_texts,
    chosen_agency,
)
from qorgau.agency_requests.actions.letters import call_log, letter_receive, letter_write
from qorgau.agency_requests.actions.replies import attachment_bytes
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.letter_pdf import letter_pdf
from qorgau.agency_requests.models import (
    AgencyReply,
    AgencyRequest,
    Letter,
    OutboundCall,
    ReplyKind,
)
from qorgau.agency_requests.routing import propose_agencies
from qorgau.agency_requests.schemas import (
    AgencyOut,
    CallIn,
    CorrespondenceOut,
    IncomingLetterIn,
    LetterIn,
    PreviewOut,
    ProposalOut,
    RequestIn,
    RequestOut,
    decoded_base64,
)
from qorgau.agency_requests.selectors import (
    active_agencies,
    appeal_correspondence,
    reply_ids_with_text,
    requests_about,
    with_replies,
)
from qorgau.appeals.access import access_appeal
from qorgau.core.access import require
from qorgau.core.roles import Perm
from qorgau.core.schemas import ErrorOut
from qorgau.staff.auth import request_user

router = Router(tags=["agencies and requests"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AgencyFilters(BaseModel):
    region: str | None = Field(default=None, max_length=40)
    direction: int | None = Field(default=None, ge=1, le=13)
    kind: str | None = Field(default=None, max_length=20)


def agency_out(agency: Agency) -> dict[str, Any]:
    return {
        "id": agency.pk,
        "key": agency.key,
        "kind": agency.kind,
        "name": agency.name,
        "region": agency.region.code if agency.region else None,
        "directions": sorted(int(d.code) for d in agency.directions.all()),
        "round_the_clock": agency.round_the_clock,
        "schedule": agency.schedule,
        "channels": sorted({c.channel for c in agency.contacts.all() if c.active}),
    }


def reply_out(reply: AgencyReply, texts: bool) -> dict[str, Any]:
    """A reply for the centre's staff: its text and files only when `texts` (rule 5)."""
    files = list(reply.attachments.all())
    return {
        "id": reply.pk,
        "kind": reply.kind,
        "kind_label": str(ReplyKind(reply.kind).label),
        "at": reply.at,
        "extended_until": reply.extended_until,
        "text": reply.text if texts else None,
        "attachments": [
            {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in files
        ]
        if texts
        else None,
        "attachment_count": len(files),
    }


def requests_out(
    request: HttpRequest, requests: list[AgencyRequest], *, reason: str
) -> list[dict[str, Any]]:
    """Requests of one appeal with their replies; the replies' texts are shown, and their view
    audited, only for roles that see personal data (access_texts)."""
    found = with_replies(requests)
    texts = bool(found) and access_texts(
        request.user, found[0].appeal, {"replies": reply_ids_with_text(found)}, reason=reason
    )
    return [request_out(request, r, texts) for r in found]


def request_out(
    request: HttpRequest, agency_request: AgencyRequest, texts: bool = False
) -> dict[str, Any]:
    content = access_request_content(request.user, agency_request, reason="api: request detail")
    return {
        "id": agency_request.pk,
        "appeal": agency_request.appeal.number,
        "agency": agency_out(agency_request.agency),
        "urgent": agency_request.urgent,
        "status": agency_request.status,
        "proposed": agency_request.proposed,
        "choice_reason": agency_request.choice_reason,
        "created_at": agency_request.created_at,
        "delivered_at": agency_request.delivered_at,
        "withheld": agency_request.withheld,
        "content": content,
        "deliveries": list(
            agency_request.deliveries.values(
                "channel", "status", "due_at", "attempts", "delivered_at", "last_error"
            )
        ),
        "replies": [reply_out(r, texts) for r in agency_request.replies.all()],
    }


@router.get("/agencies", response={200: list[AgencyOut], **ERRORS}, summary="Agency directory")
def agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> list[dict[str, Any]]:
    require(request.user, Perm.APPEAL_VIEW)
    found = active_agencies(
        region=filters.region, direction=filters.direction, kind=filters.kind
    ).prefetch_related("directions", "contacts")
    return [agency_out(a) for a in found[:500]]


@router.get(
    "/appeals/{number}/routing",
    response={200: list[ProposalOut], **ERRORS},
    summary="Competent agencies proposed for an appeal",
)
def routing(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    appeal = access_appeal(request.user, number)
    return [{"agency": agency_out(p.agency), "why": str(p.why)} for p in propose_agencies(appeal)]


@router.post(
    "/appeals/{number}/requests/preview",
    response={200: PreviewOut, **ERRORS},
    summary="Exactly what a request would carry, and what would be withheld",
)
def preview(request: HttpRequest, number: str, payload: RequestIn) -> dict[str, Any]:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    agency = chosen_agency(payload.agency)
    composition = access_request_preview(request.user, appeal, agency)
    return {
        "agency": agency_out(agency),
        "content": composition.content,
        "withheld": composition.withheld,
    }


@router.post(
    "/appeals/{number}/requests",
    response={201: RequestOut, **ERRORS},
    summary="Send a request to an agency",
)
def send(request: HttpRequest, number: str, payload: RequestIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    sent = request_send(
        actor=request_user(request),
        appeal=appeal,
        agency=chosen_agency(payload.agency),
        reason=payload.reason,
    )
    return HttpStatus(201, request_out(request, sent))


@router.get(
    "/appeals/{number}/requests",
    response={200: list[RequestOut], **ERRORS},
    summary="Requests sent about an appeal",
)
def appeal_requests(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    appeal = access_appeal(request.user, number)
    found = requests_about(appeal)
    return requests_out(request, list(found), reason="api: requests of an appeal")


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut, **ERRORS},
    summary="One request and its deliveries",
)
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    found = [access_request(request.user, request_id)]
    return requests_out(request, found, reason="api: request detail")[0]


def correspondence_out(item: Letter | OutboundCall, personal: bool) -> dict[str, Any]:
    if isinstance(item, Letter):
        return {
            "kind": item.direction,
            "id": item.pk,
            "at": item.at,
            "agency": item.agency.name,
            "by": item.by.username,
            "subject": item.subject,
            "text": item.body if personal else None,
            "has_scan": bool(item.scan_name),
        }
    return {
        "kind": "call",
        "id": item.pk,
        "at": item.at,
        "agency": item.agency.name,
        "by": item.by.username,
        "subject": item.number,
        "text": item.summary if personal else None,
        "result": item.result,
    }


@router.post(
    "/appeals/{number}/letters",
    response={201: CorrespondenceOut, **ERRORS},
    summary="Write an outgoing letter (masked under the disclosure policy)",
)
def write_letter(request: HttpRequest, number: str, payload: LetterIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    letter = letter_write(
        actor=request_user(request),
        appeal=appeal,
        agency=chosen_agency(payload.agency),
        language=payload.language,
        subject=payload.subject,
        body=payload.body,
    )
    return HttpStatus(201, correspondence_out(letter, personal=True))


@router.post(
    "/appeals/{number}/letters/incoming",
    response={201: CorrespondenceOut, **ERRORS},
    summary="Register an incoming letter with its scan",
)
def receive_letter(request: HttpRequest, number: str, payload: IncomingLetterIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    letter = letter_receive(
        actor=request_user(request),
        appeal=appeal,
        agency=chosen_agency(payload.agency),
        subject=payload.subject,
        scan_name=payload.scan_name,
        scan=decoded_base64(payload.scan_base64, "scan_base64"),
        note=payload.note,
    )
    return HttpStatus(201, correspondence_out(letter, personal=True))


@router.post(
    "/appeals/{number}/calls",
    response={201: CorrespondenceOut, **ERRORS},
    summary="Log an outbound call to an agency",
)
def log_call(request: HttpRequest, number: str, payload: CallIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    call = call_log(
        actor=request_user(request),
        appeal=appeal,
        agency=chosen_agency(payload.agency),
        number=payload.number,
        summary=payload.summary,
        result=payload.result,
    )
    return HttpStatus(201, correspondence_out(call, personal=True))


@router.get(
    "/appeals/{number}/correspondence",
    response={200: list[CorrespondenceOut], **ERRORS},
    summary="Letters and outbound calls of an appeal, oldest first",
)
def correspondence(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    appeal = access_appeal(request.user, number)
    found = appeal_correspondence(appeal)
    shown = {"letters": found.with_text()["letters"], "calls": found.with_text()["calls"]}
    texts = access_texts(request.user, appeal, shown, reason="api: correspondence")
    items: list[Letter | OutboundCall] = [*found.letters, *found.calls]
    return [correspondence_out(i, texts) for i in sorted(items, key=lambda i: i.at)]


@router.get(
    "/letters/{letter_id}/pdf",
    response={200: None, **ERRORS},
    summary="An outgoing letter as PDF (personal-data roles; the view is audited)",
)
def letter_download(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = access_letter(request.user, letter_id, part="pdf")
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    return response


def file_response(data: bytes, content_type: str, name: str, stem: str) -> HttpResponse:
    """A stored file as a download, never rendered by the browser; the name keeps only a safe
    extension (names may carry personal data and stay out of headers that proxies log)."""
    suffix = PurePath(name).suffix.lower()
    extension = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{stem}{extension}"'
    return response


@router.get(
    "/requests/{request_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="A file an agency sent with its answer (personal-data roles; the view is audited)",
)
def reply_attachment(request: HttpRequest, request_id: int, attachment_id: int) -> HttpResponse:
    found = access_reply_attachment(request.user, request_id, attachment_id)
    return file_response(
        attachment_bytes(found), found.content_type, found.name, f"reply-file-{found.pk}"
    )


@router.get(
    "/letters/{letter_id}/scan",
    response={200: None, **ERRORS},
    summary="The scan of an incoming letter (personal-data roles; the view is audited)",
)
def letter_scan(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = access_letter(request.user, letter_id, part="scan")
    data = base64.b64decode(letter.scan)
    return file_response(data, "application/octet-stream", letter.scan_name, f"scan-{letter.pk}")
