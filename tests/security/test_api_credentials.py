"""A request with no identity answers 401 in its own language, for POST as for GET; a signed-in
page session keeps its CSRF protection, and a CSRF failure answers 403 JSON, translated
(rule 6(a): Kazakh and Russian; core/auth.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from qorgau.testing import appeal_body

pytestmark = pytest.mark.django_db

SIGN_IN = "Sign in or send a valid API token."
CSRF = "The page's security token is missing or out of date. Reload the page."


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}])
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_identity_answers_401_in_the_callers_language(language, headers, method) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if method == "post":
        response = client.post(
            "/api/v1/appeals", appeal_body(), content_type="application/json", headers=headers
        )
    else:
        response = client.get("/api/v1/appeals", headers=headers)
    assert response.status_code == 401, response.content
    assert response.json()["detail"] == _in(language, SIGN_IN) != SIGN_IN


def test_a_session_post_without_its_csrf_token_answers_403_translated(personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="kk", enforce_csrf_checks=True)
    client.force_login(personas["consultant"])
    response = client.post("/api/v1/appeals", appeal_body(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == _in("kk", CSRF) != CSRF


def test_a_session_post_with_its_csrf_token_is_served(personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="kk", enforce_csrf_checks=True)
    client.force_login(personas["consultant"])
    client.get("/appeals/new/")  # the page sets the CSRF cookie, as a browser's would
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/appeals",
        appeal_body(),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


def test_a_page_form_failing_its_csrf_check_is_explained_in_kazakh(personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="kk", enforce_csrf_checks=True)
    client.force_login(personas["supervisor"])
    response = client.post("/kb/new/", {"key": "x"})
    assert response.status_code == 403
    assert _in("kk", CSRF) in response.content.decode()
