"""Reads of appeals, already narrowed to what the user may see (docs/style.md). A list and a detail
page use the same scope, so they never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from django.db import connection
from django.db.models import Case, Expression, F, Q, QuerySet, When
from django.db.models.expressions import OrderBy, RawSQL
from django.utils.translation import get_language

from qorgau.appeals.models import Appeal, AppealRevision, SavedFilter, Status
from qorgau.appeals.schemas import AppealFilters
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm, Role, has_perm
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

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


SORTS = ("received", "status", "urgency", "region", "direction")
MIN_WORD = 3  # both indexes are of trigrams: a shorter word cannot use them


@dataclass(frozen=True)
class ListOptions:
    """What the staff list adds to the API's filters: order, "my appeals", a number (whole or
    its end), words of the summary, and the appeals a caller look-up found (`caller_ids`)."""

    sort: str = "-received"
    mine: Literal["", "assigned", "registered"] = ""
    number: str = ""
    words: tuple[str, ...] = ()
    caller_ids: tuple[int, ...] | None = None


def _order(sort: str) -> list[OrderBy]:
    """ORDER BY for a sort key ("status", "-region", …): status in the order of the lifecycle;
    region by its name in the language of the page, as the list shows it; direction by its
    number; then the newest first."""
    column = sort.removeprefix("-")
    language = (get_language() or "kk")[:2]
    columns: dict[str, Expression | F] = {
        "received": F("received_at"),
        "status": Case(*(When(status=s, then=i) for i, s in enumerate(Status.values))),
        "urgency": F("urgency"),
        "region": F(f"region__name_{language if language in ('kk', 'ru', 'en') else 'kk'}"),
        "direction": F("direction__position"),
    }
    chosen = columns.get(column, columns["received"])
    first = chosen.desc() if sort.startswith("-") else chosen.asc()
    return [first, F("received_at").desc(), F("id").desc()]


def summary_matches(words: tuple[str, ...]) -> Q:
    """Appeals whose summary holds every word (at least MIN_WORD letters, case ignored), through
    a trigram index: FTS5's trigram tokenizer on SQLite, pg_trgm's GIN on PostgreSQL (decision
    0018). Shorter words are left out, as neither index can serve them."""
    usable = [w for w in words if len(w) >= MIN_WORD]
    if not usable:
        return Q()
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in usable)
        ids = RawSQL(
            "SELECT rowid FROM appeals_summary_fts WHERE appeals_summary_fts MATCH %s", (match,)
        )
        return Q(id__in=ids)
    conditions = Q()
    for word in usable:  # UPPER(summary) LIKE UPPER('%word%'): the expression the index holds
        conditions &= Q(summary__icontains=word)
    return conditions


def _options_q(user: User | AnonymousUser, options: ListOptions) -> Q:
    conditions = summary_matches(options.words)
    if options.number:
        conditions &= Q(number__endswith=options.number)  # "000237" or the whole number
    if options.mine == "assigned":
        conditions &= Q(assigned_consultant_id=user.pk)
    elif options.mine == "registered":
        conditions &= Q(created_by_id=user.pk)
    if options.caller_ids is not None:
        conditions &= Q(id__in=options.caller_ids)
    return conditions


def appeals_filtered(
    user: User | AnonymousUser, filters: AppealFilters, options: ListOptions | None = None
) -> QuerySet[Appeal]:
    """The visible appeals matching the list filters (and the staff list's options), newest
    first unless sorted otherwise, ready to render."""
    options = options or ListOptions()
    appeals = appeals_visible_to(user).select_related("channel", "region", "direction")
    conditions = _options_q(user, options)
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
    return appeals.filter(conditions).order_by(*_order(options.sort))


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
    ordered = scoped.select_related("direction", "region").order_by("-received_at", "-id")
    return list(ordered[:limit])


def saved_filters_of(user: User | AnonymousUser) -> QuerySet[SavedFilter]:
    """The user's own saved list filters, by name."""
    return SavedFilter.objects.filter(owner_id=user.pk).order_by("name")


DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_LIMIT = 10


def possible_duplicates(user: User | AnonymousUser, appeal: Appeal) -> list[Appeal]:
    """Other appeals of the same caller (the same IIN or phone, through the blind indexes)
    received within 30 days of this one, not merged already, the newest first. The look-up
    uses the appeal's own indexes on the server: no personal data travels in a request."""
    same_caller = Q()
    if appeal.iin_index:
        same_caller |= Q(iin_index=appeal.iin_index)
    if appeal.phone_index:
        same_caller |= Q(phone_index=appeal.phone_index)
    if not same_caller:
        return []
    window = Q(
        received_at__gte=appeal.received_at - DUPLICATE_WINDOW,
        received_at__lte=appeal.received_at + DUPLICATE_WINDOW,
    )
    found = (
        appeals_visible_to(user)
        .filter(same_caller & window, merged_into__isnull=True)
        .exclude(pk=appeal.pk)
        .select_related("direction")
        .order_by("-received_at", "-id")
    )
    return list(found[:DUPLICATE_LIMIT])


def assignable_staff() -> QuerySet[User]:
    """Who may be given an appeal: active consultants and supervisors, by username."""
    return User.objects.filter(
        is_active=True, role__in=(Role.CONSULTANT, Role.SUPERVISOR)
    ).order_by("username")


def appeal_revisions(appeal: Appeal) -> QuerySet[AppealRevision]:
    """The corrections of an appeal, oldest first, with who made them. Their values are
    personal data: a caller shows them only through access.py's audited check."""
    return AppealRevision.objects.filter(appeal=appeal).select_related("by").order_by("at", "id")
