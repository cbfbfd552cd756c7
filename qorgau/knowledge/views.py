"""Knowledge-base pages: the consultant's search (also as a panel in the appeal page, with
"used for this appeal"), the article, and the editors' list, form and workflow."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.appeals.access import access_appeal
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.kztime import kz_today
from qorgau.core.roles import Perm, has_perm
from qorgau.knowledge.actions import article_edit, article_transition, article_use
from qorgau.knowledge.forms import ArticleForm
from qorgau.knowledge.gaps import LANGUAGES
from qorgau.knowledge.models import Article, ArticleStatus, ArticleUse, SearchGap
from qorgau.knowledge.render import render_markdown
from qorgau.knowledge.search import kb_search_logged


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search page; with htmx only the results are answered (also for the appeal panel).
    The search text is POSTed: it may name a person or describe what happened, and a URL is
    written to servers' and proxies' logs (rule 5). A GET shows the empty search box."""
    require(request.user, Perm.KB_READ)
    text = request.POST.get("q", "").replace("\x00", " ").strip()[:500]
    lang = request.POST.get("lang", "")
    if lang not in LANGUAGES:  # a hand-edited form: the page's own language instead
        lang = (request.LANGUAGE_CODE or "")[:2]
    hits = kb_search_logged(text, lang=lang)
    context = {"q": text, "lang": lang, "hits": hits, "appeal": request.POST.get("appeal", "")}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/search.html", context)


def _readable(request: HttpRequest, key: str) -> Article:
    article = Article.objects.select_related("pair").filter(key=key).first()
    editor = has_perm(request.user, Perm.KB_EDIT)
    if article is None or not (article.status == ArticleStatus.PUBLISHED or editor):
        raise NotFound()
    return article


@login_required
def article(request: HttpRequest, key: str) -> HttpResponse:
    require(request.user, Perm.KB_READ)
    found = _readable(request, key)
    context = {
        "article": found,
        "body_html": render_markdown(found.body),
        "versions": found.versions.select_related("by")[:20],
        "can_edit": has_perm(request.user, Perm.KB_EDIT),
        "can_publish": has_perm(request.user, Perm.KB_PUBLISH),
        "today": kz_today(),
    }
    return render(request, "knowledge/article.html", context)


@login_required
@require_POST
def use(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """ "Used for this appeal" from the appeal page's panel."""
    require(request.user, Perm.KB_READ)
    article_use(user=request.user, appeal=access_appeal(request.user, number), key=key)
    return used(request, number)


@login_required
def used(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access_appeal(request.user, number)
    uses = ArticleUse.objects.filter(appeal=appeal).select_related("article")
    return render(request, "knowledge/_used.html", {"appeal": appeal, "uses": uses})


@login_required
def editor(request: HttpRequest) -> HttpResponse:
    """All articles by status with their use and staleness, and the searches that found
    nothing."""
    require(request.user, Perm.KB_EDIT)
    articles = Article.objects.order_by("status", "key")
    gaps = SearchGap.objects.order_by("-at")[:50]
    context = {"articles": articles, "gaps": gaps, "today": kz_today()}
    return render(request, "knowledge/editor.html", context)


@login_required
def edit(request: HttpRequest, key: str = "") -> HttpResponse:
    require(request.user, Perm.KB_EDIT)
    existing = Article.objects.filter(key=key).first() if key else None
    if key and existing is None:
        raise NotFound()
    form = ArticleForm.for_article(existing) if existing else ArticleForm()
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                saved = article_edit(user=request.user, data=form.article_in())
                return redirect("knowledge:article", key=saved.key)
            except FieldErrors as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "knowledge/edit.html", {"form": form, "article": existing})


@login_required
@require_POST
def transition(request: HttpRequest, key: str) -> HttpResponse:
    article_transition(user=request.user, key=key, status=request.POST.get("status", ""))
    return redirect("knowledge:article", key=key)
