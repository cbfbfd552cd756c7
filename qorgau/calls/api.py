"""CTI API (/api/v1/cti): the phone system reports every call event."""

from django.http import HttpRequest
from ninja import Router
from ninja import Status as HttpStatus

from qorgau.appeals.schemas import ErrorOut
from qorgau.calls.actions import cti_event_ingest
from qorgau.calls.auth import PhoneSystemAuth
from qorgau.calls.schemas import CtiEventIn, CtiEventOut

router = Router(tags=["phone system"], auth=PhoneSystemAuth())


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
