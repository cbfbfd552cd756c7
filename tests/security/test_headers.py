"""Headers and cookies (rule 5): a Content-Security-Policy with no inline script or style, every
script served from our own origin (htmx included), the API docs only for signed-in staff with
nothing from a CDN, and over TLS secure cookies, HSTS and a clean `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

QORGAU = Path(__file__).resolve().parents[2] / "qorgau"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)

PAGES = [
    ("consultant", "/appeals/"),
    ("consultant", "/appeals/new/"),
    ("consultant", "/kb/"),
    ("supervisor", "/calls/board/"),
    ("supervisor", "/board/deadlines/"),
    ("supervisor", "/calls/demands/"),
    ("quality", "/calls/reviews/"),
    ("officer_a", "/agency/"),
    ("", "/"),
    ("", "/status/"),
    ("", "/login/"),
]
SCRIPTLESS = {"/", "/status/"}  # the public site works without any script (public-site.md)


def _client(personas, who: str):
    from django.test import Client

    return signed_in(personas[who]) if who else Client()


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_every_page_has_a_strict_policy_and_no_inline_code(who, url, personas) -> None:
    response = _client(personas, who).get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page) and not HANDLER.search(page) and not STYLE.search(page)
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    assert bool(scripts) == (url not in SCRIPTLESS), scripts
    assert all(s.startswith("/static/") for s in scripts), scripts


def test_no_template_holds_inline_script_handlers_or_styles() -> None:
    offenders = [
        str(path.relative_to(QORGAU))
        for path in QORGAU.rglob("templates/**/*.html")
        if (text := path.read_text())
        and (INLINE_SCRIPT.search(text) or HANDLER.search(text) or STYLE.search(text))
    ]
    assert not offenders


def test_htmx_indicator_style_is_not_injected_inline(personas) -> None:
    page = _client(personas, "consultant").get("/appeals/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    css = (QORGAU / "core/static/qorgau/qorgau.css").read_text()
    assert ".htmx-indicator" in css


@pytest.mark.parametrize("who", ["", "outsider"])
def test_api_docs_are_not_for_strangers(who, personas) -> None:
    response = _client(personas, who).get("/api/v1/docs")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_api_docs_for_staff_come_from_our_own_static(personas) -> None:
    client = _client(personas, "consultant")
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    assert not INLINE_SCRIPT.search(page.replace('type="application/json"', 'src=""'))
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_api_schema_stays_public() -> None:
    from django.test import Client

    assert Client().get("/api/v1/openapi.json").status_code == 200


def _production(code: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run Python with the production configuration: DEBUG off, TLS on, a proper secret."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "QORGAU_DEBUG": "0",
        "QORGAU_TLS": "1",
        "QORGAU_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "QORGAU_ALLOWED_HOSTS": "111.example.kz",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "qorgau.settings",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production() -> None:
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _production(code)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout


def test_over_tls_cookies_are_secure_hsts_is_sent_and_http_redirects() -> None:
    code = """
import django; django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
plain = Client(HTTP_HOST="111.example.kz").get("/login/")
print("plain", plain.status_code, plain.get("Location"))
https = Client(HTTP_HOST="111.example.kz", HTTP_X_FORWARDED_PROTO="https").get("/login/")
print("https", https.status_code, https["Strict-Transport-Security"])
print("cookie", https.cookies["csrftoken"]["secure"])
from django.conf import settings
print("session", settings.SESSION_COOKIE_SECURE)
"""
    result = _production(code, QORGAU_ALLOWED_HOSTS="111.example.kz,testserver")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["plain"] == "301 https://111.example.kz/login/"
    assert lines["https"].startswith("200 max-age=31536000; includeSubDomains")
    assert lines["cookie"] == "True" and lines["session"] == "True"
