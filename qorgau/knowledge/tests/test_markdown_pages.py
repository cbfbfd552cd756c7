"""Markdown in the editors' and consultants' pages: search snippets show an article's bold and
links but never its raw HTML, the editor previews the text being typed, and an article whose
key was left empty gets one from its title."""

from __future__ import annotations

import pytest

from qorgau.knowledge.actions import ArticleIn, article_save
from qorgau.knowledge.models import Article
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

BODY = (
    "Жәрдемақы туралы **маңызды** ереже: [өтініш](https://egov.kz/apply) беріңіз "
    '<script>alert("x")</script> <b onclick="x()">қалың</b> [қатер](javascript:alert(1)).'
)


def _search(personas, text: str) -> str:
    client = signed_in(personas["consultant"])
    return client.post("/kb/", {"q": text, "lang": "kk"}).content.decode()


def test_snippet_renders_markdown_and_no_raw_html(personas):
    data = ArticleIn(id="kb-benefit-md", lang="kk", title="Жәрдемақы", body=BODY)
    article_save(actor=None, data=data)
    page = _search(personas, "жәрдемақы ереже")
    snippet = page.split('class="snippet">')[1].split("</div>")[0]
    assert "<strong>маңызды</strong>" in snippet and "<mark>ереже</mark>" in snippet
    assert 'href="https://egov.kz/apply"' in snippet
    assert "<script" not in snippet and "<b " not in snippet and 'href="javascript' not in snippet
    assert "&lt;script&gt;" in snippet, snippet  # the body's raw HTML shows as text


def test_preview_renders_what_the_editor_typed(personas):
    editor = signed_in(personas["quality"])
    typed = {"body": "# Тақырып\n\n*бір* <img src=x onerror=alert(1)>"}
    answer = editor.post("/kb/new/preview/", typed, headers={"HX-Request": "true"})
    html = answer.content.decode()
    assert answer.status_code == 200 and "<h1>Тақырып</h1>" in html and "<em>бір</em>" in html
    assert "<img" not in html
    assert signed_in(personas["consultant"]).post("/kb/new/preview/", typed).status_code == 403
    assert "kb/new/preview/" in editor.get("/kb/new/").content.decode()


def test_an_empty_key_is_made_from_the_title(personas):
    editor = signed_in(personas["quality"])
    form = {
        "key": "",
        "lang": "kk",
        "title": "Баланың құқықтары",
        "body": "Мәтін.",
        "audience": "caller",
    }
    assert editor.post("/kb/new/", form).status_code == 302
    assert (
        editor.post("/kb/new/", {**form, "lang": "ru", "title": "Права ребёнка"}).status_code == 302
    )
    assert editor.post("/kb/new/", {**form, "body": "Басқа."}).status_code == 302
    keys = set(Article.objects.values_list("key", flat=True))
    assert keys == {"balanyng-quqyqtary", "prava-rebenka", "balanyng-quqyqtary-2"}


def test_the_article_line_is_whole_sentences_in_kazakh_word_order(personas):
    data = ArticleIn(
        id="kb-order", lang="kk", title="Тәртіп", body="Мәтін.", review_by="2027-03-01"
    )
    article_save(actor=None, data=data)
    page = signed_in(personas["consultant"]).get("/kb/kb-order/").content.decode()
    assert "1-нұсқа" in page and "01.03.2027 дейін қайта қарау" in page


def test_an_edited_article_with_its_key_left_empty_keeps_its_key(personas):
    editor = signed_in(personas["quality"])
    form = {"key": "", "lang": "kk", "title": "Алимент", "body": "Мәтін.", "audience": "caller"}
    assert editor.post("/kb/new/", form).status_code == 302
    edited = editor.post("/kb/aliment/edit/", {**form, "body": "Жаңа мәтін."})
    assert edited.status_code == 302 and edited["Location"].endswith("/kb/aliment/")
    assert list(Article.objects.values_list("key", "body")) == [("aliment", "Жаңа мәтін.")]
