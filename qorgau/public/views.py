"""The public site's own pages: the home page at / for anonymous visitors (signed-in staff go
to their start page), the information pages staff write in kk and ru, and the status page
(rule 6(l)); no sign-in, and no script needed."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from qorgau.appeals.views import home as staff_home
from qorgau.core.errors import ApplicationError
from qorgau.knowledge.render import render_markdown
from qorgau.public.api import client_address
from qorgau.public.selectors import published_page, published_pages
from qorgau.public.status import public_status


def _language() -> str:
    return "ru" if get_language() == "ru" else "kk"


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    """What 111 does, its number, and the ways to reach it; staff go to their start page."""
    if request.user.is_authenticated:
        return staff_home(request)
    language = _language()
    pages = [(p.slug, p.title(language)) for p in published_pages()]
    return render(request, "public/home.html", {"pages": pages})


@require_http_methods(["GET", "HEAD"])
def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    """An information page in the visitor's language; an unpublished one answers 404."""
    try:
        page = published_page(slug)
    except ApplicationError as exc:
        raise Http404 from exc
    language = _language()
    context = {"title": page.title(language), "body": render_markdown(page.body(language))}
    return render(request, "public/info.html", context)


@require_http_methods(["GET", "POST"])
def public_status_page(request: HttpRequest) -> HttpResponse:
    """The applicant's page (rule 6(l)); answers in the language chosen on the page."""
    context: dict[str, Any] = {"number": request.POST.get("number", "")}
    if request.method == "POST":
        try:
            context["result"] = public_status(
                client=client_address(request),
                number=request.POST.get("number", "")[:40],
                code=request.POST.get("code", "")[:40],
            )
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "public/status.html", context, status=exc.status)
    return render(request, "public/status.html", context)
