"""Case work on a registered appeal (rules 6(c), 6(d), 6(h)): what consultants and supervisors
add to an appeal after registration. The appeal itself and its corrections live in appeals."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qorgau.core.fields import EncryptedTextField
from qorgau.core.files import KINDS, FileKind

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
