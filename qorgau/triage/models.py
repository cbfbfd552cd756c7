"""What the triage assistant suggested and what people then decided (rules 6(h), 6(j), 10), so
agreement can be measured and the models retrained. No text is stored here: only the labels,
the model version and, once decided, the choice and who made it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    """Where an appeal goes next (rules 6(c), 6(n), 6(o))."""

    AGENCY = "agency", _("Request to an agency")
    CONSULT_ONLY = "consult_only", _("Consultation only")
    TRANSFER_1414 = "transfer_1414", _("Transfer to 1414")
    OUT_OF_COMPETENCE = "out_of_competence", _("Out of competence")


class SubjectKind(models.TextChoices):
    APPEAL_FORM = "appeal_form", _("Registration form")
    APPEAL = "appeal", _("Appeal")
    CONVERSATION = "conversation", _("Written conversation")


class Suggestion(models.Model):
    """One reading of one text; `decided_*` are empty until a person chose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_kind = models.CharField(
        max_length=20, choices=SubjectKind.choices, verbose_name=_("read on")
    )
    subject_number = models.CharField(
        max_length=32, blank=True, db_index=True, verbose_name=_("number")
    )
    model_version = models.CharField(max_length=12, verbose_name=_("model version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("suggested at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shown to"),
    )
    direction = models.PositiveSmallIntegerField(verbose_name=_("suggested direction"))
    direction_confidence = models.FloatField(verbose_name=_("confidence"))
    urgent = models.BooleanField(verbose_name=_("suggested urgent"))
    flags = models.CharField(max_length=200, blank=True, verbose_name=_("suggested risks"))
    route = models.CharField(
        max_length=20, choices=Route.choices, verbose_name=_("suggested route")
    )
    decided_direction = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("decided direction")
    )
    decided_urgent = models.BooleanField(null=True, blank=True, verbose_name=_("decided urgent"))
    decided_route = models.CharField(
        max_length=20, choices=Route.choices, blank=True, verbose_name=_("decided route")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")
        indexes = [models.Index(fields=["subject_kind", "subject_number", "-created_at"])]
