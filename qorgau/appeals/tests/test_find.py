"""Finding an appeal on the staff list (rules 5, 6(h)): by number, by a caller's phone or IIN
(POST, audited), by words of the summary; sorting, "my appeals", saved filters and the caller
page, for every persona, within the same scope as the detail page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qorgau.appeals.models import Appeal, SavedFilter
from qorgau.audit.models import AuditRecord
from qorgau.testing import PERSONA_NAMES, VALID_IIN, signed_in

pytestmark = pytest.mark.django_db

VIEWERS = {"consultant", "supervisor", "quality", "auditor", "commissioner"}
VIEWERS |= {"national_commissioner"}
CALLER_LOOKUP = {"consultant", "supervisor"}
OTHER_PHONE = "+7 777 100 20 30"
NUMBER = re.compile(r">(111-\d{4}-\d{6})</a>")


def numbers_in(response) -> list[str]:
    """The registration numbers of the list's rows, top to bottom."""
    return NUMBER.findall(response.content.decode().split("<tbody>")[-1])


@pytest.fixture
def appeals(register):
    """A child bullied at school in Almaty (twice, the same caller), a woman in Astana who
    phoned from another number, a child in Astana."""
    return {
        "school": register()["number"],
        "school_again": register(summary="Мектептегі қорлау қайталанды")["number"],
        "astana_woman": register(
            region="astana",
            direction=2,
            summary="Отбасылық зорлық",
            persons=[{"kind": "woman", "age": 30}],
            applicant={"kind": "individual", "name": "Әйел", "phone": OTHER_PHONE},
        )["number"],
        "astana_child": register(region="astana", summary="Бала жалғыз үйде")["number"],
    }


def find(client, q: str, **extra: str):
    return client.post("/appeals/", {"q": q, **extra})


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_number_search_by_its_end_and_in_scope(personas, appeals, persona):
    client = signed_in(personas[persona])
    wanted = appeals["astana_child"]
    by_post = find(client, wanted[-6:])
    by_get = client.get("/appeals/", {"number": wanted[-6:]})
    if persona not in VIEWERS:
        assert by_post.status_code == by_get.status_code == 403
        return
    expected = [] if persona == "commissioner" else [wanted]  # Almaty's commissioner
    assert numbers_in(by_post) == numbers_in(by_get) == expected
    detail = client.get(f"/appeals/{wanted}/").status_code
    assert detail == (200 if expected else 404)  # the list and the detail agree


def test_the_next_search_starts_afresh_but_keeps_the_filters(personas, appeals):
    client = signed_in(personas["consultant"])
    box = find(client, appeals["school"][-6:], region="almaty").content.decode()
    box = box.split('id="search"')[1].split("</form>")[0]
    assert 'name="region" value="almaty"' in box and 'name="number"' not in box


@pytest.mark.parametrize("persona", sorted(VIEWERS))
def test_phone_and_iin_search_only_for_caller_look_up(personas, appeals, persona):
    client = signed_in(personas[persona])
    by_phone = find(client, "8 701 234 56 78")
    by_iin = find(client, VALID_IIN)
    if persona in CALLER_LOOKUP:
        expected = {appeals["school"], appeals["school_again"], appeals["astana_child"]}
        assert set(numbers_in(by_phone)) == set(numbers_in(by_iin)) == expected
        audited = AuditRecord.objects.filter(action="appeal.lookup_caller")
        assert audited.filter(actor_id=personas[persona].pk).count() == 2
    else:
        assert numbers_in(by_phone) == numbers_in(by_iin) == []
        assert "error" in by_phone.content.decode()
        assert not AuditRecord.objects.filter(action="appeal.lookup_caller").exists()


def test_a_phone_search_keeps_the_filters(personas, appeals):
    client = signed_in(personas["consultant"])
    response = find(client, "+77012345678", region="astana")
    assert numbers_in(response) == [appeals["astana_child"]]


def test_words_of_the_summary_all_must_match(personas, appeals):
    client = signed_in(personas["supervisor"])
    assert set(numbers_in(find(client, "қорлау"))) == {appeals["school"], appeals["school_again"]}
    assert numbers_in(find(client, "қорлау қайталанды")) == [appeals["school_again"]]
    assert numbers_in(find(client, "зорлық")) == [appeals["astana_woman"]]
    assert numbers_in(find(client, "жоқсөз")) == []


