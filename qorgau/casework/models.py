"""Case work on a registered appeal (rules 6(c), 6(d), 6(h)): what consultants and supervisors
add to an appeal after registration. The appeal itself and its corrections live in appeals.

Internal notes are append-only: a note is never edited or deleted, a correction is a new note
(rule 5: the record of what staff knew and when stays whole). Follow-ups (a task, or a callback
to the applicant) are planned with a due time and an assignee, then done with a result or
cancelled with a reason; their texts may name people and are encrypted."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.fields import EncryptedTextField
from qorgau.core.files import KINDS, FileKind


class Note(models.Model):
    """An internal note on an appeal: read and written only by roles with `case.notes`."""

    appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("appeal"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("written at"))
    text = EncryptedTextField(verbose_name=_("text"))

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["appeal", "at"], name="casework_note_appeal_at")]


class FollowUpKind(models.TextChoices):
    TASK = "task", _("Task")
    CALLBACK = "callback", _("Call the applicant back")


class FollowUp(models.Model):
    """A task or a callback on an appeal, due at a moment, assigned to a consultant or a
    supervisor. Open until done (with a result) or cancelled (with a reason)."""

    appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("appeal"),
    )
    kind = models.CharField(max_length=10, choices=FollowUpKind.choices, verbose_name=_("kind"))
    what = EncryptedTextField(verbose_name=_("what to do"))
    due_at = models.DateTimeField(verbose_name=_("due at"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    result = EncryptedTextField(blank=True, verbose_name=_("result"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = EncryptedTextField(blank=True, verbose_name=_("reason for cancelling"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(
                fields=["assignee", "due_at"],
                name="casework_followup_open_due",
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(fields=["appeal", "due_at"], name="casework_followup_appeal"),
        ]

    @property
    def open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    def overdue(self, now: datetime) -> bool:
        return self.open and self.due_at < now


ATTACHMENT_STORAGE = "attachments"  # settings.STORAGES: where the encrypted bytes are kept


class Attachment(models.Model):
    """A file attached to an appeal: a photo, a scan, a document or a voice message the applicant
    sent, or one the consultant received (rule 5). The bytes are encrypted in the `attachments`
    storage under a random key; the name may hold a person's name and is encrypted too. Removing
    hides the file from the appeal and deletes its bytes; the row stays as the record of what
    was attached, by whom and why it was removed (docs/architecture/casework.md)."""

    appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=pgettext_lazy("attachment", "appeal"),
    )
    name = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    storage_key = models.CharField(_("storage key"), max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attached by"),
    )
    uploaded_at = models.DateTimeField(_("attached at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_reason = EncryptedTextField(_("reason for removal"), blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["appeal", "removed_at"], name="attachment_appeal_shown")]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.appeal_id}/{self.pk}"

    def _kind(self) -> tuple[str, FileKind]:
        return next(
            ((key, k) for key, k in KINDS.items() if k.content_type == self.content_type),
            ("", FileKind(self.content_type, ("",))),
        )

    def kind_label(self) -> str:
        """What kind of file it is, for people: PDF, JPEG, … or "Plain text"."""
        key, _kind = self._kind()
        return str(_("Plain text")) if key == "text" else key.upper()

    def download_name(self) -> str:
        """The name a download is saved under: the kind's extension is added when the name
        lacks it, so a file never opens as something its bytes are not."""
        extensions = self._kind()[1].extensions
        suffix = PurePath(self.name).suffix.lower()
        return self.name if suffix in extensions else self.name + extensions[0]
