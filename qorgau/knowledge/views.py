"""Knowledge-base pages: the consultant's search (also as a panel in the appeal page, with
"used for this appeal"), the article, and the editors' list, form and workflow."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.appeals.access import access_appeal
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors
from qorgau.core.kztime import kz_today
from qorgau.core.roles import Perm, has_perm
from qorgau.knowledge.access import access_article, access_editable_article
from qorgau.knowledge.actions import article_edit, article_transition, article_use
from qorgau.knowledge.forms import ArticleForm
from qorgau.knowledge.gaps import LANGUAGES
from qorgau.knowledge.render import render_markdown
from qorgau.knowledge.search import kb_search_logged
from qorgau.knowledge.selectors import article_uses, articles_for_editors, search_gaps


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


@login_required
def article(request: HttpRequest, key: str) -> HttpResponse:
    found = access_article(request.user, key)
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
    article_use(actor=request.user, appeal=access_appeal(request.user, number), key=key)
    response = used(request, number)
    response["HX-Trigger"] = "qorgau-changed"  # the appeal's timeline shows the article
    return response


@login_required
def used(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access_appeal(request.user, number)
    context = {"appeal": appeal, "uses": article_uses(appeal)}
    return render(request, "knowledge/_used.html", context)


@login_required
def editor(request: HttpRequest) -> HttpResponse:
    """All articles by status with their use and staleness, and the searches that found
    nothing."""
    articles = articles_for_editors(request.user)
    context = {"articles": articles, "gaps": search_gaps(request.user)[:50], "today": kz_today()}
    return render(request, "knowledge/editor.html", context)


@login_required
def edit(request: HttpRequest, key: str = "") -> HttpResponse:
    require(request.user, Perm.KB_EDIT)
    existing = access_editable_article(request.user, key) if key else None
    form = ArticleForm.for_article(existing) if existing else ArticleForm()
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                data = form.article_in(existing.key if existing else "")
                saved = article_edit(actor=request.user, data=data)
                return redirect("knowledge:article", key=saved.key)
            except FieldErrors as exc:
                for field, message in exc.fields.items():
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "knowledge/edit.html", {"form": form, "article": existing})


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The editor's "Preview": the text being typed, rendered as the article page will show it."""
    require(request.user, Perm.KB_EDIT)
    body_html = render_markdown(request.POST.get("body", "").replace("\x00", " ")[:50_000])
    return render(request, "knowledge/_preview.html", {"body_html": body_html})


@login_required
@require_POST
def transition(request: HttpRequest, key: str) -> HttpResponse:
    article_transition(actor=request.user, key=key, status=request.POST.get("status", ""))
    return redirect("knowledge:article", key=key)
