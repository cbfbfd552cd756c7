"""Reads of the public site's information pages."""

from __future__ import annotations

from django.db.models import QuerySet

from qorgau.core.errors import NotFound
from qorgau.public.models import InfoPage


def published_pages() -> QuerySet[InfoPage]:
    return InfoPage.objects.filter(published=True)


def published_page(slug: str) -> InfoPage:
    """A page the public may read, or NotFound (an unpublished page does not exist for them)."""
    page = published_pages().filter(slug=slug[:60]).first()
    if page is None:
        raise NotFound()
    return page
