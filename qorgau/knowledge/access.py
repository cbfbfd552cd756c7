"""The only way the knowledge base's pages and API fetch an article (STYLE.md). Readers see
published articles; editors also drafts, articles in review and archived ones. Anything else
answers 404, exactly as for an article that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qorgau.core.access import require
from qorgau.core.errors import NotFound
from qorgau.core.roles import Perm, has_perm
from qorgau.knowledge.models import Article, ArticleStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_article(user: User | AnonymousUser, key: str) -> Article:
    """An article the user may read: published, or any status for an editor."""
    require(user, Perm.KB_READ)
    article = Article.objects.select_related("pair").filter(key=key).first()
    if article is None or not (
        article.status == ArticleStatus.PUBLISHED or has_perm(user, Perm.KB_EDIT)
    ):
        raise NotFound()
    return article


def access_editable_article(user: User | AnonymousUser, key: str) -> Article:
    """An article for an editor to write a new version of."""
    require(user, Perm.KB_EDIT)
    article = Article.objects.select_related("pair").filter(key=key).first()
    if article is None:
        raise NotFound()
    return article
