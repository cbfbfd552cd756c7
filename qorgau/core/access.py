"""Helpers that every access_* function uses to deny by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qorgau.core.errors import Forbidden
from qorgau.core.roles import Perm, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def require(user: User | AnonymousUser, perm: Perm) -> None:
    """Raise Forbidden unless the matrix grants `perm` to the user's role."""
    if not has_perm(user, perm):
        raise Forbidden()
