"""The answer of agency requests to core's `appeal_merge_blockers` hook: a duplicate appeal with
requests still waiting for an agency's answer cannot be merged, or the answers would arrive on a
closed appeal nobody watches (docs/architecture/appeals.md, "Merging duplicates")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from qorgau.agency_requests.models import CLOSED_REQUEST_STATUSES, AgencyRequest
from qorgau.appeals.models import Appeal


def open_requests_block_merge(sender: Any, appeal: Appeal, **kwargs: Any) -> list[str]:
    """One sentence naming the agencies whose answer the duplicate still waits for, if any."""
    waiting = (
        AgencyRequest.objects.filter(appeal=appeal)
        .exclude(status__in=CLOSED_REQUEST_STATUSES)
        .select_related("agency")
        .order_by("created_at")
    )
    agencies = sorted({str(r.agency.name) for r in waiting})
    if not agencies:
        return []
    return [
        _(
            "Appeal %(number)s still waits for an answer from: %(agencies)s. Merge the other"
            " appeal into this one instead, or wait for the answers."
        )
        % {"number": appeal.number, "agencies": ", ".join(agencies)}
    ]
