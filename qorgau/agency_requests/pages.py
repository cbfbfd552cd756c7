"""The consultant's workbench on the appeal page (rules 6(c), 6(d), 6(i), 15): route, preview and
send a request, write a letter or register an incoming one, log an outbound call; and the
appeal's one timeline. Thin: the access helpers and actions the API uses. Each step answers an
htmx fragment, or the whole workbench page when the browser runs no script."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.agencies.models import Agency
from qorgau.agency_requests.access import access_request_preview, access_texts, chosen_agency
from qorgau.agency_requests.actions.letters import call_log, letter_receive, letter_write
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.disclosure import OPTIONAL, mask_for_agency
from qorgau.agency_requests.letter_pdf import letter_pdf
from qorgau.agency_requests.models import CallResult, Letter, LetterDirection
from qorgau.agency_requests.routing import propose_agencies
from qorgau.agency_requests.selectors import active_agencies, appeal_correspondence
from qorgau.agency_requests.timeline import appeal_timeline, fingerprint
from qorgau.appeals.access import access_appeal
from qorgau.appeals.models import RISK_FLAGS, Appeal, PersonKind, Urgency
from qorgau.appeals.selectors import appeal_revisions
from qorgau.casework.access import access_casework_texts
from qorgau.casework.selectors import attachment_ids, casework_fingerprint
from qorgau.core.errors import ApplicationError, FieldErrors
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm, has_perm
from qorgau.core.validation import form_int
from qorgau.reference.models import Direction
from qorgau.staff.auth import request_user

WORKBENCH = "agency_requests/_workbench.html"
PREVIEW = "agency_requests/_workbench_preview.html"
SENT = "agency_requests/_workbench_sent.html"
LETTER_LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский")]


def _appeal(request: HttpRequest, number: str) -> Appeal:
    return access_appeal(request.user, number, then=Perm.REQUEST_SEND)


def _render(
    request: HttpRequest, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The fragment for htmx; without script, the workbench page around it. After a change the
    page's timeline is told to reload."""
    template = fragment if getattr(request, "htmx", False) else "agency_requests/workbench.html"
    response = render(request, template, {"fragment": fragment, **context}, status=status)
    if "done" in context or "sent" in context:
        response["HX-Trigger"] = "qorgau-changed"  # the timeline reloads
    return response


def _error(exc: ApplicationError) -> str:
    return "; ".join([str(exc.message), *[str(v) for v in exc.fields.values()]])


def _workbench(
    request: HttpRequest, appeal: Appeal, status: int = 200, **extra: Any
) -> HttpResponse:
    proposals = propose_agencies(appeal)
    proposed = [p.agency.pk for p in proposals]
    context = {
        "appeal": appeal,
        "proposals": proposals,
        "others": active_agencies().exclude(pk__in=proposed).order_by("name_ru")[:400],
        "languages": LETTER_LANGUAGES,
        "results": CallResult.choices,
        **extra,
    }
    return _render(request, WORKBENCH, context, status)


@login_required
def workbench(request: HttpRequest, number: str) -> HttpResponse:
    return _workbench(request, _appeal(request, number))


def digest(content: dict[str, Any]) -> str:
    """A short fingerprint of a request's content: the send step checks it still matches the
    preview the consultant read."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _received(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(KZ_TZ).strftime("%d.%m.%Y %H:%M")


def _person(kind: str, age: int | None) -> str:
    return str(PersonKind(kind).label) + ("" if age is None else f", {age}")


def _value(key: str, value: Any) -> str:
    """One field of a request's content as a reader of the page's language sees it."""
    if key == "received_at":
        return _received(value)
    if key == "region":
        return str(value["ru" if get_language() == "ru" else "kk"])
    if key == "direction":
        direction = Direction.objects.filter(code=str(value)).first()
        return f"{value}. {direction.name}" if direction else str(value)
    if key == "urgency":
        return str(Urgency(value).label)
    if key == "risk_flags":
        labels = dict(RISK_FLAGS)
        return ", ".join(str(labels.get(flag, flag)) for flag in value)
    if key == "persons":
        return "; ".join(_person(p["kind"], p["age"]) for p in value)
    return str(value)


def readable(content: dict[str, Any]) -> list[tuple[str, str]]:
    """A request's content as labelled lines, in the order it is stored."""
    labels = {
        "number": _("Appeal"),
        "received_at": _("Received"),
        "region": _("Region"),
        "direction": _("Direction"),
        "urgency": _("Urgency"),
        **{k: str(v) for k, v in OPTIONAL.items()},
    }
    return [(str(labels.get(k, k)), _value(k, v)) for k, v in content.items() if v not in ("", [])]


