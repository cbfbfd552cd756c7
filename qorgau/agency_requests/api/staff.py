"""Agencies and requests API: the directory, routing proposals, preview and sending of requests
(rule 15), and their delivery status. Thin: parse → access → action → answer."""

import base64
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
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
    AgencyRequest,
    Letter,
    OutboundCall,
)
from qorgau.agency_requests.routing import Proposal, propose_agencies
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
    RequestShown,
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
from qorgau.core.api import Shown, StaffRequest, responses
from qorgau.core.files import file_response
from qorgau.core.roles import Perm

router = Router(tags=["agencies and requests"])


class AgencyFilters(BaseModel):
    region: str | None = Field(default=None, max_length=40)
    direction: int | None = Field(default=None, ge=1, le=13)
    kind: str | None = Field(default=None, max_length=20)


def requests_shown(
    request: StaffRequest, requests: list[AgencyRequest], *, reason: str
) -> list[Shown[AgencyRequest]]:
    """Requests of one appeal with their replies; the replies' texts are shown, and their view
    audited, only for roles that see personal data (access_texts)."""
    found = with_replies(requests)
    texts = bool(found) and access_texts(
        request.user, found[0].appeal, {"replies": reply_ids_with_text(found)}, reason=reason
    )
    return [request_shown(request, r, texts) for r in found]


def request_shown(
    request: StaffRequest, agency_request: AgencyRequest, texts: bool = False
) -> Shown[AgencyRequest]:
    content = access_request_content(request.user, agency_request, reason="api: request detail")
    return Shown(agency_request, RequestShown(content, texts))


@router.get("/agencies", response=responses(list[AgencyOut]), summary="Agency directory")
def agencies(request: StaffRequest, filters: Query[AgencyFilters]) -> list[Agency]:
    require(request.user, Perm.APPEAL_VIEW)
    found = active_agencies(
        region=filters.region, direction=filters.direction, kind=filters.kind
    ).prefetch_related("directions", "contacts")
    return list(found[:500])


@router.get(
    "/appeals/{number}/routing",
    response=responses(list[ProposalOut]),
    summary="Competent agencies proposed for an appeal",
)
def routing(request: StaffRequest, number: str) -> list[Proposal]:
    appeal = access_appeal(request.user, number)
    return propose_agencies(appeal)


@router.post(
    "/appeals/{number}/requests/preview",
    response=responses(PreviewOut),
    summary="Exactly what a request would carry, and what would be withheld",
)
def preview(request: StaffRequest, number: str, payload: RequestIn) -> dict[str, Any]:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    agency = chosen_agency(payload.agency)
    composition = access_request_preview(request.user, appeal, agency)
    return {
        "agency": agency,
        "content": composition.content,
        "withheld": composition.withheld,
    }


@router.post(
    "/appeals/{number}/requests",
    response=responses({201: RequestOut}, 409),
    summary="Send a request to an agency",
)
def send(request: StaffRequest, number: str, payload: RequestIn) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    sent = request_send(
        actor=request.user,
        appeal=appeal,
        agency=chosen_agency(payload.agency),
        reason=payload.reason,
    )
    return HttpStatus(201, request_shown(request, sent))


@router.get(
    "/appeals/{number}/requests",
    response=responses(list[RequestOut]),
    summary="Requests sent about an appeal",
)
def appeal_requests(request: StaffRequest, number: str) -> list[Shown[AgencyRequest]]:
    appeal = access_appeal(request.user, number)
    found = requests_about(appeal)
    return requests_shown(request, list(found), reason="api: requests of an appeal")


@router.get(
    "/requests/{request_id}",
    response=responses(RequestOut),
    summary="One request and its deliveries",
)
def get_request(request: StaffRequest, request_id: int) -> Shown[AgencyRequest]:
    found = [access_request(request.user, request_id)]
    return requests_shown(request, found, reason="api: request detail")[0]


@router.post(
    "/appeals/{number}/letters",
    response=responses({201: CorrespondenceOut}),
    summary="Write an outgoing letter (masked under the disclosure policy)",
)
def write_letter(request: StaffRequest, number: str, payload: LetterIn) -> HttpStatus:
    fields = payload.model_dump(include={"language", "subject", "body"})
    return _correspondence_add(request, number, letter_write, payload.agency, fields)


@router.post(
    "/appeals/{number}/letters/incoming",
    response=responses({201: CorrespondenceOut}),
    summary="Register an incoming letter with its scan",
)
def receive_letter(request: StaffRequest, number: str, payload: IncomingLetterIn) -> HttpStatus:
    fields = payload.model_dump(include={"subject", "scan_name", "note"})
    fields["scan"] = decoded_base64(payload.scan_base64, "scan_base64")
    return _correspondence_add(request, number, letter_receive, payload.agency, fields)


@router.post(
    "/appeals/{number}/calls",
    response=responses({201: CorrespondenceOut}),
    summary="Log an outbound call to an agency",
)
def log_call(request: StaffRequest, number: str, payload: CallIn) -> HttpStatus:
    fields = payload.model_dump(include={"number", "summary", "result"})
    return _correspondence_add(request, number, call_log, payload.agency, fields)


def _correspondence_add(
    request: StaffRequest,
    number: str,
    action: Callable[..., Letter | OutboundCall],
    agency: int,
    fields: dict[str, Any],
) -> HttpStatus:
    """A letter or an outbound call on the appeal's timeline, by one of the letters actions."""
    appeal = access_appeal(request.user, number, then=Perm.REQUEST_SEND)
    item = action(actor=request.user, appeal=appeal, agency=chosen_agency(agency), **fields)
    return HttpStatus(201, Shown(item, True))


@router.get(
    "/appeals/{number}/correspondence",
    response=responses(list[CorrespondenceOut]),
    summary="Letters and outbound calls of an appeal, oldest first",
)
def correspondence(request: StaffRequest, number: str) -> list[Shown[Letter | OutboundCall]]:
    appeal = access_appeal(request.user, number)
    found = appeal_correspondence(appeal)
    shown = {"letters": found.with_text()["letters"], "calls": found.with_text()["calls"]}
    texts = access_texts(request.user, appeal, shown, reason="api: correspondence")
    items: list[Letter | OutboundCall] = [*found.letters, *found.calls]
    return [Shown(i, texts) for i in sorted(items, key=lambda i: i.at)]


@router.get(
    "/letters/{letter_id}/pdf",
    response=responses({200: None}),
    summary="An outgoing letter as PDF (personal-data roles; the view is audited)",
)
def letter_download(request: StaffRequest, letter_id: int) -> HttpResponse:
    letter = access_letter(request.user, letter_id, part="pdf")
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    return response


@router.get(
    "/requests/{request_id}/attachments/{attachment_id}",
    response=responses({200: None}),
    summary="A file an agency sent with its answer (personal-data roles; the view is audited)",
)
def reply_attachment(request: StaffRequest, request_id: int, attachment_id: int) -> HttpResponse:
    found = access_reply_attachment(request.user, request_id, attachment_id)
    return file_response(
        attachment_bytes(found), found.content_type, found.name, f"reply-file-{found.pk}"
    )


@router.get(
    "/letters/{letter_id}/scan",
    response=responses({200: None}),
    summary="The scan of an incoming letter (personal-data roles; the view is audited)",
)
def letter_scan(request: StaffRequest, letter_id: int) -> HttpResponse:
    letter = access_letter(request.user, letter_id, part="scan")
    data = base64.b64decode(letter.scan)
    return file_response(data, "application/octet-stream", letter.scan_name, f"scan-{letter.pk}")
