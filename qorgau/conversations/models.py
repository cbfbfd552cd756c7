"""A written conversation (rule 6(f)) and its messages. Texts and the contact are personal data
and stored encrypted; the secret code only as a digest (appeals' status-code helpers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.outreach.models import HeardFrom


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
    # outreach (rule 6(s)): how the applicant reached 111
    school = models.ForeignKey(
        "outreach.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("school"),
        help_text="The school whose QR form was used (channel school).",
    )
    source = models.ForeignKey(
        "outreach.SourceCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("source code"),
        help_text="The campaign link (/c/<code>/) the form was opened by.",
    )
    heard_from = models.CharField(
        max_length=10,
        choices=HeardFrom.choices,
        blank=True,
        default="",
        verbose_name=_("heard of 111"),
    )

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
