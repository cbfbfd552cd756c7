"""Calls as the phone system reports them. Events are stored as received (idempotent by the
phone system's event id); a call's state is recomputed from all its events in time order, so
events that arrive twice or out of order still give the right call."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField


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
