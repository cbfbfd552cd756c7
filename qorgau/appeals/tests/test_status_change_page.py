"""The status change on the appeal page and the new-appeal form, through Django's test client:
nothing moves by accident, refusals are shown in the user's language, and the form's key keeps
a resubmit to one appeal."""

from __future__ import annotations

import pytest
from django.conf import settings

from qorgau.appeals.actions import appeal_transition
from qorgau.appeals.models import Appeal
from qorgau.appeals.tests.test_views import FORM

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def page_as(client, personas):
    def sign_in(persona: str, language: str = "kk"):
        client.force_login(personas[persona])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return sign_in


def _move(number: str, to: str, actor) -> None:
    appeal_transition(actor=actor, appeal=Appeal.objects.get(number=number), to_status=to)


def test_no_next_status_is_preselected(page_as, register):
    number = register()["number"]
    html = page_as("consultant").get(f"/appeals/{number}/").content.decode()
    form = html[html.index('id="status-change"') :]
    assert '<option value="" selected>Таңдаңыз…</option>' in form
    assert form.count("selected") == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "Келесі мәртебені таңдаңыз."), ("ru", "Выберите следующий статус.")],
)
def test_submitting_without_a_choice_moves_nothing(page_as, register, language, message):
    number = register()["number"]
    response = page_as("consultant", language).post(
        f"/appeals/{number}/transition/", {"to": "", "comment": "x"}, **HTMX
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert Appeal.objects.get(number=number).status == "registered"


def test_the_heading_follows_the_status_after_htmx(page_as, register):
    number = register()["number"]
    response = page_as("consultant").post(
        f"/appeals/{number}/transition/", {"to": "in_progress"}, **HTMX
    )
    html = response.content.decode()
    header = html[html.index('<h1 id="appeal-header" hx-swap-oob="true">') :].split("</h1>")[0]
    assert number in header and '<small class="status">Жұмыста</small>' in header


def test_a_move_reloads_the_timeline_which_shows_the_step(page_as, register):
    """The history is on the timeline (rule 6(d)): the move tells it to reload, and the new
    step shows with its comment for roles that see personal data, without it for others."""
    number = register()["number"]
    client = page_as("consultant")
    response = client.post(
        f"/appeals/{number}/transition/",
        {"to": "in_progress", "comment": "Анасы хабарласты"},
        **HTMX,
    )
    assert response["HX-Trigger"] == "qorgau-changed"
    timeline = client.get(f"/appeals/{number}/timeline/").content.decode()
    step = timeline.split('class="tl-status"')[-1]
    assert "Жұмыста" in step and "Анасы хабарласты" in step
    quality = page_as("quality").get(f"/appeals/{number}/timeline/").content.decode()
    assert "Жұмыста" in quality and "Анасы хабарласты" not in quality


def test_the_appeal_page_has_one_timeline_and_the_status_form(page_as, register):
    number = register()["number"]
    html = page_as("consultant").get(f"/appeals/{number}/").content.decode()
    assert html.count(f'hx-get="/appeals/{number}/timeline/"') == 1
    assert f"/appeals/{number}/requests/" not in html and 'id="status-change"' in html


@pytest.mark.parametrize(
    ("language", "now"),
    [("kk", "өтініштің қазіргі мәртебесі"), ("ru", "сейчас обращение в статусе")],
)
def test_someone_elses_earlier_move_is_shown_with_the_status(
    page_as, personas, register, language, now
):
    number = register()["number"]
    client = page_as("consultant", language)
    _move(number, "in_progress", personas["supervisor"])  # while our page was open
    response = client.post(f"/appeals/{number}/transition/", {"to": "in_progress"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409 and 'id="transition-conflict"' in html
    assert now in html
    label = Appeal.objects.get(number=number).get_status_display()
    assert label in html.split('id="transition-conflict"')[1].split("</p>")[0]


def test_the_409_without_htmx_is_the_whole_page(page_as, personas, register):
    number = register()["number"]
    client = page_as("consultant")
    _move(number, "in_progress", personas["supervisor"])
    response = client.post(f"/appeals/{number}/transition/", {"to": "in_progress"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "<main" in html and "transition-conflict" in html


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "Өтініш неге қайта ашылатынын жазыңыз."), ("ru", "Напишите, почему обращение")],
)
def test_a_reopen_needs_a_comment(page_as, personas, register, language, message):
    number = register()["number"]
    for to in ("answered", "closed"):
        _move(number, to, personas["supervisor"])
    client = page_as("supervisor", language)
    refused = client.post(f"/appeals/{number}/transition/", {"to": "in_progress"}, **HTMX)
    assert refused.status_code == 422 and message in refused.content.decode()
    assert Appeal.objects.get(number=number).status == "closed"
    client.post(f"/appeals/{number}/transition/", {"to": "in_progress", "comment": "Қайта қоңырау"})
    assert Appeal.objects.get(number=number).status == "in_progress"


@pytest.mark.parametrize(
    ("language", "question"),
    [("kk", "Өтінішті жабасыз ба?"), ("ru", "Закрыть обращение?")],
)
def test_closing_asks_first_and_works_without_js(page_as, personas, register, language, question):
    number = register()["number"]
    _move(number, "answered", personas["consultant"])
    client = page_as("consultant", language)
    asked = client.post(f"/appeals/{number}/transition/", {"to": "closed", "comment": "ok"})
    html = asked.content.decode()
    assert asked.status_code == 200 and question in html and 'name="confirm" value="yes"' in html
    assert Appeal.objects.get(number=number).status == "answered"
    done = client.post(
        f"/appeals/{number}/transition/", {"to": "closed", "comment": "ok", "confirm": "yes"}
    )
    assert done.status_code == 302
    appeal = Appeal.objects.get(number=number)
    assert appeal.status == "closed" and appeal.status_changes.last().comment == "ok"


def test_the_form_key_is_kept_across_an_invalid_submit(page_as):
    client = page_as("consultant")
    fresh = client.get("/appeals/new/").content.decode()
    assert "data-fresh" in fresh and "appeal-draft.js" in fresh
    invalid = client.post("/appeals/new/", {**FORM, "summary": ""}).content.decode()
    assert 'name="form_key" value="form-1"' in invalid and "data-fresh" not in invalid
    client.post("/appeals/new/", FORM)
    registered = client.post("/appeals/new/", FORM)  # Back, then submit again
    assert 'data-registered-key="form-1"' in registered.content.decode()
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "skip"), [("kk", "Негізгі мазмұнға өту"), ("ru", "Перейти к")]
)
def test_every_page_starts_with_a_skip_link_and_has_the_overlay(page_as, language, skip):
    html = page_as("consultant", language).get("/appeals/").content.decode()
    body = html[html.index("<body") :]
    first_focusable = body[body.index(">") + 1 :].lstrip()
    assert first_focusable.startswith('<a class="skip-link" href="#main">' + skip)
    assert '<main id="main"' in html and 'id="shortcuts"' in html and "pages.js" in html
    for key in ("<kbd>N</kbd>", "<kbd>S</kbd>", "<kbd>K</kbd>", "<kbd>R</kbd>"):
        assert key in html


@pytest.mark.parametrize(
    ("language", "message"),
    [("kk", "Бұл форма басқа мәліметтермен"), ("ru", "Эта форма уже зарегистрировала")],
)
def test_a_registered_form_retyped_after_back_says_so_and_then_registers(
    page_as, language, message
):
    client = page_as("consultant", language)
    client.post("/appeals/new/", FORM)
    retyped = client.post("/appeals/new/", {**FORM, "summary": "Басқа өтініш"})
    html = retyped.content.decode()
    assert retyped.status_code == 422 and message in html and Appeal.objects.count() == 1
    new_key = html.split('name="form_key" value="')[1].split('"')[0]
    assert new_key != "form-1"
    client.post("/appeals/new/", {**FORM, "summary": "Басқа өтініш", "form_key": new_key})
    assert Appeal.objects.count() == 2
