"""Requests to agencies (rule 15), the disclosure policy that limits what they carry, and the
outbox of their deliveries (rules 6(j), 12, 14). The outbox rows are the state of record: a
worker claims them, every attempt is a row, nothing lives only in a queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import AgencyKind, ContactChannel
from qorgau.core.fields import EncryptedTextField


class DisclosureRule(models.Model):
    """Which appeal fields may go to agencies of a kind for a direction (rule 15). The most
    specific rule wins: (direction, kind), then (direction, any kind), then (any, kind), then
    (any, any). Fields not listed never leave; see agency_requests/disclosure.py for the names."""

    direction = models.CharField(
        max_length=4, blank=True, help_text=_("1–13; empty: any."), verbose_name=_("direction")
    )
    agency_kind = models.CharField(
        max_length=20,
        choices=AgencyKind.choices,
        blank=True,
        help_text=_("Empty: any kind."),
        verbose_name=_("agency kind"),
    )
    fields = models.JSONField(default=list, verbose_name=_("fields that may be disclosed"))

    class Meta:
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "agency_kind"], name="disclosure_rule_unique"
            )
        ]


class RequestStatus(models.TextChoices):
    QUEUED = "queued", _("Queued for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    CONFIRMED = "confirmed", _("Confirmed, initial measures taken")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    CLARIFICATION = "clarification", _("Clarification asked")
    PASSED_ON = "passed_on", _("Passed on to a competent body")
    ANSWERED = "answered", _("Answered")


class AgencyRequest(models.Model):
    """What the centre asked one agency about one appeal. `content` is exactly what was sent,
    encrypted and never changed after creation (rule 15)."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="requests")
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.QUEUED
    )
    proposed = models.BooleanField(help_text="Was the agency among the routing proposals?")
    choice_reason = models.CharField(max_length=500, blank=True)
    content = EncryptedTextField(help_text="JSON of the fields sent; immutable.")
    withheld = models.JSONField(default=dict, help_text="Field names left out, masks applied.")
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Deadlines (rule 11, administrative procedure): set when the request is received.
    confirm_due_at = models.DateTimeField(null=True, blank=True, help_text="Urgent: confirm by.")
    answer_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    pass_on_due_at = models.DateTimeField(null=True, blank=True)
    passed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="passed_to"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "status"])]

    @property
    def open(self) -> bool:
        return self.status not in CLOSED_REQUEST_STATUSES


CLOSED_REQUEST_STATUSES = frozenset(
    {RequestStatus.ANSWERED, RequestStatus.PASSED_ON, RequestStatus.FAILED}
)


class ReplyKind(models.TextChoices):
    """What an agency said back (rule 13) or did with the request."""

    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    CONFIRMED = "confirmed", _("Confirmed; initial measures taken")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    CLARIFICATION = "clarification", _("Clarification asked")
    PASSED_ON = "passed_on", _("Passed on to a competent body")
    EXTENSION = "extension", _("Term extended")
    ANSWER = "answer", _("Final answer")


class AgencyReply(models.Model):
    """One step of the agency's side, on the appeal's timeline. `text` may hold personal data
    (measures taken, the answer), so it is encrypted."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=20, choices=ReplyKind.choices)
    text = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()
    extended_until = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Extension: the head or deputy head of the agency who decided it (rule 11).",
    )

    class Meta:
        ordering = ["at", "pk"]


class ReplyAttachment(models.Model):
    """A file sent with a final answer, encrypted at rest (base64 inside the Fernet token)."""

    reply = models.ForeignKey(AgencyReply, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = EncryptedTextField()


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder: the answer is due soon")
    OVERDUE = "overdue", _("Reminder: the answer is overdue")
    ESCALATION = "escalation", _("Escalated to the supervisor")


class DeadlineKind(models.TextChoices):
    """The deadlines of a request (rule 11): each is reminded and escalated on its own."""

    CONFIRMATION = "confirmation", _("Confirmation")
    PASS_ON = "pass_on", _("Take up or pass on")
    ANSWER = "answer", _("Answer")


class DeadlineNotice(models.Model):
    """A reminder to the agency or an escalation to supervisors, once per deadline value."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.CASCADE, related_name="notices")
    deadline = models.CharField(
        max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.ANSWER
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    due_at = models.DateTimeField(help_text="The deadline this notice is about.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "deadline", "kind", "due_at"], name="notice_once_per_deadline"
            )
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed for good")


class Delivery(models.Model):
    """One request on one contact channel. A worker claims it (status sending, lease) and
    records each attempt; an expired lease means the worker died and the row is claimed again."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.CASCADE, related_name="deliveries")
    notice = models.ForeignKey(
        DeadlineNotice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Set for a reminder; empty for the request itself.",
    )
    contact = models.ForeignKey("agencies.AgencyContact", on_delete=models.PROTECT)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    due_at = models.DateTimeField(help_text="Not before: now if urgent, else working hours.")
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "contact"],
                condition=models.Q(notice__isnull=True),
                name="delivery_unique",
            ),
            models.UniqueConstraint(fields=["notice", "contact"], name="notice_delivery_unique"),
        ]
        indexes = [models.Index(fields=["status", "urgent", "due_at"])]


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="history")
    worker = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    error = models.CharField(max_length=500, blank=True)


class LetterDirection(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing letter")
    INCOMING = "incoming", _("Incoming letter")


class Letter(models.Model):
    """Correspondence with agencies about an appeal (rule 6(d)). An outgoing letter is written
    in kk or ru and rendered to PDF from its stored text; an incoming one keeps its scan. Text
    and scans may hold personal data and are encrypted."""

    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, related_name="letters")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=LetterDirection.choices)
    language = models.CharField(max_length=2, choices=[("kk", "Қазақша"), ("ru", "Русский")])
    subject = models.CharField(max_length=300)
    body = EncryptedTextField(blank=True)
    scan_name = models.CharField(max_length=200, blank=True)
    scan = EncryptedTextField(blank=True, help_text="base64 of the scanned letter")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]


class CallResult(models.TextChoices):
    REACHED = "reached", _("Reached, information given or obtained")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class OutboundCall(models.Model):
    """A consultant's call to an agency about an appeal (rules 6(i), 12)."""

    appeal = models.ForeignKey(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="outbound_calls"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)
    summary = EncryptedTextField()
    result = models.CharField(max_length=20, choices=CallResult.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
