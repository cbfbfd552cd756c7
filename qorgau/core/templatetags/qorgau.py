"""Template helpers shared by the pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """`{{ errors|get:"applicant.iin" }}`: a dict value by a key with dots or dashes."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def getlist(query: Any, key: str) -> list[str]:
    try:
        return list(query.getlist(key))
    except AttributeError:
        return []


@register.filter
def can(user: Any, perm: str) -> bool:
    """`{% if user|can:"kb.read" %}`: the permission matrix in templates (core/roles.py)."""
    from qorgau.core.roles import Perm, has_perm

    return has_perm(user, Perm(perm))


@register.simple_tag
def language_names() -> list[tuple[str, str]]:
    """settings.LANGUAGES as written there: each language named in itself ("Қазақша", "English"),
    where Django's get_available_languages would translate "English" into the page's language."""
    from django.conf import settings

    return list(settings.LANGUAGES)
