"""Fetching a school or a source code for staff: the role is checked first (403 for a role with
no right, whatever the id), then an unknown id answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qorgau.core.access import require
from qorgau.core.errors import NotFound
from qorgau.core.roles import Perm
from qorgau.outreach.models import School, SourceCode

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_school(user: User | AnonymousUser, school_id: int) -> School:
    require(user, Perm.OUTREACH_MANAGE)
    school = School.objects.select_related("region").filter(pk=school_id).first()
    if school is None:
        raise NotFound()
    return school


def access_source(user: User | AnonymousUser, code: str) -> SourceCode:
    require(user, Perm.OUTREACH_MANAGE)
    source = SourceCode.objects.filter(code=code[:40]).first()
    if source is None:
        raise NotFound()
    return source
