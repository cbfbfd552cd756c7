"""Appeals API (/api/v1/appeals): thin handlers — parse, access, act, answer."""

from django.http import HttpRequest
from ninja import Header, Query, Router
from ninja import Status as HttpStatus

from qorgau.appeals.access import access_appeal, access_personal_data, access_personal_text
from qorgau.appeals.actions import appeal_lower_urgency, appeal_register, appeal_transition
from qorgau.appeals.models import Appeal, Status
from qorgau.appeals.schemas import (
    AppealFilters,
    AppealIn,
    AppealListItem,
    AppealOut,
    AppealPage,
    HistoryItem,
    RegisteredOut,
    TransitionIn,
    UrgencyLowerIn,
)
from qorgau.appeals.selectors import appeals_filtered
from qorgau.core.access import require
from qorgau.core.roles import Perm, has_perm
from qorgau.core.schemas import ErrorOut
from qorgau.staff.auth import request_user

router = Router(tags=["appeals"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def appeal_list_item(appeal: Appeal) -> dict[str, object]:
    return {
        "number": appeal.number,
        "status": appeal.status,
        "status_label": str(Status(appeal.status).label),
        "channel": appeal.channel.code,
        "received_at": appeal.received_at,
        "language": appeal.language,
        "region": appeal.region.code,
        "direction": int(appeal.direction.code),
        "summary": appeal.summary,
        "urgency": appeal.urgency,
    }


def appeal_out(request: HttpRequest, appeal: Appeal, reason: str) -> dict[str, object]:
    """The appeal as the user may see it; personal data only where the role allows (audited)."""
    personal = (
        access_personal_data(request.user, appeal, reason=reason)
        if has_perm(request.user, Perm.APPEAL_VIEW_PERSONAL)
        else None
    )
    persons = list(appeal.persons.all())
    return {
        **appeal_list_item(appeal),
        "urgency_reason": appeal.urgency_reason,
        "urgency_lowered_reason": appeal.urgency_lowered_reason,
        "risk_flags": appeal.risk_flags,
        "help_given": [h.code for h in appeal.help_given.all()],
        "outcome": appeal.outcome.code if appeal.outcome else "",
        "competent_body": appeal.competent_body,
        "assigned_consultant": (
            appeal.assigned_consultant.username if appeal.assigned_consultant else None
        ),
        "persons": [
            {"kind": p.kind, "age": p.age, "name": p.name if personal else None} for p in persons
        ],
        "applicant": {"kind": appeal.applicant_kind, **(_applicant_personal(personal))},
        "description": personal.description if personal else None,
        "personal_data_shown": personal is not None,
    }


def _applicant_personal(personal: object) -> dict[str, object]:
    if personal is None:
        return {}
    fields = ("name", "iin", "phone", "email", "address")
    return {f: getattr(personal, f) for f in fields}


@router.post("", response={201: RegisteredOut, **ERRORS}, summary="Register an appeal")
def register(
    request: HttpRequest,
    payload: AppealIn,
    idempotency_key: str = Header(default="", alias="Idempotency-Key", max_length=100),
) -> HttpStatus:
    registration = appeal_register(
        actor=request_user(request),
        data=payload,
        idempotency_key=idempotency_key,
    )
    appeal = registration.appeal
    return HttpStatus(
        201, {"number": appeal.number, "code": registration.code, "status": appeal.status}
    )


@router.get("", response={200: AppealPage, **ERRORS}, summary="List appeals")
def list_appeals(request: HttpRequest, filters: Query[AppealFilters]) -> dict[str, object]:
    require(request.user, Perm.APPEAL_VIEW)
    appeals = appeals_filtered(request.user, filters)
    page = appeals[filters.offset : filters.offset + filters.limit]
    return {"items": [appeal_list_item(a) for a in page], "count": appeals.count()}


@router.get("/{number}", response={200: AppealOut, **ERRORS}, summary="Get an appeal")
def get_appeal(request: HttpRequest, number: str) -> dict[str, object]:
    appeal = access_appeal(request.user, number)
    return appeal_out(request, appeal, reason="api: appeal detail")


@router.post(
    "/{number}/transitions",
    response={200: AppealListItem, **ERRORS},
    summary="Move an appeal along its lifecycle",
)
def transition(request: HttpRequest, number: str, payload: TransitionIn) -> dict[str, object]:
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_TRANSITION)
    appeal = appeal_transition(
        actor=request_user(request),
        appeal=appeal,
        to_status=payload.to,
        comment=payload.comment,
    )
    return appeal_list_item(appeal)


@router.post(
    "/{number}/lower-urgency",
    response={200: AppealListItem, **ERRORS},
    summary="Make an urgent appeal normal (supervisors, with a reason)",
)
def lower_urgency(request: HttpRequest, number: str, payload: UrgencyLowerIn) -> dict[str, object]:
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_LOWER_URGENCY)
    appeal = appeal_lower_urgency(actor=request_user(request), appeal=appeal, reason=payload.reason)
    return appeal_list_item(appeal)


@router.get(
    "/{number}/history",
    response={200: list[HistoryItem], **ERRORS},
    summary="Status history of an appeal",
)
def history(request: HttpRequest, number: str) -> list[dict[str, object]]:
    appeal = access_appeal(request.user, number)
    # Comments are free text and may name people: only roles that see personal data read them.
    with_comments = access_personal_text(request.user, appeal, reason="api: history")
    return [
        {
            "from_status": c.from_status,
            "to_status": c.to_status,
            "to_label": str(Status(c.to_status).label),
            "by": c.by.username if c.by else None,
            "at": c.at,
            "comment": c.comment if with_comments else None,
        }
        for c in appeal.status_changes.select_related("by")
    ]
