"""Saving, fetching and deleting a staff member's named list filters (rule 6(h)). Each user
sees and deletes only their own: another's answers 404, as one that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.appeals.models import SavedFilter
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def saved_filter_save(*, owner: User | AnonymousUser, name: str, query: str) -> SavedFilter:
    """Save the list's query under a name; the same name again replaces the query."""
    require(owner, Perm.APPEAL_VIEW)
    name = " ".join(name.split())[:60]
    if not name:
        raise FieldErrors(fields={"name": _("Give the filter a name.")})
    with transaction.atomic():
        saved, _created = SavedFilter.objects.update_or_create(
            owner_id=owner.pk, name=name, defaults={"query": query[:500]}
        )
    return saved


def access_saved_filter(user: User | AnonymousUser, pk: str) -> SavedFilter:
    require(user, Perm.APPEAL_VIEW)
    saved = SavedFilter.objects.filter(owner_id=user.pk, pk=pk if pk.isdigit() else 0).first()
    if saved is None:
        raise NotFound()
    return saved


def saved_filter_delete(*, owner: User | AnonymousUser, pk: str) -> None:
    """Delete one of the owner's saved filters (404 for anyone else's)."""
    access_saved_filter(owner, pk).delete()
