"""The API kit every app's router uses: the response map of an endpoint (its success schemas
and the error statuses it may answer, all with ErrorOut) and the typed request a handler gets
once authentication has passed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.http import HttpRequest

from qorgau.core.schemas import ErrorOut

if TYPE_CHECKING:
    from qorgau.calls.models import PhoneSystem
    from qorgau.staff.models import User

T = TypeVar("T")
# What any signed-in endpoint may answer: no identity, a role or CSRF refusal, not found (also
# for what the user may not see) and invalid input.
SIGNED_IN = (401, 403, 404, 422)
# A public endpoint: no identity to check.
PUBLIC = (404, 422)


def responses(ok: Any, *extra: int, public: bool = False) -> dict[int, Any]:
    """An endpoint's `response=` map: `ok` is the 200 schema (or a map of success statuses,
    e.g. {201: Out}), then every error status, each answered with ErrorOut; `extra` adds what
    this endpoint also answers (409, 413, 429)."""
    success = ok if isinstance(ok, dict) else {200: ok}
    errors = (*(PUBLIC if public else SIGNED_IN), *extra)
    return {**success, **dict.fromkeys(sorted(errors), ErrorOut)}


class StaffRequest(HttpRequest):
    """A request authenticated as a staff user (a bearer token or the session): `auth` and
    `user` are that user. Only an annotation: Ninja's authentication guarantees it."""

    auth: User
    user: User


class PhoneSystemRequest(HttpRequest):
    """A request authenticated by a phone system's own token: `auth` is that system."""

    auth: PhoneSystem


@dataclass(frozen=True)
class Shown(Generic[T]):
    """An object as one viewer may see it: the object itself, and `shown`, what the access
    layer already decided (and audited) this viewer reads — decrypted personal data, whether
    texts are shown — or None. An output schema reads the object's attributes through it; its
    `resolve_*` methods read `shown`, so no schema decides who sees what."""

    item: T
    shown: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("item", "shown"):
            raise AttributeError(name)
        return getattr(self.item, name)
