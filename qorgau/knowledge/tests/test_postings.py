"""Impact-ordered postings (postings.py, decision 0010): the search reads each word's best
articles from them, so among many articles sharing a common word the one that is about it still
comes first, drafts and other directions never take its place, and edits and deletions keep the
postings true. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from qorgau.core.roles import Role
from qorgau.knowledge import search
from qorgau.knowledge.actions import article_transition, kb_import
from qorgau.knowledge.models import Article, SearchTerm
from qorgau.knowledge.postings import impacts

pytestmark = pytest.mark.django_db


def article(key: str, title: str, body: str, **fields) -> str:
    item = {"id": key, "lang": "ru", "title": title, "body": body, "tags": [], "direction": "4"}
    return json.dumps({**item, **fields}, ensure_ascii=False)


def postings() -> set[tuple[int, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT term_id, impact, article_id FROM knowledge_posting")
        return set(cursor.fetchall())


def found(text: str, **options) -> list[str]:
    return [hit.article.key for hit in search.kb_search(text, lang="ru", **options)]


@pytest.fixture
def crowd(db, monkeypatch):
    """Twelve articles that mention «алименты» in passing, one about them; the search may take
    only 3 candidates per word, as if 100,000 articles shared the word."""
    lines = [
        article(f"crowd-{n}", f"Справка номер {n}", "Общие сведения. Про алименты тоже есть.")
        for n in range(12)
    ]
    lines.append(article("about", "Алименты на ребёнка", "Как взыскать алименты через суд."))
    kb_import(lines=lines)
    monkeypatch.setattr(search, "CANDIDATES", 3)
    monkeypatch.setattr(search, "MIN_PER_WORD", 3)


def test_a_title_weighs_more_than_the_body_and_frequency_counts():
    weights = impacts(["алимент"], ["суд", "суд", "суд", "алимент", "справк"])
    assert weights["алимент"] > weights["суд"] > weights["справк"]
    longer = impacts([], ["суд"] + ["слов"] * 2000)
    assert longer["суд"] < weights["справк"]  # one mention in a long text weighs less


def test_the_article_about_a_common_word_is_found_among_many_that_mention_it(crowd):
    assert found("алименты")[0] == "about"
    assert len(found("алименты")) == 3


def test_drafts_and_other_directions_never_take_a_published_article_s_place(crowd, make_user):
    article_transition(actor=make_user("s", Role.SUPERVISOR), key="about", status="draft")
    assert "about" not in found("алименты") and len(found("алименты")) == 3
    Article.objects.filter(key="crowd-0").update(status="draft")  # not through the workflow
    assert "crowd-0" not in found("алименты")
    kb_import(lines=[article("other-direction", "Справка", "Алименты и суд.", direction="5")])
    assert found("алименты", direction=5) == ["other-direction"]


def test_an_edit_replaces_the_articles_postings(crowd):
    kb_import(lines=[article("about", "Опека", "Как оформить опеку.", direction="6")])
    assert "about" not in found("алименты")
    assert found("опека") == ["about"] == found("опека", direction=6)
    assert found("опека", direction=4) == []


def test_a_deleted_article_leaves_no_postings(crowd):
    about = Article.objects.get(key="about")
    ids = {row[2] for row in postings()}
    assert about.pk in ids
    about.delete()
    assert about.pk not in {row[2] for row in postings()}


def test_rebuilding_from_the_index_rows_gives_the_same_postings_and_counts(crowd):
    """What migration 0003 does for a database indexed before the postings existed."""
    Article.objects.filter(key="crowd-0").update(status="draft")  # not through the workflow
    written = postings()
    counts = dict(SearchTerm.objects.values_list("term", "articles"))
    assert counts["алимент"] == 13
    out = StringIO()
    call_command("kb", "reindex", stdout=out)  # postings_rebuild()
    assert "12 published articles" in out.getvalue()
    assert {row for row in postings() if row[2] != Article.objects.get(key="crowd-0").pk} == {
        row for row in written if row[2] != Article.objects.get(key="crowd-0").pk
    }
    assert dict(SearchTerm.objects.values_list("term", "articles"))["алимент"] == 12


def test_archiving_takes_an_article_out_and_publishing_brings_it_back(crowd, make_user):
    supervisor = make_user("supervisor", Role.SUPERVISOR)
    article_transition(actor=supervisor, key="about", status="archived")
    assert "about" not in found("алименты")
    assert SearchTerm.objects.get(term="алимент").articles == 12
    for status in ("draft", "review", "published"):
        article_transition(actor=supervisor, key="about", status=status)
    assert found("алименты")[0] == "about"


def test_terms_count_the_published_articles_that_contain_them(crowd):
    def count() -> int:
        return SearchTerm.objects.get(term="алимент").articles

    assert count() == 13
    kb_import(lines=[article("about", "Опека", "Как оформить опеку.")])
    assert count() == 12
    kb_import(lines=[article("draft", "Алименты", "Черновик.", status="draft")])
    assert count() == 12
