"""Sign-in pages (rule 5): the password with a growing wait against guessing, then the second
factor (the code, or enrolling an authenticator with a QR code)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from qorgau.staff.actions import second_factor_check, second_factor_enrol
from qorgau.staff.auth import request_user
from qorgau.staff.models import User
from qorgau.staff.second_factor import (
    ENROLLED_SESSION_KEY,
    device_qr_svg,
    device_secret,
    pending_device,
    second_factor_enrolled,
    second_factor_required,
)
from qorgau.staff.throttle import sign_in_begin, sign_in_succeeded

CODE_PAGE = "staff/second_factor.html"
ENROL_PAGE = "staff/enrol.html"


def _next(request: HttpRequest) -> str:
    """Where to go after signing in: the asked-for page on this site, or the start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(page: str, next_url: str) -> HttpResponse:
    return redirect(f"{resolve_url(page)}?{urlencode({'next': next_url})}")


def _wait_message(seconds: int) -> str:
    minutes = -(-seconds // 60)
    if seconds < 60:
        return ngettext(
            "Too many failed attempts. Try again in %(n)d second.",
            "Too many failed attempts. Try again in %(n)d seconds.",
            seconds,
        ) % {"n": seconds}
    return ngettext(
        "Too many failed attempts. Try again in %(n)d minute.",
        "Too many failed attempts. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """The password step. A guessed-at account waits longer after each failure; the password
    is not checked while it must wait."""
    context = {"next": _next(request), "error": ""}
    if request.method == "GET":
        return render(request, "login.html", context)
    username = request.POST.get("username", "").replace("\x00", "\ufffd")[:150]  # no user has it
    attempt = sign_in_begin(
        username=username, address=str(request.META.get("REMOTE_ADDR") or "unknown")[:45]
    )
    if attempt.wait:
        context["error"] = _wait_message(attempt.wait)
        return render(request, "login.html", context, status=429)
    user = authenticate(request, username=username, password=request.POST.get("password", ""))
    if user is None:
        context["error"] = _("Wrong user name or password.")
        return render(request, "login.html", context)
    sign_in_succeeded(attempt)
    login(request, user)
    return _after_password(request, user, context["next"])


def _after_password(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """On to the code if the user has an authenticator, to enrolment if the role needs one."""
    enrolled = second_factor_enrolled(user)
    if enrolled:
        request.session[ENROLLED_SESSION_KEY] = True
    if enrolled or second_factor_required(user):
        return _to("staff:second_factor" if enrolled else "staff:enrol", next_url)
    return redirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator, once per sign-in."""
    user = request_user(request)
    if not second_factor_enrolled(user):
        return _to("staff:enrol", _next(request))
    context = {"next": _next(request), "error": ""}
    if request.method == "POST":
        device = second_factor_check(actor=user, code=request.POST.get("code", "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(context["next"])
        context["error"] = _("Wrong or expired code. Each wrong code makes the next wait longer.")
        return render(request, CODE_PAGE, context)
    return render(request, CODE_PAGE, context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code (or type the key), then give one code."""
    user = request_user(request)
    if second_factor_enrolled(user):
        return render(request, ENROL_PAGE, {"enrolled": True})
    device = pending_device(user)
    next_url = _next(request)
    context = {
        "next": next_url,
        "error": "",
        "qr": device_qr_svg(device),
        "secret": device_secret(device),
        "required": second_factor_required(user),
    }
    if request.method == "POST":
        if second_factor_enrol(
            actor=user, device=device, code=request.POST.get("code", "").strip()
        ):
            otp_login(request, device)
            request.session[ENROLLED_SESSION_KEY] = True
            return redirect(next_url)
        context["error"] = _("Wrong or expired code. Each wrong code makes the next wait longer.")
        return render(request, ENROL_PAGE, context)
    return render(request, ENROL_PAGE, context)
