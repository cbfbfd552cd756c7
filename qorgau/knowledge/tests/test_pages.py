"""Knowledge-base pages (rule 6(m)): search, the panel in the appeal page with
"used for this appeal", and the editors' write → review → publish workflow with versions."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from qorgau.audit.models import AuditRecord
from qorgau.knowledge.models import Article, ArticleUse
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def starter(db):
    call_command("kb", "starter", verbosity=0)


def test_search_page_and_article(personas, starter):
    client = signed_in(personas["consultant"])
    page = client.post("/kb/", {"q": "балаларға жәрдемақы", "lang": "kk"}).content.decode()
    assert "/kb/kb-child-disability-benefit-kk/" in page and "<mark>" in page
    article = client.get("/kb/kb-child-disability-benefit-kk/").content.decode()
    assert "<h1>" in article and "Edit" not in article and "Өңдеу" not in article


def test_panel_in_the_appeal_page_attaches_the_article(personas, starter, register):
    number = register()["number"]
    client = signed_in(personas["consultant"])
    page = client.get(f"/appeals/{number}/").content.decode()
    assert 'id="kb-panel"' in page
    results = client.post(
        "/kb/", {"q": "буллинг", "appeal": number}, headers={"HX-Request": "true"}
    )
    assert f"/kb/appeals/{number}/use/" in results.content.decode()
    answer = client.post(f"/kb/appeals/{number}/use/kb-school-bullying-kk/")
    assert answer.status_code == 200 and "kb-school-bullying-kk" in answer.content.decode()
    assert answer["HX-Trigger"] == "qorgau-changed"  # the timeline shows the article
    assert ArticleUse.objects.get().article.used == 1


def test_editor_writes_reviewer_publishes(personas, starter):
    quality, supervisor = signed_in(personas["quality"]), signed_in(personas["supervisor"])
    form = {
        "key": "kb-new-topic-kk",
        "lang": "kk",
        "title": "Жаңа тақырып",
        "body": "Бірінші мәтін.",
        "tags": "жаңа, тест",
        "audience": "caller",
        "pair": "",
        "review_by": "",
    }
    assert quality.post("/kb/new/", form).status_code == 302
    article = Article.objects.get(key="kb-new-topic-kk")
    assert article.status == "draft"
    consultant = signed_in(personas["consultant"])
    assert consultant.get("/kb/kb-new-topic-kk/").status_code == 404  # drafts are not read
    assert consultant.get("/kb/new/").status_code == 403
    quality.post("/kb/kb-new-topic-kk/edit/", {**form, "body": "Екінші мәтін."})
    assert quality.post("/kb/kb-new-topic-kk/status/", {"status": "review"}).status_code == 302
    assert quality.post("/kb/kb-new-topic-kk/status/", {"status": "published"}).status_code == 403
    supervisor.post("/kb/kb-new-topic-kk/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published" and article.version == 2
    page = supervisor.get("/kb/kb-new-topic-kk/").content.decode()
    assert "+Екінші мәтін." in page and "-Бірінші мәтін." in page
    assert AuditRecord.objects.filter(action="article.publish", object_ref=article.key).exists()


def test_the_editor_list_shows_gaps(personas, starter):
    signed_in(personas["consultant"]).post("/kb/", {"q": "зззззз", "lang": "kk"})
    page = signed_in(personas["quality"]).get("/kb/editor/").content.decode()
    assert "зззззз" in page
