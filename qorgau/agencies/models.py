"""The agency directory (chapter 3, rule 9): central bodies and their territorial departments,
akimats' departments, the Commissioner for Children's Rights and the regional commissioners,
and round-the-clock duty services; their contacts per delivery channel, working hours and
competence (which directions of rule 10 they handle)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.core.i18n import NamedInThreeLanguages


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("Central state body")
    LOCAL = "local", _("Local executive body")
    COMMISSIONER = "commissioner", _("Commissioner for Children's Rights")
    DUTY = "duty", _("Round-the-clock duty service")


class Agency(NamedInThreeLanguages, models.Model):
    key = models.CharField(
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable identifier for imports and integrations.",
    )
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    region = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty for a body with national reach.",
    )
    directions = models.ManyToManyField("reference.Direction", blank=True, related_name="+")
    round_the_clock = models.BooleanField(default=False)
    schedule = models.JSONField(
        default=dict,
        blank=True,
        help_text="Working hours in Kazakhstan time (workdays.schedule); empty: standard hours.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name_plural = "agencies"


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook (HTTPS, signed)")
    PHONE = "phone", _("Phone (oral contact)")


class AgencyContact(models.Model):
    """Where an agency receives requests on one channel. A webhook's body is signed with
    HMAC-SHA256 under `secret`; phone contacts are for the consultant's oral contact (rule 12)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    address = models.CharField(max_length=300, help_text="E-mail address, URL or phone number.")
    secret = EncryptedTextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "channel", "address"], name="contact_unique")
        ]
