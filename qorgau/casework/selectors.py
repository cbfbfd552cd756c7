"""Lists of case-work items, already filtered by what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from qorgau.appeals.models import Appeal
from qorgau.casework.models import Attachment


def _attachments_kept(appeal: Appeal) -> QuerySet[Attachment]:
    return Attachment.objects.filter(appeal=appeal, removed_at__isnull=True)


def attachments_shown(appeal: Appeal) -> list[Attachment]:
    """The appeal's attachments not removed, oldest first, with who attached them (two
    queries whatever their number: this one and nothing per file)."""
    return list(_attachments_kept(appeal).select_related("uploaded_by"))


def attachment_count(appeal: Appeal) -> int:
    return _attachments_kept(appeal).count()


def attachment_events(appeal: Appeal) -> list[Attachment]:
    """Every attachment the appeal ever had, removed ones included, for its timeline."""
    return list(
        Attachment.objects.filter(appeal=appeal).select_related("uploaded_by", "removed_by")
    )


def attachment_ids(appeal: Appeal) -> list[int]:
    """Ids of every attachment the appeal ever had: what its timeline would name."""
    return list(Attachment.objects.filter(appeal=appeal).values_list("pk", flat=True))
