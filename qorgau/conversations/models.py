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


class Outcome(models.TextChoices):
    """How a conversation was closed (rules 6(b), 6(n), 6(o))."""

    ANSWERED = "answered", _("Consultation given")
    TRANSFERRED_1414 = "transferred_1414", _("Transferred to 1414")
    OUT_OF_COMPETENCE = "out_of_competence", _("Outside the centre's competence")
    NO_REPLY_NEEDED = "no_reply_needed", _("No reply needed (spam, test)")


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
    awaiting_reply = models.BooleanField(
        default=True,
        help_text="The applicant wrote last: the centre owes a reply (the inbox's order).",
    )
    # Safety on arrival (rule 6(j)): the flags risk_assess found in any of the applicant's
    # messages, comma-separated (never the words themselves).
    risk_flags = models.CharField(max_length=120, blank=True, default="")
    # --- the inbox's work on it (queues, first reply, closing, appeal) ---
    first_reply_at = models.DateTimeField(
        null=True, blank=True, help_text="The centre's first reply: the first-response timer."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    competent_body = models.CharField(
        max_length=300, blank=True, default="", help_text="Named to the applicant (rule 6(o))."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appeal"),
    )
    appeal_registered_here = models.BooleanField(
        default=False,
        help_text="The appeal was registered from this conversation: its code opens the appeal's "
        "status too (public/status.py).",
    )
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
        indexes = [
            models.Index(fields=["status", "last_inbound_at"], name="conv_inbox"),
            # the inbox's order over the conversations not closed, read a page at a time
            models.Index(
                fields=["-urgent", "-awaiting_reply", "last_inbound_at", "id"],
                condition=~models.Q(status="closed"),
                name="conv_queue",
            ),
            # the queues' counts without reading the rows (an index-only scan)
            models.Index(
                fields=["language", "urgent", "assigned"],
                condition=~models.Q(status="closed"),
                name="conv_open_counts",
            ),
            # the urgent alert, polled every few seconds from every staff page (rule 6(j))
            models.Index(
                fields=["last_inbound_at"],
                condition=models.Q(urgent=True, assigned__isnull=True),
                name="conv_urgent_unclaimed",
            ),
        ]

    @property
    def waiting(self) -> bool:
        """The applicant wrote last: the centre owes a reply."""
        return self.awaiting_reply


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
    # Safety on arrival (rule 6(j)): the flags risk_assess found in this message.
    risk_flags = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]


class OutgoingKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    NOTICE = "notice", _("Notice that a reply is waiting")
    CODE = "code", _("Number and code of a new conversation")


class OutgoingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Failed for good")


class Outgoing(models.Model):
    """One text to send to an applicant on a channel (conversations/outbox.py): a reply on the
    messenger the conversation came by, a notice that a reply is waiting (never its content,
    rule 5), or a new conversation's number and code. The text and address are kept encrypted
    and only until the row is sent or dead. `last_error` never holds personal data."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="outgoing"
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing",
        help_text="The reply sent; empty for a notice or a number and code.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    kind = models.CharField(max_length=10, choices=OutgoingKind.choices, verbose_name=_("kind"))
    address = EncryptedTextField(
        blank=True, default="", help_text="Chat id, phone number or e-mail address."
    )
    text = EncryptedTextField(blank=True, default="")
    status = models.CharField(
        max_length=10,
        choices=OutgoingStatus.choices,
        default=OutgoingStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    due_at = models.DateTimeField(default=timezone.now, verbose_name=_("due"))
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("last error"))
    external_id = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("message to an applicant")
        verbose_name_plural = _("messages to applicants (outbox)")
        indexes = [models.Index(fields=["status", "due_at"], name="conv_outgoing_due")]


class ChannelSettings(models.Model):
    """How the centre reaches one messenger or gateway; edited by the administrator. Secrets are
    encrypted and write-only in the admin (conversations/admin.py). A disabled channel's webhook
    answers 404 and nothing is sent on it."""

    channel = models.CharField(
        max_length=10,
        choices=[(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.SCHOOL)],
        unique=True,
        verbose_name=_("channel"),
    )
    enabled = models.BooleanField(default=False, verbose_name=_("enabled"))
    base_url = models.URLField(
        blank=True,
        verbose_name=_("base URL"),
        help_text="Telegram: https://api.telegram.org; WhatsApp: https://graph.facebook.com/v21.0;"
        " SMS: the gateway's send URL. Empty: the provider's public default.",
    )
    phone_number_id = models.CharField(
        max_length=64, blank=True, verbose_name=_("phone number id"), help_text="WhatsApp only."
    )
    sms_fields = models.JSONField(
        default=dict,
        blank=True,
        verbose_name=_("SMS request fields"),
        help_text="SMS only: the JSON fields POSTed to the gateway, with {to} and {text} filled"
        ' in, e.g. {"phone": "{to}", "message": "{text}", "sender": "111"}.',
    )
    token = EncryptedTextField(
        blank=True,
        default="",
        verbose_name=_("token"),
        help_text="Telegram bot token; WhatsApp access token; SMS gateway API key (Bearer).",
    )
    webhook_secret = EncryptedTextField(
        blank=True,
        default="",
        verbose_name=_("webhook secret"),
        help_text="Telegram secret_token; WhatsApp app secret (signature); SMS shared secret.",
    )
    verify_token = EncryptedTextField(
        blank=True,
        default="",
        verbose_name=_("verify token"),
        help_text="WhatsApp only: the token of the webhook's GET verification.",
    )

    SECRETS = ("token", "webhook_secret", "verify_token")

    class Meta:
        verbose_name = _("messenger channel")
        verbose_name_plural = _("messenger channels")

    def __str__(self) -> str:
        return str(self.get_channel_display())

    def __repr__(self) -> str:  # never a secret in a log or a traceback
        return f"<ChannelSettings {self.channel} enabled={self.enabled}>"


class BlockedSender(models.Model):
    """A sender a supervisor blocked (rule 5: abuse of the channel): their messages are stored
    nowhere and get no reply, except a risky one (rule 6(j)), which always gets through. Found by
    the same blind index as the conversation's sender (for the web form: the client address's)."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    sender_index = models.CharField(max_length=40)
    number = models.CharField(
        max_length=20, help_text="The conversation the sender was blocked from."
    )
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "sender_index"], name="conv_blocked_sender")]


class SenderWindow(models.Model):
    """Messages counted from one sender (a blind index with its channel, or a client address's)
    in its current window, shared by every process (conversations/abuse.py)."""

    key = models.CharField(max_length=80, primary_key=True)
    started = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)


class UsedChallenge(models.Model):
    """A proof-of-work challenge of the public form already spent (conversations/proof.py): a
    digest of it, kept until it would have expired anyway."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)


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
