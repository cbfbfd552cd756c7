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
        help_text=_("Stable identifier for imports and integrations."),
        verbose_name=_("key"),
    )
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, verbose_name=_("kind"))
    name_kk = models.CharField(max_length=300, verbose_name=_("name (Kazakh)"))
    name_ru = models.CharField(max_length=300, verbose_name=_("name (Russian)"))
    name_en = models.CharField(max_length=300, verbose_name=_("name (English)"))
    region = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for a body with national reach."),
        verbose_name=_("region"),
    )
    directions = models.ManyToManyField(
        "reference.Direction", blank=True, related_name="+", verbose_name=_("directions")
    )
    round_the_clock = models.BooleanField(default=False, verbose_name=_("round the clock"))
    schedule = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Working hours in Kazakhstan time (workdays.schedule); empty: standard hours."),
        verbose_name=_("working hours"),
    )
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook (HTTPS, signed)")
    PHONE = "phone", _("Phone (oral contact)")


class AgencyContact(models.Model):
    """Where an agency receives requests on one channel. A webhook's body is signed with
    HMAC-SHA256 under `secret`; phone contacts are for the consultant's oral contact (rule 12)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("agency")
    )
    channel = models.CharField(
        max_length=10, choices=ContactChannel.choices, verbose_name=_("channel")
    )
    address = models.CharField(
        max_length=300,
        help_text=_("E-mail address, URL or phone number."),
        verbose_name=_("address"),
    )
    secret = EncryptedTextField(blank=True, verbose_name=_("secret"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["agency", "channel", "address"], name="contact_unique")
        ]
