"""The knowledge base (rules 2(5), 6(m)): bilingual articles that consultants read during a call.

An article has one language (kk or ru) and may name its counterpart in the other language. Each
edit makes a new version (who, when, what changed); the article row holds the current text. The
search index row holds the text after the shared analysis step (analysis.py); the impact-ordered
postings that the search reads are made from it (postings.py, the same on SQLite and
PostgreSQL)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CONSULTANTS = "consultants", _("Consultants only")
    CALLER = "caller", _("May be read to the caller")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Article(models.Model):
    key = models.SlugField(max_length=120, unique=True, help_text="Stable id used by import.")
    lang = models.CharField(max_length=2, choices=[("kk", "Қазақша"), ("ru", "Русский")])
    pair = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown; rendered without HTML.")
    tags = models.JSONField(default=list, blank=True)
    directions = models.ManyToManyField("reference.Direction", blank=True, related_name="+")
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.CALLER)
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    review_by = models.DateField(null=True, blank=True, help_text="Stale after this date.")
    version = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(default=0, help_text="Times attached to an appeal.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField()
    diff = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_once")
        ]


class SearchEntry(models.Model):
    """The article after the shared analysis step: space-separated index terms of the title and
    of the body, in order (for term frequencies). The postings (postings.py) are made from it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True)
    lang = models.CharField(max_length=2, db_index=True)
    title_terms = models.TextField()
    body_terms = models.TextField()


class SearchTerm(models.Model):
    """Every distinct index term: the vocabulary for typo correction of query words, the key of
    the postings (postings.py), and how many published articles contain it."""

    term = models.CharField(max_length=60, unique=True)
    articles = models.PositiveIntegerField(default=0)


class Posting(models.Model):
    """One index term of one published article, with its impact (postings.py). The table is
    created by migration 0003 in SQL (its physical layout differs per database) and read and
    written in SQL only; the model lets Django know it, so that flushing a database empties it
    with the articles it refers to."""

    pk = models.CompositePrimaryKey("term_id", "impact", "article")
    term_id = models.IntegerField()
    impact = models.IntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_index=False, related_name="+"
    )  # the database deletes the rows with the article (ON DELETE CASCADE)
    facets = models.IntegerField()

    class Meta:
        db_table = "knowledge_posting"


class ArticleUse(models.Model):
    """A consultant attached the article to an appeal as the guidance used (rule 6(m))."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="uses")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "appeal"], name="article_used_once")
        ]


class SearchGap(models.Model):
    """A search that found nothing, with personal data masked, so editors see what is missing."""

    query = models.CharField(max_length=300)
    lang = models.CharField(max_length=2, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
