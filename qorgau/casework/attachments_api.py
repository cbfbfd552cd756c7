"""API of the files attached to an appeal: list, upload (multipart), download, remove. The same
access helpers and actions as the page (casework/views.py); thin: parse, access, act, answer."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from pydantic import Field

from qorgau.appeals.access import access_appeal
from qorgau.casework.access import (
    access_attachment,
    access_attachment_content,
    access_attachments,
    attachment_removable,
)
from qorgau.casework.actions import attachment_add, attachment_remove
from qorgau.casework.models import Attachment
from qorgau.core.api import Shown, StaffRequest, responses
from qorgau.core.files import file_response
from qorgau.core.roles import Perm
from qorgau.core.schemas import StrictSchema

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The file's name as uploaded (may hold personal data).")
    content_type: str = Field(description="The kind its bytes show, never the declared one.")
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    removable: bool = Field(description="Whether the caller may remove it now.")

    @staticmethod
    def resolve_uploaded_by(item: Shown[Attachment]) -> str:
        return item.item.uploaded_by.username

    @staticmethod
    def resolve_removable(item: Shown[Attachment]) -> bool:
        return bool(item.shown)


class AttachmentsOut(Schema):
    count: int
    items: list[AttachmentOut] | None = Field(
        description="Only for roles that attach files (case.attach); null for the others."
    )


class AttachmentRemovalIn(StrictSchema):
    reason: str = Field(max_length=500)


def _out(request: StaffRequest, attachment: Attachment) -> Shown[Attachment]:
    return Shown(attachment, attachment_removable(request.user, attachment, timezone.now()))


@router.get(
    "/appeals/{number}/attachments",
    response=responses(AttachmentsOut),
    summary="The appeal's files: names for roles that attach files (audited), else the count",
)
def attachment_list(request: StaffRequest, number: str) -> dict[str, object]:
    shown = access_attachments(request.user, number)
    items = [_out(request, a) for a in shown.items] if shown.names else None
    return {"count": shown.count, "items": items}


@router.post(
    "/appeals/{number}/attachments",
    response=responses({201: AttachmentOut}, 413),
    summary="Attach a file (multipart field `file`); its kind is checked by its bytes",
)
def attachment_upload(request: StaffRequest, number: str, file: File[UploadedFile]) -> HttpStatus:
    appeal = access_appeal(request.user, number, then=Perm.CASE_ATTACH)
    name = file.name or ""
    added = attachment_add(actor=request.user, appeal=appeal, name=name, data=file.read())
    return HttpStatus(201, _out(request, added))


@router.get(
    "/attachments/{attachment_id}",
    response=responses({200: None}, 409),
    summary="Download a file (never inline); every download is audited",
)
def attachment_download(request: StaffRequest, attachment_id: int) -> HttpResponse:
    found = access_attachment(request.user, attachment_id)
    data = access_attachment_content(request.user, found)
    stem = f"attachment-{found.pk}"
    return file_response(data, found.content_type, found.download_name(), stem, full_name=True)


@router.delete(
    "/attachments/{attachment_id}",
    response=responses(AttachmentOut),
    summary="Remove a file, with a reason: a supervisor, or its uploader within 15 minutes",
)
def attachment_delete(
    request: StaffRequest, attachment_id: int, payload: AttachmentRemovalIn
) -> Shown[Attachment]:
    found = access_attachment(request.user, attachment_id)
    removed = attachment_remove(actor=request.user, attachment=found, reason=payload.reason)
    return Shown(removed, False)