def _withheld(withheld: dict[str, Any]) -> list[str]:
    fields = [str(OPTIONAL[f]) for f in withheld["fields"]]
    masked = [
        _("%(field)s: %(count)s item(s) masked")
        % {"field": OPTIONAL[f], "count": sum(counts.values())}
        for f, counts in withheld["masked"].items()
    ]
    return fields + masked


def _agency(request: HttpRequest) -> Agency:
    return chosen_agency(form_int(request.POST, "agency") or 0)


def _chosen(request: HttpRequest, number: str) -> tuple[Appeal, Agency, str] | HttpResponse:
    """The appeal, the agency picked for its request and why when it was not proposed; or,
    when the pick is not an active agency, the workbench again with the error (422)."""
    appeal = _appeal(request, number)
    try:
        agency = _agency(request)
    except ApplicationError as exc:
        return _workbench(request, appeal, 422, error=_error(exc))
    return appeal, agency, request.POST.get("reason", "")[:500]


def _preview(
    request: HttpRequest, appeal: Appeal, agency: Agency, reason: str, **extra: Any
) -> HttpResponse:
    composition = access_request_preview(request.user, appeal, agency)
    context = {
        "appeal": appeal,
        "agency": agency,
        "reason": reason,
        "proposed": any(p.agency.pk == agency.pk for p in propose_agencies(appeal)),
        "lines": readable(composition.content),
        "withheld": _withheld(composition.withheld),
        "digest": digest(composition.content),
        **extra,
    }
    return _render(request, PREVIEW, context, 422 if "error" in extra else 200)


@login_required
@require_POST
def preview(request: HttpRequest, number: str) -> HttpResponse:
    chosen = _chosen(request, number)
    if isinstance(chosen, HttpResponse):
        return chosen
    return _preview(request, *chosen)


@login_required
@require_POST
def send(request: HttpRequest, number: str) -> HttpResponse:
    """Send what the preview showed; if the appeal changed since, show the new preview."""
    chosen = _chosen(request, number)
    if isinstance(chosen, HttpResponse):
        return chosen
    appeal, agency, reason = chosen
    current = access_request_preview(request.user, appeal, agency).content
    if request.POST.get("digest") != digest(current):
        changed = _("The appeal changed since the preview: read it again before sending.")
        return _preview(request, appeal, agency, reason, error=changed)
    try:
        sent = request_send(
            actor=request_user(request), appeal=appeal, agency=agency, reason=reason
        )
    except ApplicationError as exc:
        return _preview(request, appeal, agency, reason, error=_error(exc))
    first = sent.deliveries.order_by("due_at").first()
    context = {"appeal": appeal, "sent": sent, "due": first.due_at if first else None}
    return _render(request, SENT, context, 201)


def _letter_fields(request: HttpRequest) -> dict[str, str]:
    language = request.POST.get("language", "")
    if language not in dict(LETTER_LANGUAGES):
        raise FieldErrors(fields={"language": _("Unknown value.")})
    return {
        "language": language,
        "subject": request.POST.get("subject", "")[:300],
        "body": request.POST.get("body", "")[:20000],
    }


