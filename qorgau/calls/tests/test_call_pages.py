"""The calls pages (rules 6(n), 6(o), 6(p)): outcome form in the screen pop, the live board,
written demands registered and decided in the browser forms, the quality officer's review page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, CallOutcomeRecord, RecordingDemand, ReferralBody, ReviewTask
from qorgau.core.kztime import kz_today
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(personas):
    personas["consultant"].extension = "201"
    personas["consultant"].save()
    system = phone_system_register(name="PBX")[0]
    return Call.objects.create(
        phone_system=system,
        call_id="c1",
        line="kk",
        state="talking",
        extension="201",
        caller="+77011112233",
        started_at=timezone.now() - timedelta(seconds=50),
    )


def test_screen_pop_offers_the_outcome_form_and_saves_it(personas, call):
    body = ReferralBody.objects.create(
        name_kk="Көші-қон қызметі",
        name_ru="Миграционная служба",
        handles="Мигранттар",
        contacts="egov.kz",
    )
    client = signed_in(personas["consultant"], "ru")
    pop = client.get("/calls/screen-pop/").content.decode()
    assert "Миграционная служба" in pop and "1414" in pop
    answer = client.post(
        f"/calls/{call.pk}/outcome/", {"kind": "referral", "note": "Дала контакты"}
    ).content.decode()
    assert 'role="alert"' in answer and not CallOutcomeRecord.objects.exists()
    answer = client.post(
        f"/calls/{call.pk}/outcome/",
        {"kind": "referral", "note": "Дала контакты", "referral_body": body.pk},
    ).content.decode()
    assert 'role="status"' in answer
    assert CallOutcomeRecord.objects.get().referral_body == body


def test_board_page_for_supervisors_only(personas, call):
    page = signed_in(personas["supervisor"], "ru").get("/calls/board/")
    assert page.status_code == 200
    assert 'class="talking">1<' in page.content.decode()
    assert signed_in(personas["consultant"], "ru").get("/calls/board/").status_code == 403


def test_demand_registered_and_approved_through_the_pages(personas, call, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    auditor = signed_in(personas["auditor"], "ru")
    form = {
        "number": "17-05/9",
        "dated": str(kz_today()),
        "signer": "Вице-министр",
        "deadline": str(kz_today() + timedelta(days=2)),
        "calls": f"{call.pk}",
        "scan": SimpleUploadedFile("demand.pdf", b"%PDF-1.4"),
    }
    assert auditor.post("/calls/demands/", form).status_code == 302
    demand = RecordingDemand.objects.get()
    listing = signed_in(personas["supervisor"], "ru").get("/calls/demands/").content.decode()
    assert "17-05/9" in listing and 'class="flag"' in listing  # the deadline is close
    signed_in(personas["supervisor"], "ru").post(
        f"/calls/demands/{demand.pk}/decide/", {"approve": "1"}
    )
    demand.refresh_from_db()
    assert demand.status == "approved"
    assert f"/api/v1/calls/{call.pk}/recording" in auditor.get("/calls/demands/").content.decode()
    assert signed_in(personas["consultant"], "ru").get("/calls/demands/").status_code == 403


def test_bad_demand_form_keeps_the_input_and_says_why(personas, call):
    auditor = signed_in(personas["auditor"], "ru")
    page = auditor.post("/calls/demands/", {"number": "5", "calls": "abc"}).content.decode()
    assert 'value="5"' in page and not RecordingDemand.objects.exists()


def test_review_page_has_the_player_while_assigned(personas, call):
    ReviewTask.objects.create(
        call=call,
        assignee=personas["quality"],
        assigned_by=personas["supervisor"],
        assigned_at=timezone.now(),
    )
    page = signed_in(personas["quality"], "ru").get("/calls/reviews/").content.decode()
    assert f"Call {call.pk}" in page or str(call.pk) in page
    assert signed_in(personas["consultant"], "ru").get("/calls/reviews/").status_code == 403
