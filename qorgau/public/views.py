"""The public status page (rule 6(l)): no sign-in; answers in the language chosen on the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from qorgau.core.errors import ApplicationError
from qorgau.public.api import client_address
from qorgau.public.status import public_status


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
