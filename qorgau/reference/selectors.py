"""Looking up reference rows by code, cached per process.

Reference rows change only through migrations (a deploy restarts every process), so a
per-process cache of code → row cannot disagree between processes; a code not in the cache is
always looked up in the database, and `post_migrate` empties the cache. Registration uses this
to save four queries per appeal (bench/intake.py).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models.signals import post_migrate

from qorgau.reference.models import ReferenceItem

R = TypeVar("R", bound=ReferenceItem)
_cache: dict[type[Any], dict[str, Any]] = {}


def reference_by_code(model: type[R], code: str) -> R | None:
    """The row of `model` with this code, or None."""
    rows = _cache.setdefault(model, {})
    if code not in rows:
        row = model._default_manager.filter(code=code).first()
        if row is None:
            return None
        rows[code] = row
    return rows[code]  # type: ignore[no-any-return]


def references_by_codes(model: type[R], codes: list[str]) -> list[R] | None:
    """The rows for these codes (duplicates ignored), or None if any code is unknown."""
    rows = [reference_by_code(model, code) for code in dict.fromkeys(codes)]
    return None if any(r is None for r in rows) else rows  # type: ignore[return-value]


def reference_cache_clear(**_kwargs: Any) -> None:
    _cache.clear()


post_migrate.connect(reference_cache_clear, dispatch_uid="qorgau.reference.cache")
