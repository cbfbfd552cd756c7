"""The agency side of the API (/api/v1/agency): an officer's own agency's requests and their
replies (rule 13). Another agency's request answers 404 as if it did not exist."""

from ninja import Body, Router

from qorgau.agency_requests.access import (
    access_agency_request,
    agency_heads,
    agency_request_content,
    agency_requests,
    chosen_agency,
    chosen_head,
)
from qorgau.agency_requests.actions import replies as act
from qorgau.agency_requests.models import AgencyRequest
from qorgau.agency_requests.schemas import (
    AcknowledgeIn,
    AgencyHeadOut,
    AgencyRequestOut,
    AnswerIn,
    AttachmentIn,
    ClarificationIn,
    ConfirmIn,
    ExtensionIn,
    PassOnIn,
    ReplyIn,
    decoded_base64,
)
from qorgau.core.api import Shown, StaffRequest, responses
from qorgau.staff.models import User

router = Router(tags=["agency side"])


def _detail(request: StaffRequest, request_id: int) -> Shown[AgencyRequest]:
    """The request with what was sent, for its agency's officer (the view is audited)."""
    found = access_agency_request(request.user, request_id)
    return Shown(found, agency_request_content(request.user, found))


@router.get(
    "/requests",
    response=responses(list[AgencyRequestOut]),
    summary="Requests addressed to my agency",
)
def my_requests(request: StaffRequest) -> list[Shown[AgencyRequest]]:
    return [Shown(r) for r in agency_requests(request.user)[:200]]


@router.get(
    "/requests/{request_id}",
    response=responses(AgencyRequestOut),
    summary="One request with what was sent (the view is audited)",
)
def my_request(request: StaffRequest, request_id: int) -> Shown[AgencyRequest]:
    return _detail(request, request_id)


@router.get(
    "/heads",
    response=responses(list[AgencyHeadOut]),
    summary="My agency's head and deputy heads, who decide extensions (rule 11)",
)
def heads(request: StaffRequest) -> list[User]:
    return list(agency_heads(request.user))


def _attachment(file: AttachmentIn, field: str) -> act.Attachment:
    return act.Attachment(file.name, file.content_type, decoded_base64(file.data_base64, field))


def _reply(request: StaffRequest, found: AgencyRequest, payload: ReplyIn) -> None:
    """The action of the reply's kind (actions/replies.py), as the portal's pages call them."""
    actor = request.user
    match payload:
        case AcknowledgeIn():
            act.request_acknowledge(actor=actor, agency_request=found)
        case ConfirmIn():
            act.request_confirm(
                actor=actor,
                agency_request=found,
                confirmed=payload.confirmed,
                measures=payload.measures,
            )
        case ClarificationIn():
            act.request_ask_clarification(
                actor=actor, agency_request=found, question=payload.question
            )
        case ExtensionIn():
            act.request_extend(
                actor=actor,
                agency_request=found,
                until=payload.until,
                reason=payload.reason,
                decided_by=chosen_head(request.user, payload.decided_by),
                decision=_attachment(payload.decision, "decision") if payload.decision else None,
            )
        case PassOnIn():
            act.request_pass_on(
                actor=actor,
                agency_request=found,
                to=chosen_agency(payload.agency),
                reason=payload.reason,
            )
        case AnswerIn():
            act.request_answer(
                actor=actor,
                agency_request=found,
                text=payload.text,
                attachments=[_attachment(a, "attachments") for a in payload.attachments],
            )


@router.post(
    "/requests/{request_id}/replies",
    response=responses(AgencyRequestOut, 409),
    summary="Reply to a request: acknowledge, confirm, clarify, extend, pass on or answer",
    description="`kind` chooses the reply and the fields it takes (rules 11 and 13). Answers "
    "the request as it now stands; a reply to a closed request answers 409 `request_closed`.",
)
def reply(request: StaffRequest, request_id: int, payload: Body[ReplyIn]) -> Shown[AgencyRequest]:
    found = access_agency_request(request.user, request_id)
    _reply(request, found, payload)
    return _detail(request, request_id)