def _draft_pdf(request: HttpRequest, appeal: Appeal, agency: Agency) -> HttpResponse:
    """The letter as it would be stored and sent (masked under rule 15), not saved."""
    fields = _letter_fields(request)
    body, _counts = mask_for_agency(appeal, agency, fields["body"].strip())
    draft = Letter(
        pk=0,
        appeal=appeal,
        agency=agency,
        direction=LetterDirection.OUTGOING,
        language=fields["language"],
        subject=fields["subject"].strip(),
        body=body,
        by=request_user(request),
        at=timezone.now(),
    )
    response = HttpResponse(letter_pdf(draft), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="letter-preview.pdf"'
    return response


@login_required
@require_POST
def letter(request: HttpRequest, number: str) -> HttpResponse:
    """Write an outgoing letter, or (the preview button) see its PDF before it is written."""
    appeal = _appeal(request, number)
    try:
        agency = _agency(request)
        if "preview" in request.POST:
            return _draft_pdf(request, appeal, agency)
        written = letter_write(
            actor=request_user(request), appeal=appeal, agency=agency, **_letter_fields(request)
        )
    except ApplicationError as exc:
        return _workbench(request, appeal, 422, error=_error(exc), open="letter")
    return _workbench(request, appeal, done=_("The letter is written."), letter=written)


@login_required
@require_POST
def incoming(request: HttpRequest, number: str) -> HttpResponse:
    """Register an incoming letter with its scan."""
    appeal = _appeal(request, number)
    scan = request.FILES.get("scan")
    try:
        if scan is None:
            raise FieldErrors(fields={"scan": _("Attach the scan of the letter.")})
        letter_receive(
            actor=request_user(request),
            appeal=appeal,
            agency=_agency(request),
            subject=request.POST.get("subject", "")[:300],
            scan_name=scan.name or "scan",
            scan=scan.read(),
            note=request.POST.get("note", "")[:5000],
        )
    except ApplicationError as exc:
        return _workbench(request, appeal, 422, error=_error(exc), open="incoming")
    return _workbench(request, appeal, done=_("The incoming letter is registered."))


@login_required
@require_POST
def outbound_call(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _appeal(request, number)
    try:
        call_log(
            actor=request_user(request),
            appeal=appeal,
            agency=_agency(request),
            number=request.POST.get("number", ""),
            summary=request.POST.get("summary", "")[:5000],
            result=request.POST.get("result", ""),
        )
    except ApplicationError as exc:
        return _workbench(request, appeal, 422, error=_error(exc), open="call")
    return _workbench(request, appeal, done=_("The call is logged."))


@login_required
def timeline(request: HttpRequest, number: str) -> HttpResponse:
    """The appeal's timeline for every role that may see the appeal; texts only for roles that
    see personal data, internal notes only for roles with `case.notes`, each view audited
    (rule 5). The page asks again every 10 s with the fingerprint it shows: nothing new answers
    204, with no audit row (no new view)."""
    appeal = access_appeal(request.user, number)
    found = appeal_correspondence(appeal)
    plain = appeal_timeline(appeal, found, texts=False, comments=False, casework=False)
    notes = has_perm(request.user, Perm.CASE_NOTES)
    seen = fingerprint(plain) + (casework_fingerprint(appeal) if notes else "")
    if request.GET.get("seen") == seen:
        return HttpResponse(status=204)
    own = {"corrections": [r.pk for r in appeal_revisions(appeal)], "files": attachment_ids(appeal)}
    shown = {**found.with_text(), **{kind: ids for kind, ids in own.items() if ids}}
    texts = access_texts(request.user, appeal, shown, reason="appeal timeline")
    comments = has_perm(request.user, Perm.APPEAL_VIEW_PERSONAL)
    casework = access_casework_texts(request.user, appeal, reason="appeal timeline")
    entries = (
        appeal_timeline(appeal, found, texts=texts, comments=comments, casework=casework)
        if texts or comments or casework
        else plain
    )
    hidden = not texts and any(shown.values())
    context = {"appeal": appeal, "entries": entries, "texts": texts, "hidden": hidden, "seen": seen}
    return render(request, "agency_requests/_timeline.html", context)
