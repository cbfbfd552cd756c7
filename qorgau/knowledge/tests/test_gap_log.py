"""The log of searches that found nothing holds no personal data (rule 5): quality officers read
it, and they may not see names, IINs or phones. Its language is kk, ru or en, nothing else."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from qorgau.knowledge.gaps import mask_query
from qorgau.knowledge.models import SearchGap

pytestmark = pytest.mark.django_db

NOTHING = "зззззз"  # no article has it: every query below finds nothing and is logged


@pytest.fixture
def starter(db):
    call_command("kb", "starter", verbosity=0)


def logged(api_as, query: str, lang: str = "kk") -> str:
    """Search as a consultant; the query as the quality officer then reads it in the log."""
    assert api_as("consultant").get("/api/v1/kb/search", q=query, lang=lang).json() == []
    return api_as("quality").get("/api/v1/kb/gaps").json()[0]["query"]


@pytest.mark.parametrize(
    ("query", "names", "kept"),
    [
        ("Айгерім Сәрсенова ұрады", ["Айгерім", "Сәрсенов"], ["ұрады"]),
        ("Иванова Мария бьёт", ["Иванов", "Мари"], ["бьёт"]),
        ("Сәрсеноваға Айгерімге көмек керек", ["Сәрсенов", "Айгерім"], ["көмек керек"]),
        ("Ивановой Марии угрожают", ["Иванов", "Мари"], ["угрожают"]),
        ("Нұрланның күйеуі ұрады", ["Нұрлан"], ["күйеуі ұрады"]),
        ("Aigul Serikova alimony", ["Aigul", "Serikova"], ["alimony"]),
        # the same name again in lower case and another case form is masked with it
        ("Айгерім ұрады, айгерімнің баласы", ["йгерім"], ["ұрады", "баласы"]),
    ],
)
def test_names_are_masked_in_every_case_form(starter, query, names, kept):
    shown = mask_query(query)
    assert "[аты-жөні/ФИО]" in shown, shown
    for name in names:
        assert name.lower() not in shown.lower(), shown
    for words in kept:
        assert words in shown, shown
    assert mask_query(shown) == shown  # masking again (migration 0004) changes nothing


def test_iin_phone_and_names_never_reach_the_quality_officer(api_as, starter):
    query = "Серікова Айгүл 900101300027 +7 701 234 56 78 зззззз"
    shown = logged(api_as, query)
    for secret in ["Серікова", "Айгүл", "900101300027", "701", "234 56 78"]:
        assert secret not in shown, shown
    assert "[ЖСН/ИИН]" in shown and "[телефон]" in shown and "[аты-жөні/ФИО]" in shown


def test_words_the_knowledge_base_knows_stay_readable(starter):
    """Capitalised ordinary words (a query's first word) are not names: editors need them."""
    assert mask_query("Алимент төлемейді").startswith("Алимент")
    shown = mask_query("Муж бьёт, Петрова Анна")
    assert shown.startswith("Муж бьёт") and "Петров" not in shown and "Анна" not in shown


@pytest.mark.parametrize(("language", "word"), [("ru", "язык"), ("kk", "тіл"), ("en", "language")])
def test_unknown_language_is_a_clear_422_in_the_callers_language(api_as, starter, language, word):
    response = api_as("consultant", language).get("/api/v1/kb/search", q=NOTHING, lang="de")
    assert response.status_code == 422
    assert word in response.json()["fields"]["lang"].lower()
    assert not SearchGap.objects.exists()


def test_the_page_never_stores_an_odd_language(client, personas, starter):
    client.force_login(personas["consultant"])
    for odd in ["xx", "k", "ru-RU", "kk'--", "<b>"]:
        page = client.post("/kb/", {"q": NOTHING, "lang": odd}, HTTP_ACCEPT_LANGUAGE="ru")
        assert page.status_code == 200
    assert set(SearchGap.objects.values_list("lang", flat=True)) == {"ru"}


def test_api_languages_kk_ru_en_are_kept(api_as, starter):
    for lang in ["kk", "ru", "en"]:
        api_as("consultant").get("/api/v1/kb/search", q=NOTHING, lang=lang)
    assert sorted(SearchGap.objects.values_list("lang", flat=True)) == ["en", "kk", "ru"]


def test_the_editor_page_shows_the_masked_query(personas, api_as, starter):
    logged(api_as, f"Иванова Светлана {NOTHING}", "ru")
    page = Client(HTTP_ACCEPT_LANGUAGE="kk")
    page.force_login(personas["quality"])
    html = page.get("/kb/editor/").content.decode()
    assert NOTHING in html and "Иванов" not in html and "Светлан" not in html
