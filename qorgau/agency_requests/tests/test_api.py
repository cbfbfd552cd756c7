"""The agencies and requests API as a consultant's screen uses it (rules 6(c), 15)."""

from __future__ import annotations

import pytest

from qorgau.agency_requests.models import AgencyRequest
from qorgau.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_directory_filters(api_as, directory):
    client = api_as("consultant")
    almaty = client.get("/api/v1/agencies", region="almaty").json()
    assert {a["key"] for a in almaty} == {
        "almaty.education",
        "almaty.police",
        "almaty.102",
        "almaty.commissioner",
    }
    education = client.get("/api/v1/agencies", direction=4, kind="local").json()
    assert [a["key"] for a in education] == ["almaty.education"]
    assert education[0]["channels"] == ["email"]
    assert api_as("outsider").get("/api/v1/agencies").status_code == 403


def test_routing_preview_send_and_follow(api_as, directory, register):
    number = register(direction=4)["number"]
    client = api_as("consultant", "ru")
    proposals = client.get(f"/api/v1/appeals/{number}/routing").json()
    assert [p["agency"]["key"] for p in proposals] == ["almaty.education", "almaty.commissioner"]
    agency_id = proposals[0]["agency"]["id"]
    preview = client.post(f"/api/v1/appeals/{number}/requests/preview", {"agency": agency_id})
    assert preview.status_code == 200
    body = preview.json()
    assert "applicant_iin" not in body["content"] and "applicant_iin" in body["withheld"]["fields"]
    assert AgencyRequest.objects.count() == 0  # a preview sends nothing
    assert AuditRecord.objects.filter(action="request.preview", object_ref=number).exists()
    sent = client.post(f"/api/v1/appeals/{number}/requests", {"agency": agency_id})
    assert sent.status_code == 201
    assert sent.json()["content"] == body["content"]  # exactly what the preview showed
    assert sent.json()["deliveries"][0]["channel"] == "email"
    listed = client.get(f"/api/v1/appeals/{number}/requests").json()
    assert [r["id"] for r in listed] == [sent.json()["id"]]
    assert client.get(f"/api/v1/appeals/{number}").json()["status"] == "waiting_agency"


def test_not_proposed_agency_without_reason_is_a_field_error(api_as, directory, register):
    number = register(direction=4)["number"]
    response = api_as("consultant", "kk").post(
        f"/api/v1/appeals/{number}/requests", {"agency": directory["enbek"].pk}
    )
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    assert AgencyRequest.objects.count() == 0


def test_quality_officer_sees_requests_without_content(api_as, directory, register):
    number = register(direction=4)["number"]
    sent = (
        api_as("consultant")
        .post(f"/api/v1/appeals/{number}/requests", {"agency": directory["almaty_education"].pk})
        .json()
    )
    seen = api_as("quality").get(f"/api/v1/requests/{sent['id']}").json()
    assert seen["content"] is None and seen["status"] == "queued"
    views = AuditRecord.objects.filter(action="request.view", object_ref=number)
    assert not views.filter(actor_role="quality").exists()  # nothing personal was shown
    assert api_as("supervisor").get(f"/api/v1/requests/{sent['id']}").json()["content"]
    assert views.get(actor_role="supervisor").reason == "api: request detail"
    assert (
        api_as("quality")
        .post(f"/api/v1/appeals/{number}/requests", {"agency": directory["almaty_education"].pk})
        .status_code
        == 403
    )


def test_agency_officer_cannot_use_the_centres_request_api(api_as, directory, register):
    number = register(direction=4)["number"]
    sent = (
        api_as("consultant")
        .post(f"/api/v1/appeals/{number}/requests", {"agency": directory["almaty_education"].pk})
        .json()
    )
    officer = api_as("officer_a")
    assert officer.get(f"/api/v1/requests/{sent['id']}").status_code == 403
    assert officer.get(f"/api/v1/appeals/{number}/routing").status_code == 403
