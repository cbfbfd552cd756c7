"""Schools (each with a secret token for its QR form) and campaign source codes: how the public
reaches 111 (rules 6(f), 6(s)). Conversations point here; this app never imports them."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 16  # 128 bits: a school's QR link can be neither guessed nor enumerated


def school_token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class HeardFrom(models.TextChoices):
    """The answer to "How did you hear of 111?" on the write form (rule 6(s))."""

    SCHOOL = "school", _("At school")
    TV = "tv", _("On TV")
    RADIO = "radio", _("On the radio")
    INTERNET = "internet", _("On the internet or social media")
    FRIENDS = "friends", _("From friends or family")
    POSTER = "poster", _("From a poster or an outdoor advertisement")
    TEACHER = "teacher", _("From a teacher or school psychologist")
    OTHER = "other", _("Somewhere else")


class School(models.Model):
    """A school whose pupils reach the written form by the QR code on its poster."""

    region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    district = models.CharField(max_length=200, verbose_name=_("district"))
    name = models.CharField(max_length=300, verbose_name=_("name"))
    name_ru = models.CharField(
        max_length=300, blank=True, default="", verbose_name=_("name in Russian")
    )
    bin = models.CharField(
        max_length=12, blank=True, default="", verbose_name=_("BIN"), help_text="12 digits"
    )
    # the secret of the school's QR link; made on first save (a migration imports no product code)
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["region__position", "district", "name", "pk"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(fields=["bin"], condition=~Q(bin=""), name="school_bin_unique")
        ]

    @property
    def display_name(self) -> str:
        """The Russian name on Russian pages when there is one; otherwise the name."""
        return self.name_ru if (get_language() or "kk")[:2] == "ru" and self.name_ru else self.name

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token:
            self.token = school_token_new()
        super().save(*args, **kwargs)


class SourceCode(models.Model):
    """A campaign's code (a link /c/<code>/ on a poster, an advert, a broadcast): conversations
    that came by it are counted per code (rule 6(s))."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    region = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("source code")
        verbose_name_plural = _("source codes")

    def __str__(self) -> str:
        return self.code
