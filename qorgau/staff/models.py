"""Users, their roles (core.roles) and API tokens for integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.roles import Role


class User(AbstractUser):
    """A person who signs in. One role; an agency officer is bound to one agency, a
    commissioner to one region (no region: the national Commissioner)."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("reference.Region", null=True, blank=True, on_delete=models.PROTECT)
    extension = models.CharField(
        max_length=20, blank=True, help_text="The consultant's phone extension (screen pop)."
    )
    is_agency_head = models.BooleanField(
        _("head or deputy head of the agency"),
        default=False,
        help_text=_(
            "An agency officer who may decide to extend an answer term (rule 11, the "
            "administrative procedure code); set by the administrator."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="agency_officer_has_agency",
                condition=~Q(role="agency_officer") | Q(agency__isnull=False),
            ),
        ]


class ApiToken(models.Model):
    """A bearer token for integrations; only its keyed digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
