"""Fetching requests and agencies for the centre's staff (deny by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qorgau.agencies.models import Agency
from qorgau.appeals.access import access_appeal
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.interaction.models import AgencyRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_request(user: User | AnonymousUser, request_id: int) -> AgencyRequest:
    """A request whose appeal the user may see; 404 otherwise."""
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
