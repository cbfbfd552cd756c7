"""The staff pages and the public status page, through Django's test client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

FORM = {
    "urgency": "urgent",
    "urgency_reason": "Күйеуі қазір ұрып жатыр",
    "risk_flags": ["violence_now"],
    "channel": "phone",
    "language": "kk",
    "region": "astana",
    "direction": "2",
    "summary": "Отбасылық зорлық-зомбылық",
    "description": "Әйел көмек сұрап қоңырау шалды.",
    "applicant.kind": "individual",
    "applicant.name": "Гүлнар Ахметова",
    "applicant.phone": "8 701 555 44 33",
    "applicant.iin": "",
    "persons.0.kind": "woman",
    "persons.0.age": "31",
    "help_given": ["psychological"],
    "form_key": "form-1",
}


@pytest.fixture
def consultant_client(client, personas):
    client.force_login(personas["consultant"])
    return client


def test_login_required(client):
    response = client.get("/appeals/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_register_through_the_form_shows_number_and_code(consultant_client):
    response = consultant_client.post("/appeals/new/", FORM)
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    html = response.content.decode()
    assert appeal.number in html and 'id="code"' in html
    assert appeal.urgency == "urgent" and appeal.risk_violence_now
    assert appeal.applicant_phone == "+77015554433"


def test_double_submit_of_one_form_makes_one_appeal(consultant_client):
    consultant_client.post("/appeals/new/", FORM)
    consultant_client.post("/appeals/new/", FORM)
    assert Appeal.objects.count() == 1


def test_form_errors_keep_what_was_typed(consultant_client):
    bad = {**FORM, "applicant.phone": "12", "urgency_reason": ""}
    response = consultant_client.post("/appeals/new/", bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Not a valid phone number." in html
    assert "Гүлнар Ахметова" in html  # nothing typed is lost
    assert Appeal.objects.count() == 0


def test_caller_lookup_shows_earlier_appeals_and_is_audited(consultant_client, register):
    earlier = register()["number"]
    response = consultant_client.post("/appeals/caller/", {"applicant.phone": "87012345678"})
    assert earlier in response.content.decode()
    assert AuditRecord.objects.filter(action="appeal.lookup_caller").exists()
    nothing = consultant_client.post("/appeals/caller/", {"applicant.phone": "87770000000"})
    assert earlier not in nothing.content.decode()


def test_caller_lookup_takes_no_identifiers_in_the_url(consultant_client, register):
    """Rule 5: the IIN and phone travel in a POST body; a GET with them in the query string is
    refused and finds nothing."""
    earlier = register()["number"]
    response = consultant_client.get("/appeals/caller/", {"applicant.phone": "87012345678"})
    assert response.status_code == 405 and earlier not in response.content.decode()
    page = consultant_client.get("/appeals/new/").content.decode()
    assert 'hx-post="/appeals/caller/"' in page and 'hx-get="/appeals/caller/' not in page


def test_list_filters_with_htmx_returns_rows_only(consultant_client, register):
    register(direction=5)
    urgent = register(urgency="urgent", urgency_reason="x")["number"]
    response = consultant_client.get("/appeals/", {"urgency": "urgent"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert urgent in html and "<html" not in html and html.count("<tr") == 2


def test_list_query_count_does_not_grow_with_rows(consultant_client, register):
    for _ in range(3):
        register()
    with CaptureQueriesContext(connection) as few:
        consultant_client.get("/appeals/")
    for _ in range(20):
        register()
    with CaptureQueriesContext(connection) as many:
        consultant_client.get("/appeals/")
    assert len(many) == len(few)


def test_detail_shows_personal_data_and_history_and_audits(consultant_client, register):
    number = register()["number"]
    html = consultant_client.get(f"/appeals/{number}/").content.decode()
    assert "Айгүл Серікова" in html and "900101300027" in html
    assert AuditRecord.objects.filter(action="appeal.view_personal", object_ref=number).exists()


def test_detail_hides_personal_data_from_quality(client, personas, register):
    number = register()["number"]
    client.force_login(personas["quality"])
    html = client.get(f"/appeals/{number}/").content.decode()
    assert "Айгүл" not in html and "900101300027" not in html and number in html


def test_transition_from_page_with_htmx(consultant_client, register):
    number = register()["number"]
    response = consultant_client.post(
        f"/appeals/{number}/transition/",
        {"to": "in_progress", "comment": "started"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Appeal.objects.get(number=number).status == "in_progress"


def test_language_switch(consultant_client):
    consultant_client.post("/i18n/setlang/", {"language": "ru", "next": "/appeals/"})
    assert "Обращения" in consultant_client.get("/appeals/").content.decode()
    consultant_client.post("/i18n/setlang/", {"language": "kk", "next": "/appeals/"})
    assert "Өтініштер" in consultant_client.get("/appeals/").content.decode()


def test_caller_page_query_count_does_not_grow_with_rows(consultant_client, register):
    """All appeals of one caller (rule 5: a POST look-up) with 3 and then 30 appeals."""
    from qorgau.testing import assert_constant_queries

    def fetch() -> None:
        response = consultant_client.post("/appeals/callers/", {"q": "+7 701 234 56 78"})
        assert response.status_code == 200

    for _ in range(3):
        register()
    assert_constant_queries(fetch, lambda: [register() for _ in range(27)])
    html = consultant_client.post("/appeals/callers/", {"q": "+7 701 234 56 78"}).content.decode()
    assert html.count('<tr class="') == 30
