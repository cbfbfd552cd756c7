"""Appeals API (/api/v1/appeals): thin handlers — parse, access, act, answer."""

from ninja import Header, Query, Router
from ninja import Status as HttpStatus

from qorgau.appeals.access import (
    access_appeal,
    access_assignee,
    access_duplicate,
    access_personal_data,
    access_personal_text,
)
from qorgau.appeals.actions import (
    appeal_assign,
    appeal_correct,
    appeal_lower_urgency,
    appeal_merge,
    appeal_register,
    appeal_transition,
)
from qorgau.appeals.models import Appeal, StatusChange, appeal_version
from qorgau.appeals.schemas import (
    AppealCorrectionIn,
    AppealFilters,
    AppealIn,
    AppealListItem,
    AppealOut,
    AppealPage,
    AssignIn,
    CorrectedOut,
    HistoryItem,
    MergeIn,
    RegisteredOut,
    TransitionIn,
    UrgencyLowerIn,
)
from qorgau.appeals.selectors import appeals_filtered
from qorgau.core.access import require
from qorgau.core.api import Shown, StaffRequest, responses
from qorgau.core.roles import Perm, has_perm

router = Router(tags=["appeals"])


def _shown(request: StaffRequest, appeal: Appeal, reason: str) -> Shown[Appeal]:
    """The appeal with its personal data only where the role allows (decrypted and audited)."""
    personal = (
        access_personal_data(request.user, appeal, reason=reason)
        if has_perm(request.user, Perm.APPEAL_VIEW_PERSONAL)
        else None
    )
    return Shown(appeal, personal)


@router.post("", response=responses({201: RegisteredOut}, 409, 413), summary="Register an appeal")
def register(
    request: StaffRequest,
    payload: AppealIn,
    idempotency_key: str = Header(default="", alias="Idempotency-Key", max_length=100),
) -> HttpStatus:
    registration = appeal_register(
        actor=request.user,
        data=payload,
        idempotency_key=idempotency_key,
    )
    appeal = registration.appeal
    return HttpStatus(
        201, {"number": appeal.number, "code": registration.code, "status": appeal.status}
    )


@router.get("", response=responses(AppealPage), summary="List appeals")
def list_appeals(request: StaffRequest, filters: Query[AppealFilters]) -> dict[str, object]:
    require(request.user, Perm.APPEAL_VIEW)
    appeals = appeals_filtered(request.user, filters)
    page = appeals[filters.offset : filters.offset + filters.limit]
    return {"items": list(page), "count": appeals.count()}


@router.get("/{number}", response=responses(AppealOut), summary="Get an appeal")
def get_appeal(request: StaffRequest, number: str) -> Shown[Appeal]:
    appeal = access_appeal(request.user, number)
    return _shown(request, appeal, reason="api: appeal detail")


@router.patch(
    "/{number}",
    response=responses(CorrectedOut, 409),
    summary="Correct an appeal (only the fields given change)",
)
def correct(request: StaffRequest, number: str, payload: AppealCorrectionIn) -> dict[str, object]:
    """Send back the `version` read with GET as `expected_version`: 409 `appeal_changed` when
    the appeal changed since; a closed appeal is corrected by a supervisor only (403
    `appeal_closed`). Nothing changed: 200 with `changed` empty and no revision written."""
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_EDIT)
    correction = appeal_correct(
        actor=request.user,
        appeal=appeal,
        data=payload,
        expected_version=payload.expected_version,
        reason=payload.reason,
    )
    return {
        "number": correction.appeal.number,
        "version": appeal_version(correction.appeal),
        "changed": correction.changed,
    }


@router.post(
    "/{number}/transitions",
    response=responses(AppealListItem, 409),
    summary="Move an appeal along its lifecycle",
)
def transition(request: StaffRequest, number: str, payload: TransitionIn) -> Appeal:
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_TRANSITION)
    appeal = appeal_transition(
        actor=request.user,
        appeal=appeal,
        to_status=payload.to,
        comment=payload.comment,
    )
    return appeal


@router.post(
    "/{number}/lower-urgency",
    response=responses(AppealListItem, 409),
    summary="Make an urgent appeal normal (supervisors, with a reason)",
)
def lower_urgency(request: StaffRequest, number: str, payload: UrgencyLowerIn) -> Appeal:
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_LOWER_URGENCY)
    appeal = appeal_lower_urgency(actor=request.user, appeal=appeal, reason=payload.reason)
    return appeal


@router.post(
    "/{number}/assign",
    response=responses(AppealOut, 409),
    summary="Assign the appeal's consultant (supervisors), or take it (a consultant)",
)
def assign(request: StaffRequest, number: str, payload: AssignIn) -> Shown[Appeal]:
    actor = request.user
    perm = Perm.APPEAL_ASSIGN if has_perm(actor, Perm.APPEAL_ASSIGN) else Perm.APPEAL_TAKE
    appeal = access_appeal(actor, number, then=perm)
    consultant = access_assignee(payload.consultant)
    appeal_assign(actor=actor, appeal=appeal, consultant=consultant, reason=payload.reason)
    return _shown(request, access_appeal(actor, number), reason="api: appeal assigned")


@router.post(
    "/{number}/merge",
    response=responses(AppealOut, 409),
    summary="Merge a duplicate appeal into this one (supervisors, with a reason)",
)
def merge(request: StaffRequest, number: str, payload: MergeIn) -> Shown[Appeal]:
    actor = request.user
    into = access_appeal(actor, number, then=Perm.APPEAL_MERGE)
    duplicate = access_duplicate(actor, payload.duplicate)
    appeal_merge(actor=actor, duplicate=duplicate, into=into, reason=payload.reason)
    return _shown(request, access_appeal(actor, number), reason="api: appeal merged")


@router.get(
    "/{number}/history",
    response=responses(list[HistoryItem]),
    summary="Status history of an appeal",
)
def history(request: StaffRequest, number: str) -> list[Shown[StatusChange]]:
    appeal = access_appeal(request.user, number)
    # Comments are free text and may name people: only roles that see personal data read them.
    with_comments = access_personal_text(request.user, appeal, reason="api: history")
    return [Shown(c, with_comments) for c in appeal.status_changes.select_related("by")]
