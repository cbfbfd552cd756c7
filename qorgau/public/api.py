"""Public API (/api/v1/public): no sign-in; the applicant's status look-up (rule 6(l))."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router

from qorgau.core.api import responses
from qorgau.public.schemas import StatusOut, StatusQueryIn
from qorgau.public.status import public_status

router = Router(tags=["public"], auth=None)


def client_address(request: HttpRequest) -> str:
    """The address throttling counts against. Behind a proxy, set the proxy to overwrite
    REMOTE_ADDR (e.g. gunicorn's --forwarded-allow-ips); never trust a client header."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


@router.post(
    "/status",
    response=responses(StatusOut, 429, public=True),
    summary="Status and progress of an appeal, by number and secret code",
)
def status(request: HttpRequest, payload: StatusQueryIn) -> dict[str, object]:
    return asdict(
        public_status(client=client_address(request), number=payload.number, code=payload.code)
    )
