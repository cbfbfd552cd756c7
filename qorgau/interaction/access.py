"""Fetching requests and agencies for the centre's staff (deny by default)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from qorgau.agencies.models import Agency
from qorgau.appeals.access import access_appeal
from qorgau.audit.actions import audit_record
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm
from qorgau.interaction.models import AgencyRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_request(user: User | AnonymousUser, request_id: int) -> AgencyRequest:
    """A request whose appeal the user may see; 404 otherwise, as for one that does not exist
    (the right is checked first, so a role without it gets 403 either way)."""
    require(user, Perm.APPEAL_VIEW)
    request = (
        AgencyRequest.objects.select_related("appeal", "agency__region")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    access_appeal(user, request.appeal.number)  # same scope as the appeal itself
    return request


def chosen_agency(agency_id: int) -> Agency:
    """The active agency a consultant picked, or a field error."""
    agency = Agency.objects.filter(pk=agency_id, active=True).select_related("region").first()
    if agency is None:
        raise FieldErrors(fields={"agency": str(NotFound().message)})
    return agency


def agency_requests(user: User | AnonymousUser) -> QuerySet[AgencyRequest]:
    """The requests addressed to the officer's own agency, newest first; none for anyone else."""
    require(user, Perm.AGENCY_PORTAL)
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return AgencyRequest.objects.none()
    return AgencyRequest.objects.filter(agency_id=agency_id).select_related("appeal", "agency")


def access_agency_request(user: User | AnonymousUser, request_id: int) -> AgencyRequest:
    """A request of the officer's own agency; 404 for another agency's, as if it did not exist."""
    request = agency_requests(user).filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def agency_request_content(user: User | AnonymousUser, request: AgencyRequest) -> dict[str, Any]:
    """What was sent to the agency, for its officer; reading it is audited (rule 5)."""
    audit_record(
        actor=user,
        action="request.view",
        object_type="appeal",
        object_ref=request.appeal.number,
        reason="agency portal",
    )
    return dict(json.loads(request.content))
