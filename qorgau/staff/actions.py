"""State changes for staff: issuing API tokens."""

from __future__ import annotations

import secrets

from qorgau.core.crypto import secret_digest
from qorgau.staff.models import ApiToken, User

TOKEN_PURPOSE = "api-token"  # noqa: S105 - a hash domain label, not a secret


def token_issue(*, user: User, label: str = "") -> str:
    """Create a token for `user` and return it; it cannot be shown again."""
    token = "qg_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=secret_digest(TOKEN_PURPOSE, token), label=label)
    return token


def token_user(token: str) -> User | None:
    """The active user a token belongs to, or None."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=secret_digest(TOKEN_PURPOSE, token), user__is_active=True)
        .first()
    )
    return row.user if row else None
