"""The editor's article form; it produces the same ArticleIn as the import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.knowledge.actions import ArticleIn
from qorgau.knowledge.keys import key_from_title
from qorgau.knowledge.models import Article, Audience
from qorgau.reference.models import Direction


class ArticleForm(forms.Form):
    key = forms.SlugField(
        label=_("Identifier"),
        max_length=120,
        required=False,
        help_text=_("Leave it empty to make one from the title."),
    )
    lang = forms.ChoiceField(label=_("Language"), choices=[("kk", "Қазақша"), ("ru", "Русский")])
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text (Markdown)"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 16})
    )
    tags = forms.CharField(label=_("Tags, comma-separated"), max_length=500, required=False)
    directions = forms.ModelMultipleChoiceField(
        label=_("Directions"),
        queryset=Direction.objects.all(),
        to_field_name="code",  # posted codes are text: a huge number is "not a choice", not a crash
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    pair = forms.CharField(
        label=_("Same article in the other language (identifier)"), max_length=120, required=False
    )
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        return cls(
            initial={
                "key": article.key,
                "lang": article.lang,
                "title": article.title,
                "body": article.body,
                "tags": ", ".join(article.tags),
                "directions": list(article.directions.all()),
                "audience": article.audience,
                "pair": article.pair.key if article.pair else "",
                "review_by": article.review_by,
            }
        )

    def article_in(self, existing_key: str = "") -> ArticleIn:
        """The article as the action takes it. A key left empty is the article's own when an
        existing one is edited, and made from the title for a new one."""
        data = self.cleaned_data
        return ArticleIn(
            id=data["key"] or existing_key or key_from_title(data["title"]),
            lang=data["lang"],
            title=data["title"],
            body=data["body"],
            tags=[t for t in data["tags"].split(",") if t.strip()],
            direction=[d.code for d in data["directions"]],
            audience=data["audience"],
            pair=data["pair"],
            review_by=data["review_by"],
        )
