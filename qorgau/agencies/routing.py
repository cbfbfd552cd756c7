"""Which agencies are competent for an appeal (chapter 3): a proposal the consultant may follow
or override (rule 6(h): the centre decides how much help an appeal needs).

Order of the proposal:
1. bodies of the appeal's region competent for its direction (akimat departments, territorial
   departments of central bodies);
2. where no body of the region is competent: the central bodies for the direction;
3. where a child is concerned or the direction is 4: the region's Commissioner for Children's
   Rights, or the national Commissioner where the region has none (rule 6(e));
4. urgent appeals with violence now or a threat to life: the region's round-the-clock duty
   services (rules 6(j), 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency, AgencyKind
from qorgau.appeals.models import Appeal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHILD_DIRECTION = "4"


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
    if appeal.urgency != "urgent" or not (appeal.risk_violence_now or appeal.risk_threat_to_life):
        return []
    services = _active().filter(kind=AgencyKind.DUTY, region=appeal.region_id)
    return [Proposal(a, _("urgent: danger now (rules 6(j), 12)")) for a in services]


def propose_agencies(appeal: Appeal) -> list[Proposal]:
    """The competent agencies for the appeal's direction and region, most specific first."""
    unique: dict[int, Proposal] = {}
    for proposal in _duty(appeal) + _competent(appeal) + _commissioner(appeal):
        unique.setdefault(proposal.agency.pk, proposal)
    return list(unique.values())
