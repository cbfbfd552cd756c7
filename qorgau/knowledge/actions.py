"""State changes of the knowledge base: saving an article (a new version with its diff, and the
search index brought up to date in the same transaction), the editorial workflow, import and
export as JSON lines, and attaching an article to an appeal."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, Field, ValidationError, field_validator

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors, NotFound
from qorgau.core.roles import Perm
from qorgau.knowledge.analysis import text_terms
from qorgau.knowledge.models import (
    Article,
    ArticleStatus,
    ArticleUse,
    ArticleVersion,
    Audience,
    SearchEntry,
)
from qorgau.knowledge.postings import facets, postings_write
from qorgau.reference.models import Direction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.appeals.models import Appeal
    from qorgau.staff.models import User

S = ArticleStatus
MOVES = {
    S.DRAFT: {S.REVIEW, S.ARCHIVED},
    S.REVIEW: {S.DRAFT, S.PUBLISHED},
    S.PUBLISHED: {S.DRAFT, S.ARCHIVED},
    S.ARCHIVED: {S.DRAFT},
}
MOVE_EVENTS = {
    S.DRAFT: AuditEvent.ARTICLE_RETURN_TO_DRAFT,
    S.REVIEW: AuditEvent.ARTICLE_SEND_TO_REVIEW,
    S.PUBLISHED: AuditEvent.ARTICLE_PUBLISH,
    S.ARCHIVED: AuditEvent.ARTICLE_ARCHIVE,
}


class ArticleIn(BaseModel):
    """One article as imported, exported, or sent by the API."""

    id: str = Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    lang: str = Field(pattern="^(kk|ru)$")
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=50_000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    direction: str | list[str] = ""
    pair: str = Field(default="", max_length=120)
    audience: str = Field(default=Audience.CALLER, pattern="^(consultants|caller)$")
    status: str = Field(default=S.PUBLISHED, pattern="^(draft|review|published|archived)$")
    review_by: date | None = None

    @field_validator("title", "body")
    @classmethod
    def no_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("NUL")
        return value.strip()

    def direction_codes(self) -> list[str]:
        codes = [self.direction] if isinstance(self.direction, str) else self.direction
        return [c for c in codes if c]


# --- the index -----------------------------------------------------------------------------------


def index_article(article: Article) -> None:
    """Bring the search index up to date for one article (inside the caller's transaction): its
    SearchEntry, its terms and, when it is published, its impact-ordered postings."""
    title = text_terms(article.title + " " + " ".join(article.tags), article.lang)
    body = text_terms(article.body, article.lang)
    SearchEntry.objects.update_or_create(
        article=article,
        defaults={
            "lang": article.lang,
            "title_terms": " ".join(title),
            "body_terms": " ".join(body),
        },
    )
    codes = article.directions.values_list("code", flat=True)
    published = article.status == ArticleStatus.PUBLISHED
    postings_write(article.pk, published, (title, body), facets(article.lang, codes))


# --- saving and the workflow ---------------------------------------------------------------------


def _diff(old: str, new: str) -> str:
    return "\n".join(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="")
    )


def _directions(codes: list[str]) -> list[Direction]:
    found = list(Direction.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise FieldErrors(fields={"direction": _("Unknown direction.")})
    return found


def article_save(*, actor: User | AnonymousUser | None, data: ArticleIn) -> tuple[Article, bool]:
    """Create or update the article with this id: a new version when title, body, tags or the
    rest changed; (article, changed)."""
    directions = _directions(data.direction_codes())
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(key=data.id).first()
        before = (article.title + "\n" + article.body) if article else ""
        fields = {
            "lang": data.lang,
            "title": data.title,
            "body": data.body,
            "tags": [t.strip().lower() for t in data.tags if t.strip()],
            "audience": data.audience,
            "review_by": data.review_by,
        }
        unchanged = article is not None and all(getattr(article, k) == v for k, v in fields.items())
        if unchanged and {d.pk for d in article.directions.all()} == {d.pk for d in directions}:  # type: ignore[union-attr]
            return article, False  # type: ignore[return-value]
        if article is None:
            article = Article(key=data.id, status=data.status)
        for name, value in fields.items():
            setattr(article, name, value)
        article.version += 1
        article.save()
        article.directions.set(directions)
        _pair(article, data.pair)
        ArticleVersion.objects.create(
            article=article,
            number=article.version,
            title=article.title,
            body=article.body,
            diff=_diff(before, article.title + "\n" + article.body),
            status=article.status,
            by=actor if actor is not None and actor.is_authenticated else None,
            at=timezone.now(),
        )
        index_article(article)
    return article, True


def _pair(article: Article, pair_key: str) -> None:
    """Link the article and its counterpart both ways (when the counterpart exists yet)."""
    other = (
        Article.objects.filter(key=pair_key).exclude(pk=article.pk).first() if pair_key else None
    )
    if other is None or other.lang == article.lang:
        return
    Article.objects.filter(pair=article).exclude(pk=other.pk).update(pair=None)
    Article.objects.filter(pair=other).exclude(pk=article.pk).update(pair=None)
    Article.objects.filter(pk=article.pk).update(pair=other)
    Article.objects.filter(pk=other.pk).update(pair=article)


def article_edit(*, actor: User | AnonymousUser, data: ArticleIn) -> Article:
    """An editor writes a new article (a draft) or a new version of one (audited). The status
    does not change with an edit: the workflow moves it (article_transition)."""
    require(actor, Perm.KB_EDIT)
    existing = Article.objects.filter(key=data.id).first()
    data = data.model_copy(update={"status": existing.status if existing else S.DRAFT})
    article, changed = article_save(actor=actor, data=data)
    if changed:
        audit_record(
            actor=actor,
            action=AuditEvent.ARTICLE_EDIT,
            object_type="article",
            object_ref=article.key,
            details={"version": article.version},
        )
    return article


def article_transition(*, actor: User | AnonymousUser, key: str, status: str) -> Article:
    """Move an article along draft → review → published → archived (audited). Editors send
    to review and back to draft; publishing and archiving need kb.publish."""
    require(actor, Perm.KB_PUBLISH if status in (S.PUBLISHED, S.ARCHIVED) else Perm.KB_EDIT)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(key=key).first()
        if article is None:
            raise NotFound()
        if status not in MOVES.get(S(article.status), set()):
            raise Conflict(
                _("An article cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": S(article.status).label,
                    "new": S(status).label if status in S.values else status,
                },
                code="transition_not_allowed",
            )
        article.status = status
        article.save(update_fields=["status", "updated_at"])
        index_article(article)  # only published articles are in the postings
        audit_record(
            actor=actor,
            action=MOVE_EVENTS[S(status)],
            object_type="article",
            object_ref=article.key,
        )
    return article


# --- import and export ---------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def kb_import(*, actor: User | None = None, lines: Iterable[str]) -> ImportReport:
    """Import JSON lines; the same id again updates the article (a new version), never a copy.
    A bad line is reported with its number and skipped; the others are imported. Run from the
    command line (`qorgau kb import`) no one acts: the versions name no author."""
    report = ImportReport()
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = ArticleIn.model_validate(json.loads(line))
            existed = Article.objects.filter(key=data.id).exists()
            _article, changed = article_save(actor=actor, data=data)
        except (ValueError, ValidationError, FieldErrors) as exc:
            report.errors.append(f"line {number}: {str(exc).splitlines()[0][:200]}")
            continue
        pairs.append((data.id, data.pair))
        report.unchanged += not changed
        report.created += changed and not existed
        report.updated += changed and existed
    for key, pair in pairs:  # a pair may come later in the file than its article
        if pair:
            _pair(Article.objects.get(key=key), pair)
    return report


def kb_export() -> Iterator[str]:
    """Every article as one JSON line, in the import format."""
    for article in Article.objects.select_related("pair").prefetch_related("directions"):
        item: dict[str, Any] = {
            "id": article.key,
            "lang": article.lang,
            "title": article.title,
            "body": article.body,
            "tags": article.tags,
            "direction": sorted(d.code for d in article.directions.all()),
            "pair": article.pair.key if article.pair else "",
            "audience": article.audience,
            "status": article.status,
        }
        yield json.dumps(item, ensure_ascii=False)


# --- use -----------------------------------------------------------------------------------------


def article_use(*, actor: User | AnonymousUser, appeal: Appeal, key: str) -> tuple[Article, bool]:
    """Attach an article to an appeal as the guidance used; counted once per appeal. Returns the
    article with its count of uses, and whether this use was new."""
    article = Article.objects.filter(key=key, status=S.PUBLISHED).first()
    if article is None:
        raise NotFound()
    with transaction.atomic():
        _use, created = ArticleUse.objects.get_or_create(
            article=article, appeal=appeal, defaults={"by": actor, "at": timezone.now()}
        )
        if created:
            Article.objects.filter(pk=article.pk).update(used=F("used") + 1)
            article.refresh_from_db(fields=["used"])
    return article, created
