"""The knowledge base's answers to core's reply hooks (core/signals.py): a consultant answering
a written appeal searches the articles and starts the reply from one (rule 6(m)). The
conversations app is a sibling layer and cannot import this one, so it asks through the hook."""

from __future__ import annotations

from typing import Any

from qorgau.core.errors import ApplicationError
from qorgau.core.roles import Perm, has_perm
from qorgau.knowledge.access import access_article
from qorgau.knowledge.models import ArticleStatus
from qorgau.knowledge.search import kb_search_logged

LIMIT = 5


def search_answer(*, user: Any, text: str, lang: str, **_kwargs: Any) -> list[tuple[str, str]]:
    """Published articles for the query, best first, as (key, title)."""
    if not has_perm(user, Perm.KB_READ) or not text.strip():
        return []
    return [(hit.article.key, hit.article.title) for hit in kb_search_logged(text, lang=lang)][
        :LIMIT
    ]


def text_answer(*, user: Any, key: str, lang: str, **_kwargs: Any) -> str | None:
    """The article's title and body (Markdown, plain text to edit) in `lang` when its pair is
    published in it; None if the user may not read it or it does not exist."""
    try:
        article = access_article(user, key)
    except ApplicationError:
        return None
    pair = article.pair
    if article.lang != lang and pair is not None and pair.status == ArticleStatus.PUBLISHED:
        article = pair
    return f"{article.title}\n\n{article.body}".strip()
