"""The agency directory. Issue 2 needs only what an agency officer is bound to; routing,
contacts and schedules come with the agency interaction work (issue 3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.i18n import NamedInThreeLanguages


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("Central state body")
    LOCAL = "local", _("Local executive body")
    COMMISSIONER = "commissioner", _("Commissioner for Children's Rights")
    DUTY = "duty", _("Round-the-clock duty service")


class Agency(NamedInThreeLanguages, models.Model):
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

    class Meta:
        ordering = ["name_ru"]
        verbose_name_plural = "agencies"
