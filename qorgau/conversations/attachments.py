"""Files sent with a conversation's message (rule 6(f)): photos and PDFs only, decided by their
bytes (core/files.py `sniff`, decision 0019), never by a name or a declared type.

Photos (JPEG, PNG, WebP, GIF) are decoded and re-encoded with Pillow (decision 0021): only
the pixels are kept, so EXIF (GPS position, camera, time), XMP, ICC and comments are gone, and
a file that only claims to be an image is refused. A GIF becomes a PNG of its first frame.
Pictures over MAX_PIXELS are refused before their pixels are decoded (decompression bombs).
PDFs are kept byte for byte, but only when they sniff as PDF; they are only ever downloaded.

Everything is checked before anything is stored (`attachments_clean`); the checked files are
then written encrypted (`attachments_store`) and the rows made in the caller's transaction
(`attachments_link`); if that transaction fails the written files are deleted again
(`attachments_discard`), so nothing is ever half-stored."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from qorgau.conversations.models import Message, MessageAttachment
from qorgau.core import files
from qorgau.core.errors import Conflict, FieldErrors

STORAGE = "attachments"  # the casework attachments' storage; keys under conversations/
PREFIX = "conversations"
IMAGE_KINDS = ("jpeg", "png", "webp", "gif")
KINDS = (*IMAGE_KINDS, "pdf")
# What the file picker offers (a hint only: the bytes decide).
ACCEPT = "image/jpeg,image/png,image/webp,image/gif,application/pdf,.jpg,.jpeg,.png,.webp,.gif,.pdf"
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused before it is decoded
# What each kind is saved as after re-encoding (a GIF as a PNG).
SAVED_AS = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "png"}


@dataclass(frozen=True)
class CleanFile:
    """A checked file: the bytes to store (re-encoded for photos) and their kind."""

    data: bytes
    kind: str


@dataclass(frozen=True)
class StoredFile:
    clean: CleanFile
    key: str


def files_refused_kind() -> str:
    return _("Only photos (JPEG, PNG, WebP, GIF) and PDF documents can be sent.")


def file_too_large() -> str:
    size = settings.CONVERSATION_FILE_MAX_BYTES // (1024 * 1024)
    return _("A file is larger than %(size)s MB.") % {"size": size}


def file_unreadable() -> str:
    return _("A photo could not be read. Send it again as JPEG or PNG.")


def _reencoded(data: bytes, kind: str) -> bytes:
    """The picture's pixels in a fresh file without any metadata; FieldErrors if the bytes are
    not a picture Pillow can decode, or one too large to decode safely."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.upper()]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise FieldErrors(fields={"files": file_unreadable()}, code="image_too_large")
                image.seek(0)
                image.load()
                upright = ImageOps.exif_transpose(image) or image  # EXIF rotation, then dropped
                alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
                target = SAVED_AS[kind]
                mode = "RGBA" if alpha and target != "jpeg" else "RGB"
                converted = upright.convert(mode)
                # Only the pixels go into the new picture: no info, EXIF, XMP or ICC profile.
                pixels = Image.frombytes(mode, converted.size, converted.tobytes())
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    ) as exc:
        raise FieldErrors(fields={"files": file_unreadable()}, code="image_unreadable") from exc
    out = io.BytesIO()
    options: dict[str, dict[str, int]] = {"jpeg": {"quality": 90}, "webp": {"quality": 90}}
    pixels.save(out, format=target.upper(), **options.get(target, {}))
    return out.getvalue()


def files_form() -> dict[str, object]:
    """What the file input and its hint show."""
    return {
        "accept": ACCEPT,
        "max": settings.CONVERSATION_FILES_MAX,
        "mb": settings.CONVERSATION_FILE_MAX_BYTES // (1024 * 1024),
    }


def uploads(request: HttpRequest) -> list[bytes]:
    """The files of a multipart form's `files` input (an input left empty sends none)."""
    return [upload.read() for upload in request.FILES.getlist("files") if upload.size]


def attachment_clean(data: bytes) -> CleanFile:
    """One file checked: a photo re-encoded without metadata, a PDF as it is; FieldErrors (in
    the caller's language, field `files`) for an empty, too large or refused file."""
    if not data:
        raise FieldErrors(fields={"files": files_refused_kind()}, code="file_empty")
    if len(data) > settings.CONVERSATION_FILE_MAX_BYTES:
        raise FieldErrors(fields={"files": file_too_large()}, code="file_too_large")
    kind = files.sniff(data)
    if kind not in KINDS:
        raise FieldErrors(fields={"files": files_refused_kind()}, code="file_kind_refused")
    if kind == "pdf":
        return CleanFile(data, "pdf")
    return CleanFile(_reencoded(data, kind), SAVED_AS[kind])


def attachments_clean(uploads: Sequence[bytes]) -> list[CleanFile]:
    """All files of one message checked, or FieldErrors for the first bad one (or too many)."""
    if len(uploads) > settings.CONVERSATION_FILES_MAX:
        message = _("At most %(n)d files with one message, please.")
        raise FieldErrors(
            fields={"files": message % {"n": settings.CONVERSATION_FILES_MAX}},
            code="too_many_files",
        )
    return [attachment_clean(data) for data in uploads]


def attachments_store(cleaned: Sequence[CleanFile]) -> list[StoredFile]:
    """Write the checked files encrypted; call before the transaction that links them."""
    stored: list[StoredFile] = []
    try:
        for clean in cleaned:
            stored.append(StoredFile(clean, files.store_encrypted(STORAGE, clean.data, PREFIX)))
    except BaseException:
        attachments_discard(stored)
        raise
    return stored


def attachments_discard(stored: Sequence[StoredFile]) -> None:
    """Delete written files whose transaction failed."""
    attachment_keys_discard([item.key for item in stored])


def attachment_keys_discard(keys: Sequence[str]) -> None:
    for key in keys:
        storages[STORAGE].delete(key)


def attachments_link(message: Message, stored: Sequence[StoredFile]) -> list[MessageAttachment]:
    """The rows of the written files, inside the caller's transaction."""
    return [
        MessageAttachment.objects.create(
            message=message,
            content_type=files.KINDS[item.clean.kind].content_type,
            size=len(item.clean.data),
            sha256=hashlib.sha256(item.clean.data).hexdigest(),
            storage_key=item.key,
        )
        for item in stored
    ]


def attachment_content(attachment: MessageAttachment) -> bytes:
    """The decrypted file, checked against its checksum (callers audit the download)."""
    data = files.read_decrypted(STORAGE, attachment.storage_key)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise Conflict(_("The stored file does not match its checksum."), code="checksum_mismatch")
    return data


def attachment_files_rotate() -> int:
    """Re-encrypt every conversation file under the first key (`qorgau rotate-keys`)."""
    count = 0
    for pk in MessageAttachment.objects.values_list("pk", flat=True):
        with transaction.atomic():
            row = MessageAttachment.objects.select_for_update().get(pk=pk)
            row.storage_key = files.rotated(STORAGE, row.storage_key, PREFIX)
            row.save(update_fields=["storage_key"])
        count += 1
    return count


def attachment_files_rotated_on_signal(**_signal: object) -> str:
    """The answer to core's `files_rotation` signal, for `qorgau rotate-keys` to print."""
    return f"{attachment_files_rotate()} conversation files"
