"""List pages of the knowledge base keep a constant number of queries as their rows grow
(docs/style.md): the search (also the appeal page's panel) and the editors' list, with 3 and
then 30 articles."""

from __future__ import annotations

import json
from itertools import count

import pytest

from qorgau.knowledge.actions import kb_import
from qorgau.knowledge.models import Article
from qorgau.testing import assert_constant_queries, signed_in

pytestmark = pytest.mark.django_db
NUMBERS = count()


def _articles(how_many: int) -> None:
    """Articles that all mention bullying at school, in Kazakh."""
    lines = []
    for _ in range(how_many):
        n = next(NUMBERS)
        item = {
            "id": f"bullying-{n}",
            "lang": "kk",
            "title": f"Мектептегі буллинг {n}",
            "body": "Баланы сыныптастары қорласа, мектеп директорына жазыңыз.",
            "direction": "4",
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    kb_import(lines=lines)


@pytest.mark.parametrize("panel", [False, True])
def test_search(personas, register, panel):
    client = signed_in(personas["consultant"])
    form = {"q": "буллинг", "lang": "kk"}
    headers = {}
    if panel:  # the appeal page's panel: results with "used for this appeal"
        form["appeal"] = register()["number"]
        headers = {"HX-Request": "true"}

    def fetch() -> None:
        response = client.post("/kb/", form, headers=headers)
        assert response.status_code == 200 and "Мектептегі буллинг" in response.content.decode()

    _articles(3)
    assert_constant_queries(fetch, lambda: _articles(27))


def test_editor_list(personas):
    client = signed_in(personas["supervisor"])

    def fetch() -> None:
        assert client.get("/kb/editor/").status_code == 200

    _articles(3)
    assert_constant_queries(fetch, lambda: _articles(27))
    html = client.get("/kb/editor/").content.decode()
    assert all(f"/kb/{a.key}/" in html for a in Article.objects.all())
