"""Knowledge-base API (/api/v1/kb): search, read an article, attach it to an appeal, and the
searches that found nothing. Thin: parse → access → action → answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import BaseModel, Field, field_validator

from qorgau.appeals.access import access_appeal
from qorgau.core.access import require
from qorgau.core.api import StaffRequest, responses
from qorgau.core.kztime import kz_today
from qorgau.core.roles import Perm
from qorgau.knowledge.access import access_article
from qorgau.knowledge.actions import article_use
from qorgau.knowledge.gaps import LANGUAGES
from qorgau.knowledge.models import SearchGap
from qorgau.knowledge.render import render_markdown
from qorgau.knowledge.search import Hit, kb_search_logged
from qorgau.knowledge.selectors import search_gaps

router = Router(tags=["knowledge base"])


class SearchFilters(BaseModel):
    q: str = Field(default="", max_length=10_000)
    lang: str = Field(default="", description="The consultant's language: kk, ru or en.")
    direction: int | None = Field(default=None, ge=1, le=13)
    limit: int = Field(default=10, ge=1, le=50)

    @field_validator("lang")
    @classmethod
    def known_language(cls, value: str) -> str:
        if value and value not in LANGUAGES:
            raise ValueError(_("The language must be kk, ru or en."))
        return value


class HitOut(Schema):
    """Reads a Hit of the search (an article with its score and snippet)."""

    id: str = Field(alias="article.key")
    lang: str = Field(alias="article.lang")
    title: str = Field(alias="article.title")
    snippet: str = Field(
        description="HTML: inline Markdown rendered safely (no raw HTML), matched words in <mark>."
    )
    score: float
    audience: str = Field(alias="article.audience")
    stale: bool
    used: int = Field(alias="article.used")
    pair: str | None = Field(default=None, alias="article.pair.key")

    @staticmethod
    def resolve_stale(hit: Hit) -> bool:
        review_by = hit.article.review_by
        return review_by is not None and review_by < kz_today()


class ArticleOut(HitOut):
    """Reads a Hit of the article itself (no score, no snippet)."""

    body_html: str
    tags: list[str] = Field(alias="article.tags")
    directions: list[str]
    status: str = Field(alias="article.status")
    version: int = Field(alias="article.version")
    review_by: date | None = Field(alias="article.review_by")

    @staticmethod
    def resolve_body_html(hit: Hit) -> str:
        return render_markdown(hit.article.body)

    @staticmethod
    def resolve_directions(hit: Hit) -> list[str]:
        return sorted(d.code for d in hit.article.directions.all())


def _search(request: StaffRequest, filters: SearchFilters) -> list[Hit]:
    require(request.user, Perm.KB_READ)
    text = filters.q.replace("\x00", " ").strip()
    return kb_search_logged(
        text, lang=filters.lang, direction=filters.direction, limit=filters.limit
    )


@router.post(
    "/search",
    response=responses(list[HitOut]),
    summary="Search articles",
    description="The search text goes in the JSON body: it may name a person or describe what "
    "happened, and URLs are written to servers' and proxies' logs (rule 5).",
)
def search(request: StaffRequest, filters: SearchFilters) -> list[Hit]:
    return _search(request, filters)


@router.get(
    "/search",
    response=responses(list[HitOut]),
    summary="Search articles (deprecated: use POST, which keeps the text out of URLs)",
    deprecated=True,
)
def search_get(request: StaffRequest, filters: Query[SearchFilters]) -> list[Hit]:
    return _search(request, filters)


@router.get("/articles/{key}", response=responses(ArticleOut), summary="One article")
def article(request: StaffRequest, key: str) -> Hit:
    return Hit(access_article(request.user, key), 0.0, "")


class UseIn(BaseModel):
    article: str = Field(min_length=1, max_length=120)


@router.post(
    "/appeals/{number}/articles",
    response=responses({201: dict, 200: dict}),
    summary="Attach the article used to an appeal (counted once per appeal)",
)
def use(request: StaffRequest, number: str, payload: UseIn) -> HttpStatus:
    require(request.user, Perm.KB_READ)
    appeal = access_appeal(request.user, number)
    found, created = article_use(actor=request.user, appeal=appeal, key=payload.article)
    used = found.used
    return HttpStatus(201 if created else 200, {"article": payload.article, "used": used})


class GapOut(Schema):
    query: str
    lang: str
    at: Any


@router.get("/gaps", response=responses(list[GapOut]), summary="Searches that found nothing")
def gaps(request: StaffRequest) -> list[SearchGap]:
    return list(search_gaps(request.user)[:200])
