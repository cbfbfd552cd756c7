"""The call search (rule 6(p)): auditors and supervisors find the calls a written demand names
by date range, line, the caller's phone (through its blind index, audited) and a linked
appeal's number, and tick them into the demand; nobody else may search, and the caller's phone
is never shown."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qorgau.appeals.models import Appeal
from qorgau.appeals.tests.test_permissions import ALL
from qorgau.audit.models import AuditRecord
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, Recording, RecordingDemand
from qorgau.core.kztime import KZ_TZ, kz_today
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db
SEARCHERS = {"auditor", "supervisor"}
DAY = datetime(2026, 11, 20, 10, 0, tzinfo=KZ_TZ)
PHONE = "+77012345678"


@pytest.fixture
def calls(db) -> dict[str, Call]:
    """Three ended calls reported through the CTI API: two from one caller on different days
    and lines, one from another caller, plus one with the number withheld."""
    _system, token = phone_system_register(name="Asterisk 111")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(call_id: str, at: datetime, caller: str, line: str, seconds: int) -> Call:
        for event, moment, extra in [
            ("new_call", at, {"caller": caller, "line": line}),
            ("hangup", at + timedelta(seconds=seconds), {}),
        ]:
            body = {"event_id": f"{call_id}-{event}", "call_id": call_id, "event": event}
            body |= {"at": moment.isoformat(), **extra}
            response = client.post(
                "/api/v1/cti/events", body, content_type="application/json", headers=headers
            )
            assert response.status_code == 202, response.content
        return Call.objects.get(call_id=call_id)

    return {
        "first": call("a-1", DAY, "8 701 234 56 78", "kk", 125),
        "second": call("a-2", DAY + timedelta(days=3), "+7 (701) 234-56-78", "ru", 61),
        "other": call("b-1", DAY + timedelta(days=1), "+77079998877", "kk", 30),
        "withheld": call("c-1", DAY + timedelta(days=1, hours=1), "anonymous", "ru", 10),
    }


def search(api_as, persona: str = "auditor", language: str = "en", **filters):
    return api_as(persona, language).post("/api/v1/calls/search", filters)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["calls"]]


@pytest.mark.parametrize("persona", ALL)
def test_only_auditors_and_supervisors_search_through_the_api(api_as, calls, persona):
    status = search(api_as, persona).status_code
    assert status == (200 if persona in SEARCHERS else 403)


def test_the_api_refuses_a_stranger(api_as, calls):
    assert search(api_as, None).status_code == 401


@pytest.mark.parametrize("persona", ["auditor", "supervisor"])
def test_the_demands_page_links_to_the_search(personas, persona):
    page = signed_in(personas[persona]).get("/calls/demands/").content.decode()
    assert 'href="/calls/search/"' in page


@pytest.mark.parametrize("persona", ALL)
def test_only_auditors_and_supervisors_open_the_search_page(personas, calls, persona):
    client = signed_in(personas[persona])
    assert client.get("/calls/search/").status_code == (200 if persona in SEARCHERS else 403)
    posted = client.post("/calls/search/", {"line": "kk"})
    assert posted.status_code == (200 if persona in SEARCHERS else 403)


def test_a_signed_out_visitor_is_sent_to_sign_in(calls):
    assert Client().post("/calls/search/", {"phone": PHONE}).status_code == 302
    assert not AuditRecord.objects.filter(action="call.search_by_phone").exists()


def test_filters_by_date_range_and_line(api_as, calls):
    first, second, other = calls["first"].pk, calls["second"].pk, calls["other"].pk
    withheld = calls["withheld"].pk
    assert ids(search(api_as)) == [second, withheld, other, first]  # newest first
    day = DAY.date()
    assert ids(search(api_as, date_from=str(day), date_to=str(day))) == [first]
    assert ids(search(api_as, date_from=str(day + timedelta(days=1)))) == [second, withheld, other]
    assert ids(search(api_as, line="kk")) == [other, first]


def test_finds_a_callers_calls_by_phone_in_any_spelling_and_never_shows_it(api_as, calls):
    for spelling in ["87012345678", "+7 701 234 56 78", "8 (701) 234-56-78"]:
        response = search(api_as, phone=spelling)
        assert ids(response) == [calls["second"].pk, calls["first"].pk]
        assert b"2345678" not in response.content and b"234-56" not in response.content
    assert ids(search(api_as, phone="+77000000000")) == []


def test_every_search_by_phone_is_audited_without_the_phone(api_as, calls):
    search(api_as, phone="+77012345678")
    search(api_as, "supervisor", phone="+77000000000")  # found nothing: audited all the same
    search(api_as, line="ru")  # no phone: not a personal-data look-up
    audits = list(AuditRecord.objects.filter(action="call.search_by_phone").order_by("pk"))
    assert [(a.actor_username, a.details["calls"]) for a in audits] == [
        ("auditor", [calls["second"].pk, calls["first"].pk]),
        ("supervisor", []),
    ]
    assert all("234" not in str(a.details) + a.reason for a in audits)


def test_finds_the_calls_linked_to_an_appeal(api_as, calls, register):
    number = register()["number"]
    Call.objects.filter(pk=calls["other"].pk).update(appeal=Appeal.objects.get(number=number))
    response = search(api_as, appeal=f" {number} ")
    assert ids(response) == [calls["other"].pk]
    assert response.json()["calls"][0]["appeal"] == number
    assert ids(search(api_as, appeal="2026-999999")) == []


def test_results_show_time_line_duration_and_whether_a_recording_is_kept(api_as, calls):
    Recording.objects.create(
        call=calls["first"],
        storage_key="calls/x.bin",
        content_type="audio/wav",
        size=1,
        sha256="0" * 64,
        uploaded_at=DAY,
        delete_after=DAY + timedelta(days=365),
    )
    found = {c["id"]: c for c in search(api_as).json()["calls"]}
    first = found[calls["first"].pk]
    assert (first["line"], first["duration_seconds"], first["has_recording"]) == ("kk", 125, True)
    assert datetime.fromisoformat(first["started_at"]) == DAY
    assert found[calls["other"].pk]["has_recording"] is False
    Recording.objects.update(deleted_at=DAY)
    assert search(api_as).json()["calls"][-1]["has_recording"] is False


@pytest.mark.parametrize(
    ("filters", "field", "russian"),
    [
        ({"phone": "12"}, "phone", "Это не номер телефона."),
        (
            {"date_from": "2026-11-20", "date_to": "2026-11-19"},
            "date_to",
            "Конец периода раньше его начала.",
        ),
    ],
)
def test_bad_filters_get_a_field_error_in_the_callers_language(
    api_as, calls, filters, field, russian
):
    response = search(api_as, language="ru", **filters)
    assert response.status_code == 422, response.content
    assert response.json()["fields"][field] == russian
    assert search(api_as, line="xx").status_code == 422
    assert not AuditRecord.objects.filter(action="call.search_by_phone").exists()


def test_the_page_shows_results_without_the_phone(personas, calls):
    page = signed_in(personas["auditor"]).post("/calls/search/", {"phone": "8 701 234 56 78"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<td>{calls['first'].pk}</td>" in html and "2:05" in html
    assert "234" not in html.replace(str(calls["first"].pk), "")
    assert 'method="post"' in html


def test_the_page_says_what_is_wrong_with_a_phone(personas, calls):
    page = signed_in(personas["supervisor"], "ru").post(
        "/calls/search/", {"phone": "abc"}, headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert "Это не номер телефона." in page.content.decode()


def _demand_fields(**extra):
    return {
        "number": "04-12/777",
        "dated": str(kz_today() - timedelta(days=1)),
        "signer": "Deputy Minister",
        "deadline": str(kz_today() + timedelta(days=10)),
        "scan": SimpleUploadedFile("demand.pdf", b"%PDF-1.4 signed"),
        **extra,
    }


def test_the_auditor_ticks_found_calls_into_a_demand(personas, calls):
    auditor = signed_in(personas["auditor"])
    page = auditor.get("/calls/demands/").content.decode()
    assert 'id="demand-form"' in page and 'name="pick"' in page
    found = auditor.post(
        "/calls/search/", {"phone": PHONE, "pick": "1"}, headers={"HX-Request": "true"}
    ).content.decode()
    first, second = calls["first"].pk, calls["second"].pk
    assert f'name="picked" value="{first}" form="demand-form"' in found
    assert f'name="picked" value="{second}" form="demand-form"' in found
    registered = auditor.post("/calls/demands/", _demand_fields(picked=[first, second]))
    assert registered.status_code == 302, registered.content.decode()
    demand = RecordingDemand.objects.get()
    assert sorted(demand.calls.values_list("pk", flat=True)) == [first, second]


def test_typed_and_ticked_calls_add_up_and_nothing_named_is_refused(personas, calls):
    auditor = signed_in(personas["auditor"])
    first, other = calls["first"].pk, calls["other"].pk
    page = auditor.post("/calls/demands/", _demand_fields())
    assert page.status_code == 200 and not RecordingDemand.objects.exists()
    auditor.post("/calls/demands/", _demand_fields(calls=str(other), picked=[first]))
    demand = RecordingDemand.objects.get()
    assert sorted(demand.calls.values_list("pk", flat=True)) == sorted([first, other])
