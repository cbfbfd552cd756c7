"""Users, their roles (core.roles) and API tokens for integrations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.roles import Role


class StaffUserManager(UserManager["User"]):
    """`create_superuser` (the createsuperuser command, also non-interactive) runs the password
    validators and makes the administrator role; `create_user` is for code that sets test or
    random passwords."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        if password is not None:
            validate_password(password, self.model(username=username, email=email or ""))
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in. One role; an agency officer is bound to one agency, a
    commissioner to one region (no region: the national Commissioner)."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True, verbose_name=_("role"))
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("agency")
    )
    region = models.ForeignKey(
        "reference.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("region"),
    )
    extension = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("The consultant's phone extension (screen pop)."),
        verbose_name=_("phone extension"),
    )
    is_agency_head = models.BooleanField(
        _("head or deputy head of the agency"),
        default=False,
        help_text=_(
            "An agency officer who may decide to extend an answer term (rule 11, the "
            "administrative procedure code); set by the administrator."
        ),
    )

    objects = StaffUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                name="agency_officer_has_agency",
                condition=~Q(role="agency_officer") | Q(agency__isnull=False),
            ),
        ]


class ApiToken(models.Model):
    """A bearer token for integrations; only its keyed digest is stored. It stops working at
    `expires_at` or when revoked (rule 5)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True, verbose_name=_("digest"))
    label = models.CharField(max_length=100, blank=True, verbose_name=_("label"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user.username}: {self.label or self.pk}"


class SignInFailure(models.Model):
    """One failed sign-in, or one still being checked (staff/throttle.py). Rows, not
    in-memory counters, so every app process counts the same failures."""

    account = models.CharField(max_length=64)  # keyed digest of the lower-cased user name
    address = models.CharField(max_length=45)  # the client's REMOTE_ADDR
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["account", "address", "at"], name="signin_pair"),
            models.Index(fields=["address", "at"], name="signin_address"),
            models.Index(fields=["account", "at"], name="signin_account"),
            models.Index(fields=["at"], name="signin_at"),  # forgetting old failures
        ]
