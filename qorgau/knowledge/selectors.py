"""Lists of the knowledge base, already filtered by what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from qorgau.core.access import require
from qorgau.core.roles import Perm
from qorgau.knowledge.models import Article, ArticleUse, SearchGap

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.appeals.models import Appeal
    from qorgau.staff.models import User


def articles_for_editors(user: User | AnonymousUser) -> QuerySet[Article]:
    """Every article, by status and id, for the editors' list."""
    require(user, Perm.KB_EDIT)
    return Article.objects.order_by("status", "key")


def search_gaps(user: User | AnonymousUser) -> QuerySet[SearchGap]:
    """The searches that found nothing, newest first, for the editors."""
    require(user, Perm.KB_EDIT)
    return SearchGap.objects.order_by("-at")


def article_uses(appeal: Appeal) -> QuerySet[ArticleUse]:
    """The articles used for an appeal the caller has already fetched through access_appeal."""
    return ArticleUse.objects.filter(appeal=appeal).select_related("article")
