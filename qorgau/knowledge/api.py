"""Knowledge-base API (/api/v1/kb): search, read an article, attach it to an appeal, and the
searches that found nothing. Thin: parse → access → action → answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as HttpStatus
from pydantic import BaseModel, Field, field_validator

from qorgau.appeals.access import access_appeal
from qorgau.core.access import require
from qorgau.core.kztime import kz_today
from qorgau.core.roles import Perm
from qorgau.core.schemas import ErrorOut
from qorgau.knowledge.access import access_article
from qorgau.knowledge.actions import article_use
from qorgau.knowledge.gaps import LANGUAGES
from qorgau.knowledge.models import Article
from qorgau.knowledge.render import render_markdown
from qorgau.knowledge.search import kb_search_logged
from qorgau.knowledge.selectors import search_gaps

router = Router(tags=["knowledge base"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


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


class HitOut(BaseModel):
    id: str
    lang: str
    title: str
    snippet: str = Field(description="HTML: escaped text, matched words in <mark>.")
    score: float
    audience: str
    stale: bool
    used: int
    pair: str | None


class ArticleOut(HitOut):
    body_html: str
    tags: list[str]
    directions: list[str]
    status: str
    version: int
    review_by: date | None


def _is_stale(article: Article) -> bool:
    return article.review_by is not None and article.review_by < kz_today()


def hit_out(article: Article, score: float = 0.0, snippet: str = "") -> dict[str, Any]:
    return {
        "id": article.key,
        "lang": article.lang,
        "title": article.title,
        "snippet": snippet,
        "score": score,
        "audience": article.audience,
        "stale": _is_stale(article),
        "used": article.used,
        "pair": article.pair.key if article.pair else None,
    }


def _search(request: HttpRequest, filters: SearchFilters) -> list[dict[str, Any]]:
    require(request.user, Perm.KB_READ)
    text = filters.q.replace("\x00", " ").strip()
    hits = kb_search_logged(
        text, lang=filters.lang, direction=filters.direction, limit=filters.limit
    )
    return [hit_out(h.article, h.score, h.snippet) for h in hits]


@router.post(
    "/search",
    response={200: list[HitOut], **ERRORS},
    summary="Search articles",
    description="The search text goes in the JSON body: it may name a person or describe what "
    "happened, and URLs are written to servers' and proxies' logs (rule 5).",
)
def search(request: HttpRequest, filters: SearchFilters) -> list[dict[str, Any]]:
    return _search(request, filters)


@router.get(
    "/search",
    response={200: list[HitOut], **ERRORS},
    summary="Search articles (deprecated: use POST, which keeps the text out of URLs)",
    deprecated=True,
)
def search_get(request: HttpRequest, filters: Query[SearchFilters]) -> list[dict[str, Any]]:
    return _search(request, filters)


@router.get("/articles/{key}", response={200: ArticleOut, **ERRORS}, summary="One article")
def article(request: HttpRequest, key: str) -> dict[str, Any]:
    found = access_article(request.user, key)
    return {
        **hit_out(found),
        "body_html": render_markdown(found.body),
        "tags": found.tags,
        "directions": sorted(d.code for d in found.directions.all()),
        "status": found.status,
        "version": found.version,
        "review_by": found.review_by,
    }


class UseIn(BaseModel):
    article: str = Field(min_length=1, max_length=120)


@router.post(
    "/appeals/{number}/articles",
    response={201: dict, 200: dict, **ERRORS},
    summary="Attach the article used to an appeal (counted once per appeal)",
)
def use(request: HttpRequest, number: str, payload: UseIn) -> HttpStatus:
    require(request.user, Perm.KB_READ)
    appeal = access_appeal(request.user, number)
    found, created = article_use(actor=request.user, appeal=appeal, key=payload.article)
    used = found.used
    return HttpStatus(201 if created else 200, {"article": payload.article, "used": used})


class GapOut(BaseModel):
    query: str
    lang: str
    at: Any


@router.get("/gaps", response={200: list[GapOut], **ERRORS}, summary="Searches that found nothing")
def gaps(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"query": g.query, "lang": g.lang, "at": g.at} for g in search_gaps(request.user)[:200]]
