"""The second factor is optional for most roles (rule 5): a consultant who enrols is asked for
the code at every sign-in after that; one who does not signs in with the password alone."""

from __future__ import annotations

import pytest
from django.test import Client

from qorgau.audit.models import AuditRecord
from qorgau.testing import totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, next_url: str = "") -> object:
    return client.post(
        "/login/", {"username": username, "password": f"pw-{username}", "next": next_url}
    )


def test_consultant_without_an_authenticator_signs_in_with_the_password(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    assert _sign_in(client, "consultant", "/appeals/")["Location"] == "/appeals/"
    assert client.get("/appeals/").status_code == 200


def test_consultant_who_enrols_gives_the_code_at_the_next_sign_in(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    _sign_in(client, "consultant")
    page = client.get("/login/enrol/")
    assert "Отсканируйте".encode() in page.content and b"<svg" in page.content
    secret = page.context["secret"]
    assert client.post("/login/enrol/", {"code": totp_code(secret)}).status_code == 302
    assert AuditRecord.objects.filter(action="second_factor.enrol").count() == 1
    assert "подключён".encode() in client.get("/login/enrol/").content

    later = Client(HTTP_ACCEPT_LANGUAGE="ru")
    asked = _sign_in(later, "consultant", "/appeals/")
    assert asked["Location"] == "/login/code/?next=%2Fappeals%2F"
    assert later.get("/appeals/")["Location"].startswith("/login/code/")
    assert later.get("/api/v1/appeals").status_code == 401
    done = later.post("/login/code/", {"code": totp_code(secret, 1), "next": "/appeals/"})
    assert done["Location"] == "/appeals/"
    assert later.get("/api/v1/appeals").status_code == 200


def test_sign_in_never_sends_the_user_to_another_site(personas):
    client = Client()
    response = _sign_in(client, "consultant", "https://evil.example/")
    assert response["Location"] == "/"


def test_the_admin_s_own_sign_in_form_sends_to_the_throttled_one(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"


def test_the_wait_is_told_in_kazakh(personas, settings):
    settings.SIGN_IN_FREE_FAILURES = 1
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.post("/login/", {"username": "consultant", "password": "wrong-password-1"})
    refused = client.post("/login/", {"username": "consultant", "password": "pw-consultant"})
    assert refused.status_code == 429
    assert "Қате әрекеттер тым көп".encode() in refused.content
