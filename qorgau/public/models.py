"""Information pages of the public site (rule 6(f), 6(s)): what staff write for the public, in
Kazakh and Russian, shown at /info/<slug>/ without signing in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InfoPage(models.Model):
    """One page in both languages; Markdown without raw HTML (knowledge/render.py)."""

    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("address"))
    title_kk = models.CharField(max_length=200, verbose_name=_("title in Kazakh"))
    title_ru = models.CharField(max_length=200, verbose_name=_("title in Russian"))
    body_kk = models.TextField(verbose_name=_("text in Kazakh"))
    body_ru = models.TextField(verbose_name=_("text in Russian"))
    published = models.BooleanField(default=True, verbose_name=_("shown on the site"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "slug"]

    def title(self, language: str) -> str:
        return self.title_ru if language == "ru" else self.title_kk

    def body(self, language: str) -> str:
        return self.body_ru if language == "ru" else self.body_kk
