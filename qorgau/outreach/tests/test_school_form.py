"""A school's QR form (rules 6(f), 6(s)): /s/<token>/ shows the school, records it with the
channel "school", and is anonymous unless the child gives a name; an unknown token answers 404
exactly like any unknown page. Campaign links /c/<code>/ and "How did you hear of 111?"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from qorgau.conversations.models import ApplicantKind, Channel, Conversation
from qorgau.outreach.models import School, SourceCode
from qorgau.reference.models import Region

pytestmark = pytest.mark.django_db

TEXT = "Сыныпта мені мазақтайды"
NUMBER_RE = re.compile(r'id="written-number">([^<]+)<')


@pytest.fixture
def school() -> School:
    region = Region.objects.get(code="shymkent")
    return School.objects.create(region=region, district="Әл-Фараби", name="№ 7 мектеп")


def _client(language: str = "kk") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="10.9.0.1")


def _normal(response, url: str) -> str:
    """The body with its own path and the CSRF tokens blanked: those differ between requests."""
    text = response.content.decode().replace(url, "<url>")
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", text)


def _number(page) -> str:
    assert page.status_code == 200, page.content.decode()[:500]
    return NUMBER_RE.search(page.content.decode()).group(1)


def test_tokens_are_long_random_and_unique():
    region = Region.objects.get(code="almaty")
    schools = [School.objects.create(region=region, district="D", name=f"S{i}") for i in range(50)]
    tokens = {s.token for s in schools}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22,}", t) for t in tokens)  # >= 128 bits


def test_the_qr_form_shows_the_school_and_asks_no_name(school):
    html = _client().get(f"/s/{school.token}/").content.decode()
    assert "Сенің мектебің: № 7 мектеп" in html
    assert 'name="region"' not in html  # the school's region is known
    assert 'name="heard_from"' in html
    assert 'name="name"' in html and 'name="name" required' not in html
    ru = _client("ru").get(f"/s/{school.token}/").content.decode()
    assert "Твоя школа: № 7 мектеп" in ru


def test_writing_from_the_qr_form_records_the_school_anonymously(school):
    number = _number(_client().post(f"/s/{school.token}/", {"text": TEXT}))
    conversation = Conversation.objects.get(number=number)
    assert conversation.school == school
    assert conversation.channel == Channel.SCHOOL
    assert conversation.region.code == "shymkent"
    assert conversation.applicant_kind == ApplicantKind.ANONYMOUS and conversation.name == ""
    assert school.token not in str(conversation.messages.get().text)


def test_a_wrong_token_is_an_unknown_page(school):
    client = _client()
    wrong = client.get(f"/s/{school.token[:-1]}x/")
    unknown = client.get("/no-such-page/")
    assert wrong.status_code == unknown.status_code == 404
    assert _normal(wrong, f"/s/{school.token[:-1]}x/") == _normal(unknown, "/no-such-page/")
    assert school.name not in wrong.content.decode()
    assert client.post("/s/nothing/", {"text": TEXT}).status_code == 404
    assert not Conversation.objects.exists()


def test_the_plain_form_records_no_school():
    number = _number(_client().post("/write/", {"text": TEXT}))
    conversation = Conversation.objects.get(number=number)
    assert (conversation.school, conversation.channel, conversation.source) == (None, "web", None)


def test_heard_from_is_stored_and_a_forged_answer_refused():
    number = _number(_client().post("/write/", {"text": TEXT, "heard_from": "tv"}))
    assert Conversation.objects.get(number=number).heard_from == "tv"
    forged = _client().post("/write/", {"text": TEXT, "heard_from": "aliens"})
    assert forged.status_code == 422
    assert "Тізімнен жауапты таңдаңыз" in forged.content.decode()
    assert Conversation.objects.count() == 1


def test_a_campaign_link_records_its_source_unknown_or_stopped_ones_nothing():
    tv = SourceCode.objects.create(code="tv-2026", name="TV")
    SourceCode.objects.create(code="old", name="Old", active=False)
    assert _client().get("/c/tv-2026/").status_code == 200
    number = _number(_client().post("/c/tv-2026/", {"text": TEXT}))
    assert Conversation.objects.get(number=number).source == tv
    for code in ("old", "no-such-code"):
        page = _client().get(f"/c/{code}/")
        assert page.status_code == 200 and 'name="text"' in page.content.decode()
        number = _number(_client().post(f"/c/{code}/", {"text": TEXT}))
        conversation = Conversation.objects.get(number=number)
        assert (conversation.source, conversation.channel) == (None, "web")


def test_heard_from_is_counted_for_reports():
    from qorgau.conversations.selectors import counts_by_heard_from

    for heard in ("tv", "tv", "school", ""):
        _number(_client().post("/write/", {"text": TEXT, "heard_from": heard}))
    assert counts_by_heard_from() == {"tv": 2, "school": 1, "": 1}


def test_the_consultant_sees_the_school_in_the_thread(school, personas):
    from qorgau.testing import signed_in

    number = _number(_client().post(f"/s/{school.token}/", {"text": TEXT}))
    html = signed_in(personas["consultant"]).get(f"/inbox/{number}/").content.decode()
    assert "Мектеп: № 7 мектеп" in html and TEXT in html
