"""The appeal and what hangs on it. Personal data is in EncryptedTextField columns (rule 5);
IIN and phone also have blind indexes for finding a caller's earlier appeals."""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_AGENCY = "waiting_agency", _("Waiting for agency")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Language(models.TextChoices):
    """The language the applicant chose (rule 6(a))."""

    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    ANONYMOUS = "anonymous", _("Anonymous")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class PersonKind(models.TextChoices):
    CHILD = "child", _("Child")
    WOMAN = "woman", _("Woman")
    OTHER = "other", _("Other")


class Appeal(models.Model):
    # Taken as the last step of registration; the provisional "pending-…" value and the empty
    # seq are never committed (appeals/actions.py: _save_registration).
    number = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField(null=True)
    channel = models.ForeignKey("reference.Channel", on_delete=models.PROTECT)
    received_at = models.DateTimeField(db_index=True)
    language = models.CharField(max_length=2, choices=Language.choices)

    applicant_kind = models.CharField(max_length=20, choices=ApplicantKind.choices)
    applicant_name = EncryptedTextField(blank=True)
    applicant_iin = EncryptedTextField(blank=True)
    applicant_phone = EncryptedTextField(blank=True)
    applicant_email = EncryptedTextField(blank=True)
    applicant_address = EncryptedTextField(blank=True)
    iin_index = models.CharField(max_length=40, blank=True, db_index=True)
    phone_index = models.CharField(max_length=40, blank=True, db_index=True)

    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT)
    direction = models.ForeignKey("reference.Direction", on_delete=models.PROTECT)
    summary = models.CharField(max_length=200)
    description = EncryptedTextField(blank=True)

    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    urgency_reason = models.CharField(max_length=300, blank=True)
    risk_violence_now = models.BooleanField(default=False)
    risk_threat_to_life = models.BooleanField(default=False)
    risk_suicide = models.BooleanField(default=False)
    risk_child_without_care = models.BooleanField(default=False)
    # Only a supervisor lowers an urgent appeal, with a reason (rule 6(j); actions.py).
    urgency_lowered_at = models.DateTimeField(null=True, blank=True)
    urgency_lowered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgency_lowered_reason = models.CharField(max_length=300, blank=True)

    help_given = models.ManyToManyField("reference.HelpKind", blank=True)
    outcome = models.ForeignKey(
        "reference.Outcome", null=True, blank=True, on_delete=models.PROTECT
    )
    competent_body = models.CharField(
        max_length=300, blank=True, help_text="Rule 6(o): the body the applicant was told of."
    )
    concerns_child = models.BooleanField(default=False, db_index=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    assigned_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_code_digest = models.CharField(max_length=64)
    # A duplicate merged into another appeal by a supervisor: closed, kept with all its records
    # (appeals/actions.py: appeal_merge; docs/architecture/appeals.md, "Merging duplicates").
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_appeals"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="appeal_year_seq")]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["direction", "received_at"]),
            models.Index(fields=["region", "received_at"]),
            # The supervisors' alert polls urgent appeals that are not closed every few seconds.
            models.Index(
                fields=["created_at"],
                name="appeal_urgent_open",
                condition=models.Q(urgency="urgent") & ~models.Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def merged_duplicates(self) -> models.QuerySet[Appeal]:
        """The duplicates merged into this appeal, in the order they were merged."""
        return self.merged_appeals.order_by("merged_at", "id")

    @property
    def risk_flags(self) -> list[str]:
        return [name for name, _label in RISK_FLAGS if getattr(self, f"risk_{name}")]

    @property
    def risk_labels(self) -> list[str]:
        return [str(label) for name, label in RISK_FLAGS if getattr(self, f"risk_{name}")]


def appeal_version(appeal: Appeal) -> str:
    """The appeal's version for optimistic concurrency: its last change to the microsecond.
    Every action that saves the appeal saves `updated_at`, so any change gives a new one."""
    return appeal.updated_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")


RISK_FLAGS: list[tuple[str, StrOrPromise]] = [
    ("violence_now", _("Violence happening now")),
    ("threat_to_life", _("Threat to life")),
    ("suicide", _("Suicide risk")),
    ("child_without_care", _("Child without care")),
]


class PersonConcerned(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="persons")
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    name = EncryptedTextField(blank=True)


class StatusChange(models.Model):
    """One step of the lifecycle; the first row of an appeal is its registration."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    comment = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class AssignmentChange(models.Model):
    """One change of the appeal's consultant (appeals/actions.py: appeal_assign). The reason is
    free text that may name people, so it is encrypted and shown only with personal data."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="assignments")
    from_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class YearCounter(models.Model):
    """Last registration number given in a Kazakhstan calendar year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class IdempotentRequest(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE)
    code = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]


class StatusLookupAttempt(models.Model):
    """A failed public status look-up, kept a day for the supervisors' board (rule 6(l);
    appeals/lookup_throttle.py). `client` is the address as throttling counts it."""

    client = models.CharField(max_length=64)
    number = models.CharField(max_length=40)
    at = models.DateTimeField(db_index=True)


class StatusLookupCounter(models.Model):
    """Look-ups and failures of one client address in its current window, updated atomically
    (appeals/lookup_throttle.py): parallel guesses cannot pass the limit."""

    client = models.CharField(max_length=64, unique=True)
    started = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)


class SavedFilter(models.Model):
    """A staff member's named set of list filters (rule 6(h)). `query` is the list's query
    string built from validated filter fields only, so it never holds personal data."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name")
        ]


class AppealRevision(models.Model):
    """One correction of an appeal after registration (appeals/actions.py: appeal_correct).
    `changes` is JSON of [{"field", "old", "new"}] with display values, encrypted like `reason`
    because either can hold personal data (rule 5)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="revisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = EncryptedTextField(blank=True)
    changes = EncryptedTextField()

    class Meta:
        ordering = ["at", "id"]

    @property
    def change_list(self) -> list[dict[str, str]]:
        return list(json.loads(self.changes))
