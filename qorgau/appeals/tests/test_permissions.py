"""Each cell of the permission matrix that matters (docs/permissions.md), through the API."""

from __future__ import annotations

import pytest

from qorgau.testing import appeal_body

pytestmark = pytest.mark.django_db

ALL = [
    "consultant",
    "supervisor",
    "quality",
    "officer_a",
    "commissioner",
    "national_commissioner",
    "auditor",
    "admin",
    "outsider",
]
CREATORS = {"consultant", "supervisor"}
FULL_VIEWERS = {"consultant", "supervisor", "quality", "auditor"}
COMMISSIONERS = {"commissioner", "national_commissioner"}
PERSONAL = {"consultant", "supervisor"}


@pytest.mark.parametrize("persona", ALL)
def test_register(api_as, persona):
    status = api_as(persona).post("/api/v1/appeals", appeal_body()).status_code
    assert status == (201 if persona in CREATORS else 403)


@pytest.fixture
def three_appeals(register):
    """A child in Almaty, an adult in Almaty, a child in Astana."""
    return {
        "child_almaty": register()["number"],
        "adult_almaty": register(direction=5, persons=[{"kind": "woman", "age": 34}])["number"],
        "child_astana": register(region="astana")["number"],
    }


@pytest.mark.parametrize("persona", ALL)
def test_list_scope(api_as, three_appeals, persona):
    response = api_as(persona).get("/api/v1/appeals")
    if persona in FULL_VIEWERS:
        expected = set(three_appeals.values())
    elif persona == "commissioner":
        expected = {three_appeals["child_almaty"]}
    elif persona == "national_commissioner":
        expected = {three_appeals["child_almaty"], three_appeals["child_astana"]}
    else:
        assert response.status_code == 403
        return
    assert {a["number"] for a in response.json()["items"]} == expected


@pytest.mark.parametrize("persona", ALL)
def test_detail_agrees_with_list(api_as, three_appeals, persona):
    client = api_as(persona)
    listed = client.get("/api/v1/appeals")
    visible = {a["number"] for a in listed.json()["items"]} if listed.status_code == 200 else set()
    for number in three_appeals.values():
        status = client.get(f"/api/v1/appeals/{number}").status_code
        if number in visible:
            assert status == 200
        else:
            assert status in (403, 404)


@pytest.mark.parametrize("persona", sorted(FULL_VIEWERS | {"national_commissioner"}))
def test_personal_data_only_for_consultant_and_supervisor(api_as, three_appeals, persona):
    body = api_as(persona).get(f"/api/v1/appeals/{three_appeals['child_almaty']}").json()
    assert body["personal_data_shown"] is (persona in PERSONAL)
    assert (body["applicant"]["iin"] is not None) is (persona in PERSONAL)


@pytest.mark.parametrize("persona", ALL)
def test_transition(api_as, three_appeals, persona):
    number = three_appeals["child_almaty"]
    status = (
        api_as(persona)
        .post(f"/api/v1/appeals/{number}/transitions", {"to": "in_progress"})
        .status_code
    )
    assert status == (200 if persona in CREATORS else 403)


def test_agency_officer_cannot_see_registry_pages(client, personas, three_appeals):
    client.force_login(personas["officer_a"])
    assert client.get("/appeals/").status_code == 403
    assert client.get(f"/appeals/{three_appeals['child_almaty']}/").status_code == 403


def test_deactivated_user_token_is_refused(api_as, personas):
    client = api_as("consultant")
    personas["consultant"].is_active = False
    personas["consultant"].save()
    assert client.get("/api/v1/appeals").status_code == 401


@pytest.mark.parametrize("persona", sorted(FULL_VIEWERS | COMMISSIONERS))
def test_history_comments_only_for_personal_data_roles(api_as, three_appeals, persona):
    number = three_appeals["child_almaty"]
    api_as("consultant").post(
        f"/api/v1/appeals/{number}/transitions",
        {"to": "in_progress", "comment": "Айгүл апай қайта қоңырау шалды"},
    )
    history = api_as(persona).get(f"/api/v1/appeals/{number}/history").json()
    assert history[-1]["to_status"] == "in_progress"
    expected = "Айгүл апай қайта қоңырау шалды" if persona in PERSONAL else None
    assert history[-1]["comment"] == expected


def test_history_page_hides_comments_from_quality(client, personas, three_appeals, api_as):
    number = three_appeals["child_almaty"]
    api_as("consultant").post(
        f"/api/v1/appeals/{number}/transitions", {"to": "in_progress", "comment": "Айгүл апай"}
    )
    client.force_login(personas["quality"])
    assert "Айгүл апай" not in client.get(f"/appeals/{number}/").content.decode()
