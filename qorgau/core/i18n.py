"""Rows that carry their own names in kk / ru / en (reference lists, agencies)."""

from __future__ import annotations

from django.utils.translation import get_language


class NamedInThreeLanguages:
    """Mixin for models with name_kk, name_ru and name_en: `name` in the active language,
    Kazakh when none is active or the translation is empty (rule 6(a): Kazakh first)."""

    name_kk: str

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return str(getattr(self, f"name_{lang}", None) or self.name_kk)

    def __str__(self) -> str:
        return self.name
