"""Staff pages of outreach (rule 6(s)): the schools with their conversation counts, a CSV
upload, each school's poster (audited); the campaign source codes with their counts and QR
codes. A role without `outreach.manage` gets 403; nobody signed in goes to the sign-in page."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from qorgau.core.errors import ApplicationError
from qorgau.core.roles import Perm, has_perm
from qorgau.outreach import selectors
from qorgau.outreach.access import access_school, access_source
from qorgau.outreach.actions import poster_download, schools_import
from qorgau.outreach.poster import qr_code, source_url
from qorgau.reference.models import Region

UPLOAD_MAX = 5 * 1024 * 1024


def _require(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.OUTREACH_MANAGE):
        raise PermissionDenied


def _region_names() -> dict[str, str]:
    return {r.code: r.name for r in Region.objects.all()}


@login_required
@require_http_methods(["GET", "POST"])
def schools(request: HttpRequest) -> HttpResponse:
    """Schools with the conversations that came by their QR forms, per school, district and
    region; a CSV file of schools can be uploaded here (the same file again updates)."""
    _require(request)
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > UPLOAD_MAX:
            context["upload_error"] = "no_file"
            status = 422
        else:
            try:
                report = schools_import(actor=request.user, data=upload.read())
            except ApplicationError as exc:  # a role without the right: refused above
                raise PermissionDenied from exc
            context["report"] = report
            status = 422 if report.errors and not (report.created or report.updated) else 200
    names = _region_names()
    districts = selectors.counts_by_district()
    regions = selectors.counts_by_region()
    for row in [*districts, *regions]:
        row["region"] = names.get(row["region__code"], row["region__code"])
    region = request.GET.get("region", "")[:40]
    schools_rows = selectors.schools_with_counts()
    if region:
        schools_rows = schools_rows.filter(region__code=region)
    context.update(
        schools=schools_rows,
        districts=districts,
        regions=regions,
        region_choices=Region.objects.all(),
        region=region,
    )
    return render(request, "outreach/schools.html", context, status=status)


@login_required
@require_GET
def poster(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's A4 poster as a PDF (the download is audited)."""
    school = access_school(request.user, school_id)
    response = HttpResponse(
        poster_download(actor=request.user, school=school), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="poster-111-school-{school.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """Campaign source codes with their links and counts (managed in the admin)."""
    _require(request)
    rows = [(source, source_url(source)) for source in selectors.sources_with_counts()]
    return render(request, "outreach/sources.html", {"rows": rows})


@login_required
@require_GET
def source_qr(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """A campaign link's QR code as SVG or PNG, to place on an advert or a slide."""
    source = access_source(request.user, code)
    qr = qr_code(source_url(source))
    buffer = io.BytesIO()
    if kind == "png":
        qr.save(buffer, kind="png", scale=10, border=4)
        content_type = "image/png"
    else:
        qr.save(buffer, kind="svg", scale=10, border=4, xmldecl=True)
        content_type = "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="111-{source.code}.{kind}"'
    return response
