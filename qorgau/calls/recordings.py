"""Call recordings at rest (rule 5; decision 0008): what the phone system uploads is checked to
be WAV, OGG or MP3, encrypted, stored through Django's `recordings` storage (disk by default;
an S3-compatible backend takes over by configuration), with a SHA-256 checksum of the audio
kept on the row and checked again on every read. Expired recordings are deleted by
`recording_expire_due`, and each deletion is audited; a recording named in a written demand
that is undecided, or approved with its access open, is evidence and is kept (rule 6(p))."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.audit.events import AuditEvent
from qorgau.calls.auditing import audit_call
from qorgau.calls.models import Call, PhoneSystem, Recording, RecordingDemand
from qorgau.core import files
from qorgau.core.errors import Conflict, FieldErrors, NotFound
from qorgau.core.files import sniff

STORAGE = "recordings"
FORMATS = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/ogg": "ogg", "audio/mpeg": "mp3"}


def audio_format(content_type: str, data: bytes) -> str:
    """wav / ogg / mp3 when the declared type and the bytes agree; otherwise a field error."""
    declared = FORMATS.get(content_type.split(";")[0].strip().lower(), "")
    if not declared:
        raise FieldErrors(fields={"content_type": _("Send audio/wav, audio/ogg or audio/mpeg.")})
    if sniff(data) != declared:
        raise FieldErrors(
            fields={"body": _("The body is not a %(format)s file.") % {"format": declared.upper()}}
        )
    return declared


def store_encrypted(data: bytes, prefix: str) -> str:
    """Encrypt and store bytes under a new random key; the key is returned."""
    return files.store_encrypted(STORAGE, data, prefix)


def recording_upload(
    *, system: PhoneSystem, call_id: str, content_type: str, data: bytes
) -> tuple[Recording, bool]:
    """Store the recording of one of this phone system's calls; (recording, created). The same
    audio again is a no-op; different audio for a call that has one is refused: a recording
    the centre holds is evidence and is not replaced."""
    fmt = audio_format(content_type, data)
    digest = hashlib.sha256(data).hexdigest()
    call = Call.objects.filter(phone_system=system, call_id=call_id).first()
    if call is None:
        raise NotFound()
    existing = Recording.objects.filter(call=call).first()
    if existing is not None:
        return _same(existing, digest), False
    key = store_encrypted(data, "calls")
    now = timezone.now()
    try:
        with transaction.atomic():
            recording = Recording.objects.create(
                call=call,
                storage_key=key,
                content_type=f"audio/{'mpeg' if fmt == 'mp3' else fmt}",
                size=len(data),
                sha256=digest,
                uploaded_at=now,
                delete_after=now + timedelta(days=settings.RECORDING_RETENTION_DAYS),
            )
            audit_call(
                actor=None,
                event=AuditEvent.RECORDING_STORE,
                ref=call.pk,
                reason=f"uploaded by {system.name}",
                details={"size": len(data), "sha256": digest},
            )
    except IntegrityError:  # a concurrent upload of the same call won
        storages[STORAGE].delete(key)
        return _same(Recording.objects.get(call=call), digest), False
    except Exception:
        storages[STORAGE].delete(key)
        raise
    return recording, True


def _same(existing: Recording, digest: str) -> Recording:
    if existing.sha256 != digest:
        raise Conflict(_("This call already has a different recording."), code="recording_differs")
    return existing


def recording_audio(recording: Recording) -> bytes:
    """The decrypted audio, after checking it against the stored checksum."""
    if recording.deleted_at is not None:
        raise NotFound(
            _("This recording was deleted when its retention period ended."),
            code="recording_deleted",
        )
    data = files.read_decrypted(STORAGE, recording.storage_key)
    if hashlib.sha256(data).hexdigest() != recording.sha256:
        raise Conflict(
            _("The stored recording does not match its checksum."), code="checksum_mismatch"
        )
    return data


def _due(now: datetime) -> QuerySet[Recording]:
    """Recordings past their retention period that no written demand holds (rule 6(p)): a call
    named in an undecided demand, or in an approved one whose access is open, keeps its file."""
    # No NULL in the list: `NOT IN` a list with a NULL would keep every recording.
    held = RecordingDemand.objects.holding_evidence(now).filter(calls__isnull=False).values("calls")
    return Recording.objects.filter(deleted_at__isnull=True, delete_after__lte=now).exclude(
        call_id__in=held
    )


def recording_expire_due() -> int:
    """Delete every recording past its retention period unless a written demand holds it;
    each deletion is audited. Returns how many were deleted. The hold is checked again under
    the row lock, which `demand_register` also takes, so a demand registered while the sweep
    runs is never missed. A system action (`qorgau recordings expire`): no one acts, so it takes
    no actor and its audit rows name none."""
    now = timezone.now()
    deleted = 0
    for pk in list(_due(now).values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            recording = _due(now).select_for_update(skip_locked=True).filter(pk=pk).first()
            if recording is None:
                continue
            recording.deleted_at = now
            recording.save(update_fields=["deleted_at"])
            audit_call(
                actor=None,
                event=AuditEvent.RECORDING_DELETE,
                ref=recording.call_id,
                reason="retention period ended",
                details={
                    "sha256": recording.sha256,
                    "uploaded_at": recording.uploaded_at.isoformat(),
                },
            )
            files.delete_after_commit(STORAGE, recording.storage_key)
            deleted += 1
    return deleted


def files_rotate() -> int:
    """Re-encrypt every stored recording and demand scan under the first key (part of
    `qorgau rotate-keys`); returns how many files were rewritten."""
    count = 0
    for recording in Recording.objects.filter(deleted_at__isnull=True):
        with transaction.atomic():
            recording.storage_key = files.rotated(STORAGE, recording.storage_key, "calls")
            recording.save(update_fields=["storage_key"])
        count += 1
    for demand in RecordingDemand.objects.all():
        with transaction.atomic():
            demand.scan_key = files.rotated(STORAGE, demand.scan_key, "demands")
            demand.save(update_fields=["scan_key"])
        count += 1
    return count


def files_rotated_on_signal(**_signal: object) -> str:
    """The answer to core's `files_rotation` signal, for `qorgau rotate_keys` to print."""
    return f"{files_rotate()} recordings and scans"
