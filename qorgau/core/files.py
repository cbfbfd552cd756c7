"""Files people send (rule 5): what kind the bytes themselves show, never the name or the type a
browser declares; stored encrypted (`crypto.encrypt_bytes`) under a random key in a named
storage; re-encrypted by `qorgau rotate-keys`; served only as a download. Used by the calls app
(recordings, scans of written demands), the agency replies and the appeal's attachments."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpResponse

from qorgau.core import crypto


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first is added to a download's name that lacks them


KINDS = {
    "pdf": FileKind("application/pdf", (".pdf",)),
    "jpeg": FileKind("image/jpeg", (".jpg", ".jpeg")),
    "png": FileKind("image/png", (".png",)),
    "webp": FileKind("image/webp", (".webp",)),
    "gif": FileKind("image/gif", (".gif",)),
    "wav": FileKind("audio/wav", (".wav",)),
    "ogg": FileKind("audio/ogg", (".ogg", ".oga", ".opus")),
    "mp3": FileKind("audio/mpeg", (".mp3",)),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
    ),
    "odt": FileKind("application/vnd.oasis.opendocument.text", (".odt",)),
    "text": FileKind("text/plain; charset=utf-8", (".txt",)),
}
ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
# Control characters a plain text may hold: tab, line feed, form feed, carriage return.
TEXT_CONTROLS = frozenset(b"\t\n\x0c\r")


def _zipped_kind(data: bytes) -> str:
    """docx or odt when the bytes are such a zip container, else ''. Only the central directory
    is read: nothing is decompressed, so a zip bomb costs nothing here."""
    if data[30:77] == ODT_MIMETYPE:  # the ODF rule: first entry "mimetype", stored
        return "odt"
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    return "docx" if {"[Content_Types].xml", "word/document.xml"} <= names else ""


def _is_text(data: bytes) -> bool:
    """UTF-8 without NUL or other control characters (a text file, not a binary)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(byte < 0x20 and byte not in TEXT_CONTROLS for byte in set(data))


def sniff(data: bytes) -> str:
    """The kind the bytes show: a key of KINDS, or '' for anything else."""
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[:4] == b"PK\x03\x04":
        return _zipped_kind(data)
    return "text" if data and _is_text(data) else ""


def store_encrypted(storage: str, data: bytes, prefix: str) -> str:
    """Encrypt and store bytes under a new random key in the named storage; the key is
    returned. The key says nothing about the content."""
    key = f"{prefix}/{uuid.uuid4().hex}.bin"
    return storages[storage].save(key, ContentFile(crypto.encrypt_bytes(data)))


def read_decrypted(storage: str, key: str) -> bytes:
    with storages[storage].open(key, "rb") as handle:
        return crypto.decrypt_bytes(handle.read())


def delete_after_commit(storage: str, key: str) -> None:
    """Remove a stored file once the transaction that stops referring to it has committed."""
    transaction.on_commit(lambda: storages[storage].delete(key))


def rotated(storage: str, key: str, prefix: str) -> str:
    """The file re-encrypted under the current key, stored under a new key; the old file is
    deleted after commit (part of `qorgau rotate-keys`)."""
    with storages[storage].open(key, "rb") as handle:
        token = crypto.rotate_bytes(handle.read())
    new_key = storages[storage].save(f"{prefix}/{uuid.uuid4().hex}.bin", ContentFile(token))
    delete_after_commit(storage, key)
    return new_key


def _extension(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""


def file_response(
    data: bytes, content_type: str, name: str, stem: str, *, full_name: bool = False
) -> HttpResponse:
    """A stored file as a download, never rendered by the browser (attachment, nosniff, not
    cached). The plain `filename` is `stem` with the name's extension when it is a safe one;
    with `full_name` the name itself also goes in `filename*` (RFC 5987), for files whose name
    the reader may see (the appeal's attachments)."""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    disposition = f'attachment; filename="{stem}{_extension(name)}"'
    if full_name:
        disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
