"""Reads of appeals, already narrowed to what the user may see (docs/style.md). A list and a detail
page use the same scope, so they never disagree."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qorgau.appeals.models import Appeal
from qorgau.appeals.schemas import AppealFilters
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm, Role, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User

FULL_SCOPE = {Role.CONSULTANT, Role.SUPERVISOR, Role.QUALITY, Role.AUDITOR}


def appeals_visible_to(user: User | AnonymousUser) -> QuerySet[Appeal]:
    """All appeals for the centre's own roles; for a commissioner, those concerning children
    (rule 6(e)) in their region, or everywhere for the national Commissioner; none otherwise."""
    appeals = Appeal.objects.all()
    if not has_perm(user, Perm.APPEAL_VIEW):
        return appeals.none()
    role = getattr(user, "role", "")
    if role in FULL_SCOPE:
        return appeals
    if role == Role.COMMISSIONER:
        scoped = appeals.filter(concerns_child=True)
        region_id = getattr(user, "region_id", None)
        return scoped.filter(region_id=region_id) if region_id else scoped
    return appeals.none()


def _kz_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KZ_TZ)


def appeals_filtered(user: User | AnonymousUser, filters: AppealFilters) -> QuerySet[Appeal]:
    """The visible appeals matching the list filters, newest first, ready to render."""
    appeals = appeals_visible_to(user).select_related("channel", "region", "direction")
    conditions = Q()
    if filters.status:
        conditions &= Q(status=filters.status)
    if filters.direction:
        conditions &= Q(direction__code=str(filters.direction))
    if filters.region:
        conditions &= Q(region__code=filters.region)
    if filters.channel:
        conditions &= Q(channel__code=filters.channel)
    if filters.urgency:
        conditions &= Q(urgency=filters.urgency)
    if filters.received_from:
        conditions &= Q(received_at__gte=_kz_midnight(filters.received_from))
    if filters.received_to:
        conditions &= Q(received_at__lt=_kz_midnight(filters.received_to + timedelta(days=1)))
    return appeals.filter(conditions)


def earlier_appeals_by_index(
    user: User | AnonymousUser, *, iin_index: str = "", phone_index: str = "", limit: int = 10
) -> list[Appeal]:
    """A caller's earlier appeals through the blind indexes (never by decrypting)."""
    conditions = Q()
    if iin_index:
        conditions |= Q(iin_index=iin_index)
    if phone_index:
        conditions |= Q(phone_index=phone_index)
    if not conditions:
        return []
    scoped = appeals_visible_to(user).filter(conditions)
    return list(scoped.select_related("direction").order_by("-received_at")[:limit])
