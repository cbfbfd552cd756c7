"""The public site (rule 6(f)): the home page at / for anonymous visitors, information pages
in kk and ru that supervisors and administrators edit (audited, never overwriting someone
else's change), all without staff chrome, scripts or personal data, and light enough for a
phone on a slow line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from qorgau.audit.models import AuditRecord
from qorgau.core.roles import MATRIX, Perm, Role
from qorgau.public.models import InfoPage
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/write/", "/conversation/", "/status/", "/info/how-we-help/"]
EDITORS = {"supervisor", "admin"}


def _visitor(language: str = "kk") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def _page_weight(html: str) -> int:
    """The page and the style sheets, scripts and images it links to, in bytes."""
    total = len(html.encode())
    for url in re.findall(r'(?:href|src)="/static/([^"]+)"', html):
        found = finders.find(url)
        total += Path(found).stat().st_size if found else 0
    return total


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_need_no_script_no_staff_chrome_and_stay_under_100_kb(path):
    answer = _visitor().get(path)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert '<html lang="kk">' in html
    scripts = re.findall(r"<script[^>]*>", html)
    # everything works without JavaScript; the form's proof of work is the only, optional, script
    expected = ['<script src="/static/conversations/proof.js" defer>'] if path == "/write/" else []
    assert scripts == expected
    assert "Qorgau · 111" not in html and 'class="top"' not in html  # no staff header
    assert 'href="tel:111"' in html
    assert _page_weight(html) < 100 * 1024


def test_the_home_page_says_what_111_does_in_kazakh_and_russian():
    kk = _visitor("kk").get("/").content.decode()
    ru = _visitor("ru").get("/").content.decode()
    assert "балаларға, әйелдерге және отбасыларға көмектесеміз" in kk
    assert "помогаем детям, женщинам и семьям" in ru
    for html in (kk, ru):
        assert 'href="/write/"' in html and 'href="/conversation/"' in html
        assert 'href="/info/how-we-help/"' in html  # a starter page, listed


def test_signed_in_staff_still_start_on_their_own_page(personas):
    answer = signed_in(personas["consultant"]).get("/")
    assert answer.status_code == 302 and answer["Location"] != "/"


def test_an_information_page_renders_its_markdown_inertly_in_the_visitors_language(personas):
    InfoPage.objects.create(
        slug="test-page",
        title_kk="Сынақ бет",
        title_ru="Тестовая страница",
        body_kk="**Маңызды** <script>alert(1)</script> [x](javascript:alert(1))",
        body_ru="**Важно**",
    )
    kk = _visitor("kk").get("/info/test-page/").content.decode()
    ru = _visitor("ru").get("/info/test-page/").content.decode()
    assert "<strong>Маңызды</strong>" in kk and "<h1>Сынақ бет</h1>" in kk
    assert "<script" not in kk and 'href="javascript:' not in kk
    assert "<strong>Важно</strong>" in ru


def test_an_unpublished_or_unknown_page_is_not_found():
    InfoPage.objects.create(
        slug="draft", title_kk="a", title_ru="b", body_kk="c", body_ru="d", published=False
    )
    assert _visitor().get("/info/draft/").status_code == 404
    assert _visitor().get("/info/no-such-page/").status_code == 404


def test_matrix_row():
    assert MATRIX[Perm.SITE_EDIT] == {Role.SUPERVISOR, Role.ADMIN}


def _page_form(**overrides: str) -> dict[str, str]:
    return {
        "slug": "help-at-school",
        "title_kk": "Мектептегі көмек",
        "title_ru": "Помощь в школе",
        "body_kk": "Мектеп психологына бар.",
        "body_ru": "Обратись к школьному психологу.",
        "published": "on",
        "position": "4",
        **overrides,
    }


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_supervisors_and_administrators_edit_pages(personas, persona):
    client = signed_in(personas[persona])
    listing = client.get("/site-pages/")
    created = client.post("/site-pages/new/", _page_form())
    if persona in EDITORS:
        assert listing.status_code == 200 and created.status_code == 302
        assert _visitor().get("/info/help-at-school/").status_code == 200
        record = AuditRecord.objects.get(action="site_page.save", object_ref="help-at-school")
        assert record.actor_id == personas[persona].pk
    else:
        assert listing.status_code in (302, 403) and created.status_code in (302, 403)
        assert not InfoPage.objects.filter(slug="help-at-school").exists()


def test_a_save_over_a_newer_version_is_refused_and_keeps_what_was_typed(personas):
    first, second = signed_in(personas["supervisor"]), signed_in(personas["supervisor"])
    page = InfoPage.objects.get(slug="secrecy")
    form = _page_form(slug="secrecy", version=str(page.version))
    assert first.post("/site-pages/secrecy/", form).status_code == 302
    late = second.post("/site-pages/secrecy/", {**form, "body_kk": "Менің нұсқам"})
    assert late.status_code == 409
    assert "Менің нұсқам" in late.content.decode()
    assert InfoPage.objects.get(slug="secrecy").body_kk == "Мектеп психологына бар."


def test_bad_input_is_named_in_the_editors_language_and_nothing_is_saved(personas):
    client = signed_in(personas["supervisor"], language="ru")
    answer = client.post("/site-pages/new/", _page_form(slug="Bad Slug!", title_kk=""))
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "латинские" in html.lower() or "латин" in html.lower()
    assert not InfoPage.objects.filter(title_ru="Помощь в школе").exists()
