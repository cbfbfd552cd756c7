"""Reads of outreach: a school by its QR token, a source code, and conversation counts per
school, district, region and source code, for the staff page and reports (no personal data;
counted through the conversations' foreign keys, so this app imports no conversation code)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from qorgau.outreach.models import School, SourceCode


def school_by_token(token: str) -> School | None:
    """The school of a QR link, or None (an unknown token answers 404, like any unknown page)."""
    if not token or len(token) > 64:
        return None
    return School.objects.select_related("region").filter(token=token).first()


def source_by_code(code: str) -> SourceCode | None:
    """An active source code, or None: an unknown or inactive code records nothing."""
    return SourceCode.objects.filter(code=code[:40], active=True).first()


def schools_with_counts() -> QuerySet[School]:
    """Every school with `n`, its conversations' count."""
    return School.objects.select_related("region").annotate(n=Count("conversations"))


def counts_by_district() -> list[dict[str, Any]]:
    """Conversations that came by a school's QR form, per region and district."""
    return list(
        School.objects.values("region__code", "region__position", "district")
        .annotate(schools=Count("pk", distinct=True), n=Count("conversations"))
        .order_by("region__position", "district")
    )


def counts_by_region() -> list[dict[str, Any]]:
    """Conversations that came by a school's QR form, per region."""
    return list(
        School.objects.values("region__code", "region__position")
        .annotate(schools=Count("pk", distinct=True), n=Count("conversations"))
        .order_by("region__position")
    )


def sources_with_counts() -> QuerySet[SourceCode]:
    """Every source code with `n`, the conversations that came by its link."""
    return SourceCode.objects.select_related("region").annotate(n=Count("conversations"))