def test_words_search_follows_a_changed_summary(personas, appeals):
    Appeal.objects.filter(number=appeals["astana_child"]).update(summary="Көрші хабарлады")
    client = signed_in(personas["consultant"])
    assert numbers_in(find(client, "жалғыз")) == []
    assert numbers_in(find(client, "хабарлады")) == [appeals["astana_child"]]


def test_commissioner_finds_words_only_in_their_scope(personas, appeals):
    client = signed_in(personas["commissioner"])
    assert numbers_in(find(client, "қорлау")) == [appeals["school_again"], appeals["school"]]
    assert numbers_in(find(client, "жалғыз")) == []  # a child, but in Astana


def test_sorting_by_region_and_status(personas, appeals):
    client = signed_in(personas["consultant"], language="ru")
    Appeal.objects.filter(number=appeals["school"]).update(status="in_progress")
    by_region = numbers_in(client.get("/appeals/", {"sort": "region"}))
    assert by_region[-2:] == [appeals["astana_child"], appeals["astana_woman"]]  # Алматы < Астана
    by_status = numbers_in(client.get("/appeals/", {"sort": "-status"}))
    assert by_status[0] == appeals["school"]  # in progress comes after registered
    assert numbers_in(client.get("/appeals/", {"sort": "status"}))[-1] == appeals["school"]
    assert numbers_in(client.get("/appeals/", {"sort": "nonsense"}))[0] == appeals["astana_child"]


def test_direction_and_region_by_name_in_both_languages(personas, appeals):
    from qorgau.reference.models import Direction, Region

    direction, region = Direction.objects.get(code="2"), Region.objects.get(code="astana")
    for language in ("kk", "ru"):
        html = signed_in(personas["consultant"], language=language).get("/appeals/")
        text = html.content.decode()
        assert getattr(direction, f"name_{language}") in text
        assert getattr(region, f"name_{language}") in text


def test_my_appeals(personas, appeals, make_user):
    Appeal.objects.filter(number=appeals["school"]).update(
        assigned_consultant=personas["supervisor"]
    )
    supervisor = signed_in(personas["supervisor"])
    assert numbers_in(supervisor.get("/appeals/", {"mine": "assigned"})) == [appeals["school"]]
    assert numbers_in(supervisor.get("/appeals/", {"mine": "registered"})) == []
    consultant = signed_in(personas["consultant"])
    assert len(numbers_in(consultant.get("/appeals/", {"mine": "registered"}))) == 4


def test_saved_filters_are_each_users_own(personas, appeals):
    consultant = signed_in(personas["consultant"])
    response = consultant.post(
        "/appeals/filters/", {"name": "Астана", "query": "region=astana&sort=status&q=secret"}
    )
    assert response.status_code == 302 and "q=" not in response["Location"]
    saved = SavedFilter.objects.get()
    assert saved.query == "region=astana&sort=status"
    page = consultant.get("/appeals/").content.decode()
    assert "Астана" in page and saved.query.replace("&", "&amp;") in page
    supervisor = signed_in(personas["supervisor"])
    assert "region=astana&amp;sort=status" not in supervisor.get("/appeals/").content.decode()
    assert supervisor.post("/appeals/filters/", {"delete": saved.pk}).status_code == 404
    consultant.post("/appeals/filters/", {"delete": saved.pk})
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_caller_page(personas, appeals, persona):
    client = signed_in(personas[persona])
    response = client.post("/appeals/callers/", {"q": OTHER_PHONE})
    if persona not in CALLER_LOOKUP:
        assert response.status_code == 403
        return
    assert numbers_in(response) == [appeals["astana_woman"]]
    record = AuditRecord.objects.get(action="appeal.lookup_caller")
    assert record.details == {"appeals": [appeals["astana_woman"]]}
    assert "error" in client.post("/appeals/callers/", {"q": "қорлау"}).content.decode()


def test_list_queries_stay_constant_as_appeals_grow(personas, register):
    client = signed_in(personas["consultant"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/appeals/", {"sort": "region"}).status_code == 200
        return len(captured)

    for _ in range(10):
        register()
    ten = queries()
    for _ in range(90):
        register(region="astana", direction=2)
    assert queries() == ten
