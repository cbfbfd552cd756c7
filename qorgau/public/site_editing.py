"""Staff pages that edit the public site's information pages (`site.edit`: supervisor and
administrator): a list, and one form for both languages with a preview on the public page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from qorgau.core.access import require
from qorgau.core.errors import ApplicationError
from qorgau.core.roles import Perm
from qorgau.public.actions import BODY_MAX, TITLE_MAX, InfoPageData, info_page_save
from qorgau.public.models import InfoPage
from qorgau.staff.auth import request_user

FIELDS = ("slug", "title_kk", "title_ru", "body_kk", "body_ru", "position")


@login_required
@require_http_methods(["GET"])
def site_pages(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.SITE_EDIT)
    return render(request, "public/site_pages.html", {"pages": InfoPage.objects.all()})


def _posted(request: HttpRequest, slug: str | None) -> InfoPageData:
    values = {name: request.POST.get(name, "")[: BODY_MAX * 2] for name in FIELDS}
    position = values.pop("position")
    return InfoPageData(
        **{**values, "slug": slug or values["slug"].strip().lower()},
        published=request.POST.get("published") == "on",
        position=int(position) if position.isdigit() and len(position) < 5 else 0,
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def site_page_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """A new page (no slug) or an existing one; a refused save keeps everything typed."""
    user = request_user(request)
    require(user, Perm.SITE_EDIT)
    page = get_object_or_404(InfoPage, slug=slug) if slug else None
    context: dict[str, Any] = {
        "page": page,
        "title_max": TITLE_MAX,
        "body_max": BODY_MAX,
        "form": request.POST if request.method == "POST" else page,
    }
    if request.method == "GET":
        return render(request, "public/site_page_edit.html", context)
    try:
        info_page_save(
            actor=user, data=_posted(request, slug), version=_version(request) if page else None
        )
    except ApplicationError as exc:
        context.update(error=exc.message, field_errors=exc.fields)
        return render(request, "public/site_page_edit.html", context, status=exc.status)
    return redirect("public:site_pages")
