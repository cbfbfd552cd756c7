"""The agency side of the API (/api/v1/agency): an officer's own agency's requests and their
replies (rule 13). Another agency's request answers 404 as if it did not exist."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from qorgau.agency_requests.access import (
    access_agency_request,
    agency_heads,
    agency_request_content,
    agency_requests,
    chosen_agency,
    chosen_head,
)
from qorgau.agency_requests.actions import replies as act
from qorgau.agency_requests.models import AgencyReply, AgencyRequest, ReplyKind
from qorgau.agency_requests.schemas import (
    AgencyHeadOut,
    AgencyRequestOut,
    AnswerIn,
    AttachmentIn,
    ClarificationIn,
    ConfirmIn,
    ExtensionIn,
    PassOnIn,
    decoded_base64,
)
from qorgau.core.schemas import ErrorOut
from qorgau.staff.auth import request_user

router = Router(tags=["agency side"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
KIND_LABELS = dict(ReplyKind.choices)


def reply_out(reply: AgencyReply) -> dict[str, Any]:
    return {
        "kind": reply.kind,
        "kind_label": str(KIND_LABELS[reply.kind]),
        "text": reply.text,
        "by": reply.by.username,
        "at": reply.at,
        "extended_until": reply.extended_until,
        "decided_by": reply.decided_by.username if reply.decided_by else None,
        "attachments": [
            {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in reply.attachments.all()
        ],
    }


def agency_request_out(
    content: dict[str, Any] | None, agency_request: AgencyRequest
) -> dict[str, Any]:
    replies = agency_request.replies.select_related("by", "decided_by").prefetch_related(
        "attachments"
    )
    return {
        "id": agency_request.pk,
        "appeal": agency_request.appeal.number,
        "urgent": agency_request.urgent,
        "status": agency_request.status,
        "received_at": agency_request.delivered_at,
        "acknowledged_at": agency_request.acknowledged_at,
        "confirm_due_at": agency_request.confirm_due_at,
        "answer_due_at": agency_request.answer_due_at,
        "pass_on_due_at": agency_request.pass_on_due_at,
        "content": content,
        "replies": [reply_out(r) for r in replies],
    }


def _detail(request: HttpRequest, request_id: int) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    return agency_request_out(agency_request_content(request.user, found), found)


@router.get(
    "/requests",
    response={200: list[AgencyRequestOut], **ERRORS},
    summary="Requests addressed to my agency",
)
def my_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [agency_request_out(None, r) for r in agency_requests(request.user)[:200]]


@router.get(
    "/requests/{request_id}",
    response={200: AgencyRequestOut, **ERRORS},
    summary="One request with what was sent (the view is audited)",
)
def my_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _detail(request, request_id)


@router.post("/requests/{request_id}/acknowledge", response={200: AgencyRequestOut, **ERRORS})
def acknowledge(request: HttpRequest, request_id: int) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_acknowledge(actor=request_user(request), agency_request=found)
    return _detail(request, request_id)


@router.post(
    "/requests/{request_id}/confirmation",
    response={200: AgencyRequestOut, **ERRORS},
    summary="Confirmed or not, with the initial measures (rule 13)",
)
def confirm(request: HttpRequest, request_id: int, payload: ConfirmIn) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_confirm(
        actor=request_user(request),
        agency_request=found,
        confirmed=payload.confirmed,
        measures=payload.measures,
    )
    return _detail(request, request_id)


@router.post("/requests/{request_id}/clarification", response={200: AgencyRequestOut, **ERRORS})
def clarification(
    request: HttpRequest, request_id: int, payload: ClarificationIn
) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_ask_clarification(
        actor=request_user(request), agency_request=found, question=payload.question
    )
    return _detail(request, request_id)


@router.get(
    "/heads",
    response={200: list[AgencyHeadOut], **ERRORS},
    summary="My agency's head and deputy heads, who decide extensions (rule 11)",
)
def heads(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {"username": h.username, "name": h.get_full_name() or h.username}
        for h in agency_heads(request.user)
    ]


@router.post(
    "/requests/{request_id}/extension",
    response={200: AgencyRequestOut, **ERRORS},
    summary="Extend the answer term on the decision of the head or a deputy head (rule 11)",
)
def extension(request: HttpRequest, request_id: int, payload: ExtensionIn) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_extend(
        actor=request_user(request),
        agency_request=found,
        until=payload.until,
        reason=payload.reason,
        decided_by=chosen_head(request.user, payload.decided_by),
        decision=_attachment(payload.decision, "decision") if payload.decision else None,
    )
    return _detail(request, request_id)


@router.post(
    "/requests/{request_id}/pass-on",
    response={200: AgencyRequestOut, **ERRORS},
    summary="Pass the request on to the competent body",
)
def pass_on(request: HttpRequest, request_id: int, payload: PassOnIn) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_pass_on(
        actor=request_user(request),
        agency_request=found,
        to=chosen_agency(payload.agency),
        reason=payload.reason,
    )
    return _detail(request, request_id)


def _attachment(file: AttachmentIn, field: str) -> act.Attachment:
    return act.Attachment(file.name, file.content_type, decoded_base64(file.data_base64, field))


def _attachments(payload: AnswerIn) -> list[act.Attachment]:
    return [_attachment(a, "attachments") for a in payload.attachments]


@router.post(
    "/requests/{request_id}/answer",
    response={200: AgencyRequestOut, **ERRORS},
    summary="The final answer, with attachments",
)
def answer(request: HttpRequest, request_id: int, payload: AnswerIn) -> dict[str, Any]:
    found = access_agency_request(request.user, request_id)
    act.request_answer(
        actor=request_user(request),
        agency_request=found,
        text=payload.text,
        attachments=_attachments(payload),
    )
    return _detail(request, request_id)
