"""Calls as the phone system reports them. Events are stored as received (idempotent by the
phone system's event id); a call's state is recomputed from all its events in time order, so
events that arrive twice or out of order still give the right call."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.core.i18n import NamedInThreeLanguages


class PhoneSystem(models.Model):
    """A PBX that posts CTI events; authenticated by its own bearer token (digest stored)."""

    name = models.CharField(max_length=100, unique=True)
    token_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    NEW_CALL = "new_call", _("New call")
    ANSWER = "answer", _("Answered")
    HOLD = "hold", _("On hold")
    RESUME = "resume", _("Resumed")
    TRANSFER = "transfer", _("Transferred")
    HANGUP = "hangup", _("Hung up")


class CallState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    TALKING = "talking", _("Talking")
    HOLD = "hold", _("On hold")
    ENDED = "ended", _("Ended")


class Line(models.TextChoices):
    """The language queue the caller chose (rule 6(a))."""

    KK = "kk", _("Kazakh line")
    RU = "ru", _("Russian line")


class Call(models.Model):
    phone_system = models.ForeignKey(PhoneSystem, on_delete=models.PROTECT)
    call_id = models.CharField(max_length=100)
    direction = models.CharField(max_length=10, default="inbound")
    caller = EncryptedTextField(blank=True, help_text="Empty when the number is withheld.")
    caller_index = models.CharField(max_length=40, blank=True, db_index=True)
    called = models.CharField(max_length=30, blank=True)
    line = models.CharField(max_length=2, choices=Line.choices, blank=True)
    extension = models.CharField(max_length=20, blank=True, db_index=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=CallState.choices, default=CallState.WAITING)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    hangup_cause = models.CharField(max_length=40, blank=True)
    transferred_to = models.CharField(max_length=40, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    # The newest event applied: a later one is applied alone, an earlier one replays them all.
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_event_kind = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_system", "call_id"], name="call_unique")
        ]
        indexes = [models.Index(fields=["state", "line"])]


class CallEvent(models.Model):
    """One CTI event exactly as received (without the caller's number, which is on the call)."""

    phone_system = models.ForeignKey(PhoneSystem, on_delete=models.PROTECT)
    event_id = models.CharField(max_length=100)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    at = models.DateTimeField()
    extension = models.CharField(max_length=20, blank=True)
    cause = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["phone_system", "event_id"], name="event_once")
        ]


class CallOutcome(models.TextChoices):
    """What the consultant did with a call that the centre does not resolve itself."""

    TRANSFER_1414 = "transfer_1414", _("Transferred to 1414 (rule 6(n))")
    REFERRAL = "referral", _("Referred to the competent body (rule 6(o))")


class ReferralBody(NamedInThreeLanguages, models.Model):
    """A body competent for questions outside the centre's competence (rule 6(o)), kept by
    administrators: the consultant tells the caller its name, what it handles and its contacts."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    handles = models.TextField(_("what it handles"))
    contacts = models.TextField(_("contacts"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_kk"]
        verbose_name = _("referral body")
        verbose_name_plural = _("referral directory")


class CallOutcomeRecord(models.Model):
    """The outcome of a call: a transfer to 1414 or a referral, with what the caller was told."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(max_length=20, choices=CallOutcome.choices)
    note = EncryptedTextField(help_text="What the consultant told the caller.")
    referral_body = models.ForeignKey(
        ReferralBody, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()


class Recording(models.Model):
    """A call's recording, stored encrypted in the `recordings` storage (rule 5). `sha256` is
    the checksum of the audio as uploaded; it is checked again whenever the file is read.
    Nobody may listen by default: only a written demand's recipient (rule 6(p)) or a quality
    officer with an open review task (access.py)."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="recording")
    storage_key = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    delete_after = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)


class DemandStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DemandQuerySet(models.QuerySet["RecordingDemand"]):
    def holding_evidence(self, now: datetime) -> DemandQuerySet:
        """Demands that keep their calls' recordings from deletion (rule 6(p)): undecided ones,
        and approved ones whose access is still open. A rejected demand holds nothing."""
        return self.filter(
            models.Q(status=DemandStatus.REGISTERED)
            | models.Q(status=DemandStatus.APPROVED, access_until__gt=now)
        )


class RecordingDemand(models.Model):
    """A written demand of the authorised body for call recordings (rule 6(p)). Registered by a
    ministry auditor, approved by a supervisor; then only `recipient` downloads the recordings
    of `calls`, until `access_until`."""

    number = models.CharField(max_length=60)
    dated = models.DateField()
    signer = models.CharField(max_length=200)
    scan_key = models.CharField(max_length=200)
    scan_name = models.CharField(max_length=200)
    calls = models.ManyToManyField(Call, related_name="demands")
    deadline = models.DateField(help_text="The date by which the demand asks for the recordings.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=DemandStatus.choices, default=DemandStatus.REGISTERED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    access_until = models.DateTimeField(null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]


class ReviewTask(models.Model):
    """A quality review of one call assigned to a quality officer; while it is open they may
    listen to the call's recording (decision 0008)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="review_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_tasks"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
