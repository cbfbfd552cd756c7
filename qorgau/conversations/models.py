"""A written conversation (rule 6(f)) and its messages. Texts and the contact are personal data
and stored encrypted; the secret code only as a digest (appeals' status-code helpers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField


class ApplicantKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class Channel(models.TextChoices):
    """Where a written appeal came in; replies go back the same way (rule 6(f), 2(7))."""

    WEB = "web", _("Web resource")
    SCHOOL = "school", _("School QR form")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Direction(models.TextChoices):
    IN = "in", _("From the applicant")
    OUT = "out", _("From the centre")


class ConversationYearCounter(models.Model):
    """Last conversation number given in a Kazakhstan calendar year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Conversation(models.Model):
    """What one applicant wrote to the centre, and the centre's replies, under one number."""

    number = models.CharField(max_length=20, unique=True, verbose_name=_("number"))
    code_digest = models.CharField(max_length=64)
    language = models.CharField(max_length=2, verbose_name=_("language"))
    region = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    applicant_kind = models.CharField(
        max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.ANONYMOUS
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.WEB, verbose_name=_("channel")
    )
    name = EncryptedTextField(blank=True, default="", verbose_name=_("name"))
    contact = EncryptedTextField(blank=True, default="", verbose_name=_("contact"))
    sender_index = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_index=True,
        help_text="Blind index of the sender's id on a messenger or e-mail (sender_blind_index).",
    )
    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    urgent = models.BooleanField(
        default=False,
        verbose_name=_("urgent"),
        help_text="Risk to life or health seen (rule 6(j)): first in the inbox, shorter targets.",
    )
    assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultant"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_inbound_at = models.DateTimeField(default=timezone.now)
    last_outbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "last_inbound_at"], name="conv_inbox")]

    @property
    def waiting(self) -> bool:
        """The applicant wrote last: the centre owes a reply."""
        return self.last_outbound_at is None or self.last_outbound_at < self.last_inbound_at


class Message(models.Model):
    """One message of a conversation: from the applicant (no author) or from a staff member."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = EncryptedTextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class MessageAttachment(models.Model):
    """A photo or PDF sent with a message (rule 6(f)): checked by its bytes, photos re-encoded
    without their metadata (conversations/attachments.py), encrypted in the `attachments`
    storage under a random key. The sender's file name is not kept: a download is named
    `attachment-<id>.<ext>`."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["pk"]

    @property
    def download_name(self) -> str:
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/webp": ".webp"}
        return f"attachment-{self.pk}{extension.get(self.content_type, '.png')}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class MailMessageId(models.Model):
    """The Message-ID of an e-mail of a conversation, inbound or outbound (rule 2(7)): a reply
    naming one in In-Reply-To or References joins that conversation, and an inbound mail seen
    twice is stored once (the digest is unique). The header is kept encrypted, for the
    References of our replies; it is found by its keyed digest."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="mail_ids"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    digest = models.CharField(max_length=64, unique=True)
    header = EncryptedTextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
