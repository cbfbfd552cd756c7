"""Which agencies are competent for an appeal (chapter 3): a proposal the consultant may follow
or override (rule 6(h): the centre decides how much help an appeal needs).

Order of the proposal:
1. bodies of the appeal's region competent for its direction (akimat departments, territorial
   departments of central bodies);
2. where no body of the region is competent: the central bodies for the direction;
3. where a child is concerned or the direction is 4: the region's Commissioner for Children's
   Rights, or the national Commissioner where the region has none (rule 6(e));
4. first of all, for every risk flag (violence now, threat to life, suicide risk, child without
   care): the region's round-the-clock duty services 102 and 112, and for suicide risk also the
   emergency medical service 103 (rules 6(j), 12). A duty service is the medical one when its
   phone contact is the national short number 103; the flags lead even after a supervisor
   lowered the urgency, since they record what the caller said (it stays a proposal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency, AgencyContact, AgencyKind, ContactChannel
from qorgau.appeals.models import Appeal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHILD_DIRECTION = "4"
MEDICAL_NUMBER = "103"  # the emergency medical service's national short number


@dataclass(frozen=True)
class Proposal:
    agency: Agency
    why: StrOrPromise


def _active() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).select_related("region")


def _competent(appeal: Appeal) -> list[Proposal]:
    competent = (
        _active()
        .filter(directions=appeal.direction_id)
        .exclude(kind__in=[AgencyKind.COMMISSIONER, AgencyKind.DUTY])
    )
    regional = list(competent.filter(region=appeal.region_id))
    if regional:
        return [Proposal(a, _("competent for the direction in the region")) for a in regional]
    central = competent.filter(kind=AgencyKind.CENTRAL, region__isnull=True)
    return [Proposal(a, _("central body: no regional body is competent")) for a in central]


def _commissioner(appeal: Appeal) -> list[Proposal]:
    if not (appeal.concerns_child or appeal.direction.code == CHILD_DIRECTION):
        return []
    commissioners = _active().filter(kind=AgencyKind.COMMISSIONER)
    regional = commissioners.filter(region=appeal.region_id).first()
    chosen = regional or commissioners.filter(region__isnull=True).first()
    return [Proposal(chosen, _("a child's rights are concerned (rule 6(e))"))] if chosen else []


def _duty(appeal: Appeal) -> list[Proposal]:
    """The region's duty services for the appeal's risk flags: 102 and 112 for any of them, the
    emergency medical service 103 too for suicide risk."""
    risks = ", ".join(appeal.risk_labels)
    if not risks:
        return []
    medical = AgencyContact.objects.filter(
        agency=OuterRef("pk"), channel=ContactChannel.PHONE, address=MEDICAL_NUMBER, active=True
    )
    services = (
        _active()
        .filter(kind=AgencyKind.DUTY, region=appeal.region_id)
        .annotate(medical=Exists(medical))
    )
    any_risk = _("risk: %(risks)s — duty service (rules 6(j), 12)") % {"risks": risks}
    suicide = _("suicide risk: emergency medical help (rules 6(j), 12)")
    return [
        Proposal(service, suicide if service.medical else any_risk)
        for service in services
        if appeal.risk_suicide or not service.medical
    ]


def propose_agencies(appeal: Appeal) -> list[Proposal]:
    """The competent agencies for the appeal's direction and region, most specific first."""
    unique: dict[int, Proposal] = {}
    for proposal in _duty(appeal) + _competent(appeal) + _commissioner(appeal):
        unique.setdefault(proposal.agency.pk, proposal)
    return list(unique.values())
