"""The pages every visitor may meet: 403, 404 and 500 in the visitor's language with a way back,
the site's icon, and the language switch naming each language in itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from qorgau.testing import signed_in


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("kk", "Бет табылмады"), ("ru", "Страница не найдена")]
)
def test_an_unknown_page_answers_404_in_the_visitors_language(language, heading):
    answer = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no/such/page/")
    page = answer.content.decode()
    assert answer.status_code == 404 and f"<h1>{heading}</h1>" in page
    assert f'<html lang="{language}">' in page and 'class="way-back"><a href="/">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "sorry"),
    [("kk", "Кіруге рұқсат жоқ", "Кешіріңіз"), ("ru", "Доступ запрещён", "Извините")],
)
def test_403_pages_in_the_visitors_language(personas, language, heading, sorry):
    """Django's own refusals use 403.html; a role's refusal names what it may not do."""
    with translation.override(language):
        page = permission_denied(RequestFactory().get("/"), PermissionDenied()).content.decode()
    assert f"<h1>{heading}</h1>" in page and 'class="way-back"' in page
    answer = signed_in(personas["consultant"], language).get("/kb/new/")
    page = answer.content.decode()
    assert answer.status_code == 403 and f"<h1>{sorry}</h1>" in page and "way-back" in page


@pytest.mark.parametrize(
    ("language", "heading"), [("kk", "Бірдеңе дұрыс болмады"), ("ru", "Что-то пошло не так")]
)
def test_the_500_page_needs_no_database_nor_request(language, heading):
    """No django_db mark: a query here would fail the test."""
    with translation.override(language):
        answer = server_error(RequestFactory().get("/"))
    page = answer.content.decode()
    assert answer.status_code == 500 and heading in page and f'lang="{language}"' in page
    assert 'href="/"' in page


@pytest.mark.django_db
def test_favicon_is_linked_and_answered():
    page = Client().get("/status/").content.decode()
    assert '<link rel="icon" href="/static/qorgau/favicon.svg" type="image/svg+xml">' in page
    answer = Client().get("/favicon.ico", follow=True)
    assert answer.status_code == 200 and answer.redirect_chain[-1][0].endswith("favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_language_switch_names_each_language_in_itself(language):
    """Staff pages offer English too (for developers); the public site only Kazakh and Russian."""
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/login/").content.decode()
    public = Client(HTTP_ACCEPT_LANGUAGE=language).get("/status/").content.decode()
    for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")):
        assert f'value="{code}" lang="{code}"' in page and f">{name}</button>" in page
        assert (f'value="{code}" lang="{code}"' in public) == (code != "en")
    assert "Ағылшын" not in page and "Английский" not in page
