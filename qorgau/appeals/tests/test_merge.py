"""Merging duplicate appeals (docs/architecture/appeals.md, "Merging duplicates"): a supervisor
only, with a reason, after a confirmation page; the duplicate is closed and points to the
appeal that carries on, nothing is deleted; refusals are clear in kk and ru."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from qorgau.agency_requests.models import AgencyRequest, RequestStatus
from qorgau.appeals.actions import appeal_merge
from qorgau.appeals.models import Appeal, Status, StatusChange
from qorgau.audit.models import AuditRecord
from qorgau.core.errors import Conflict
from qorgau.testing import PERSONA_NAMES, VALID_IIN, appeal_body, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(register):
    """Two appeals of the same caller: (duplicate, survivor)."""
    survivor = register()["number"]
    duplicate = register(summary="Мектепте қорлау, қайта қоңырау")["number"]
    return duplicate, survivor


def _merge(api_as, persona, into, duplicate, language="en", reason="Сол қоңырау шалушы"):
    return api_as(persona, language).post(
        f"/api/v1/appeals/{into}/merge", {"duplicate": duplicate, "reason": reason}
    )


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_merge_through_the_api_by_persona(api_as, pair, persona):
    duplicate, survivor = pair
    response = _merge(api_as, persona, survivor, duplicate)
    assert response.status_code == (200 if persona == "supervisor" else 403)
    merged = Appeal.objects.get(number=duplicate).merged_into
    assert (merged is not None) is (persona == "supervisor")


def test_merge_closes_the_duplicate_keeps_both_and_is_audited(api_as, pair):
    duplicate, survivor = pair
    api_as("consultant").post(f"/api/v1/appeals/{survivor}/transitions", {"to": "in_progress"})
    response = _merge(api_as, "supervisor", survivor, duplicate)
    assert response.status_code == 200
    assert response.json()["merged"] == [duplicate]
    dup = Appeal.objects.get(number=duplicate)
    assert dup.status == Status.CLOSED and dup.merged_into.number == survivor
    assert dup.merged_by.username == "supervisor" and dup.merged_at is not None
    step = StatusChange.objects.filter(appeal=dup).last()
    assert (step.from_status, step.to_status) == ("registered", "closed")
    assert survivor in step.comment and "Сол қоңырау шалушы" in step.comment
    assert dup.applicant_iin == VALID_IIN and dup.persons.count() == 1  # nothing deleted
    assert Appeal.objects.get(number=survivor).status == Status.IN_PROGRESS
    got = api_as("supervisor").get(f"/api/v1/appeals/{duplicate}").json()
    assert got["merged_into"] == survivor and got["merged"] == []
    for ref in (duplicate, survivor):
        record = AuditRecord.objects.get(action="appeal.merge", object_ref=ref)
        assert record.details == {"duplicate": duplicate, "into": survivor}
        assert record.actor_username == "supervisor"


def test_a_closed_duplicate_gets_the_link_but_no_second_closing_step(api_as, pair):
    duplicate, survivor = pair
    for status in ("answered", "closed"):
        api_as("consultant").post(f"/api/v1/appeals/{duplicate}/transitions", {"to": status})
    steps = StatusChange.objects.filter(appeal__number=duplicate).count()
    assert _merge(api_as, "supervisor", survivor, duplicate).status_code == 200
    assert StatusChange.objects.filter(appeal__number=duplicate).count() == steps
    assert Appeal.objects.get(number=duplicate).merged_into.number == survivor


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", ("өзіне", "бұрын біріктірілген", "жабық")), ("ru", ("самим собой", "уже", "закрыто"))],
)
def test_refusals_are_conflicts_with_codes_and_translated_text(
    api_as, pair, register, language, words
):
    duplicate, survivor = pair
    same = _merge(api_as, "supervisor", survivor, survivor, language)
    assert (same.status_code, same.json()["code"]) == (409, "merge_same_appeal")
    assert words[0] in same.json()["detail"]
    assert _merge(api_as, "supervisor", survivor, duplicate).status_code == 200
    again = _merge(api_as, "supervisor", register()["number"], duplicate, language)
    assert (again.status_code, again.json()["code"]) == (409, "merge_already_merged")
    assert words[1] in again.json()["detail"]
    into_merged = _merge(api_as, "supervisor", duplicate, register()["number"], language)
    assert (into_merged.status_code, into_merged.json()["code"]) == (409, "merge_into_merged")
    chain = _merge(api_as, "supervisor", register()["number"], survivor, language)
    assert (chain.status_code, chain.json()["code"]) == (409, "merge_would_chain")
    closed = register()["number"]
    for status in ("answered", "closed"):
        api_as("consultant").post(f"/api/v1/appeals/{closed}/transitions", {"to": status})
    into_closed = _merge(api_as, "supervisor", closed, register()["number"], language)
    assert (into_closed.status_code, into_closed.json()["code"]) == (409, "merge_into_closed")
    assert words[2] in into_closed.json()["detail"]


@pytest.mark.parametrize(("language", "word"), [("kk", "жазыңыз"), ("ru", "Напишите")])
def test_bad_input_gets_field_errors(api_as, pair, language, word):
    duplicate, survivor = pair
    no_reason = _merge(api_as, "supervisor", survivor, duplicate, language, reason="  ")
    assert no_reason.status_code == 422 and word in no_reason.json()["fields"]["reason"]
    unknown = _merge(api_as, "supervisor", survivor, "111-2000-999999", language)
    assert unknown.status_code == 422 and "duplicate" in unknown.json()["fields"]
    assert Appeal.objects.get(number=duplicate).merged_into is None


def test_a_merged_appeal_no_longer_moves_or_changes_hands(api_as, pair):
    duplicate, survivor = pair
    _merge(api_as, "supervisor", survivor, duplicate)
    reopen = api_as("supervisor", "ru").post(
        f"/api/v1/appeals/{duplicate}/transitions", {"to": "in_progress", "comment": "x"}
    )
    assert (reopen.status_code, reopen.json()["code"]) == (409, "appeal_merged")
    assert "объединено" in reopen.json()["detail"]
    assign = api_as("supervisor").post(
        f"/api/v1/appeals/{duplicate}/assign", {"consultant": "supervisor"}
    )
    assert (assign.status_code, assign.json()["code"]) == (409, "appeal_merged")


@pytest.fixture
def waiting_request(pair, personas, agencies):
    duplicate, _survivor = pair
    return AgencyRequest.objects.create(
        appeal=Appeal.objects.get(number=duplicate),
        agency=agencies[0],
        proposed=True,
        content="{}",
        created_by=personas["consultant"],
        status=RequestStatus.DELIVERED,
    )


def test_a_duplicate_waiting_for_an_agency_cannot_be_merged(api_as, pair, waiting_request):
    duplicate, survivor = pair
    refused = _merge(api_as, "supervisor", survivor, duplicate, "ru")
    assert (refused.status_code, refused.json()["code"]) == (409, "merge_blocked")
    assert "ожидается ответ" in refused.json()["detail"]
    assert Appeal.objects.get(number=duplicate).merged_into is None
    # the other way round works: the appeal with the request carries on
    assert _merge(api_as, "supervisor", duplicate, survivor).status_code == 200


def test_the_confirmation_page_shows_what_blocks_the_merge(personas, pair, waiting_request):
    duplicate, survivor = pair
    client = signed_in(personas["supervisor"])
    page = client.post(
        f"/appeals/{survivor}/merge/", {"duplicate": duplicate, "reason": "бір қоңырау"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and 'id="merge-blockers"' in text
    assert "жауабы әлі күтілуде" in text and 'id="confirm-merge"' not in text


def test_supervisor_sees_possible_duplicates_and_merges_after_confirming(personas, pair, register):
    duplicate, survivor = pair
    other_caller = register(applicant={"kind": "anonymous"})["number"]
    client = signed_in(personas["supervisor"])
    page = client.get(f"/appeals/{survivor}/").content.decode()
    section = page.split('id="merge-section"')[1].split("</section>")[0]
    assert duplicate in section and other_caller not in section
    assert "қайта қоңырау" in section  # the summary
    assert VALID_IIN not in section and "2345678" not in section  # no personal data, no URL
    lookup = AuditRecord.objects.get(action="appeal.lookup_caller", object_ref=survivor)
    assert lookup.details == {"appeals": [duplicate]}
    confirm = client.post(
        f"/appeals/{survivor}/merge/", {"duplicate": duplicate, "reason": "бір қоңырау"}
    )
    text = confirm.content.decode()
    assert confirm.status_code == 200 and 'id="confirm-merge"' in text
    assert duplicate in text and survivor in text
    assert Appeal.objects.get(number=duplicate).merged_into is None  # nothing yet
    done = client.post(
        f"/appeals/{survivor}/merge/",
        {"duplicate": duplicate, "reason": "бір қоңырау", "confirm": "yes"},
    )
    assert done.status_code == 302 and done.url == f"/appeals/{survivor}/"
    assert 'id="merged-here"' in client.get(f"/appeals/{survivor}/").content.decode()
    banner = client.get(f"/appeals/{duplicate}/").content.decode()
    assert 'id="merged-banner"' in banner and f'href="/appeals/{survivor}/"' in banner
    assert 'id="merge-section"' not in banner


@pytest.mark.parametrize(
    ("language", "word"), [("kk", "нөмірлі өтініш жоқ"), ("ru", "таким номером")]
)
def test_the_merge_form_shows_refusals_in_the_users_language(personas, pair, language, word):
    _duplicate, survivor = pair
    client = signed_in(personas["supervisor"], language)
    response = client.post(
        f"/appeals/{survivor}/merge/", {"duplicate": "111-2000-000001", "reason": "x"}
    )
    assert response.status_code == 422 and word in response.content.decode()
    same = client.post(f"/appeals/{survivor}/merge/", {"duplicate": survivor, "reason": "x"})
    assert same.status_code == 409


@pytest.mark.parametrize(
    "persona", ["consultant", "quality", "auditor", "commissioner", "national_commissioner"]
)
def test_other_viewers_see_no_duplicates_and_cannot_merge(personas, pair, persona):
    duplicate, survivor = pair
    client = signed_in(personas[persona])
    page = client.get(f"/appeals/{survivor}/").content.decode()
    assert 'id="merge-section"' not in page
    post = client.post(f"/appeals/{survivor}/merge/", {"duplicate": duplicate, "reason": "x"})
    assert post.status_code == 403
    assert not AuditRecord.objects.filter(action="appeal.lookup_caller").exists()


@pytest.mark.parametrize("persona", ["officer_a", "admin", "outsider"])
def test_roles_without_appeals_cannot_post_a_merge(personas, pair, persona):
    duplicate, survivor = pair
    post = signed_in(personas[persona]).post(
        f"/appeals/{survivor}/merge/", {"duplicate": duplicate, "reason": "x"}
    )
    assert post.status_code == 403


def test_the_timeline_and_the_list_show_the_merge(api_as, personas, pair):
    duplicate, survivor = pair
    _merge(api_as, "supervisor", survivor, duplicate)
    client = signed_in(personas["quality"])
    on_dup = client.get(f"/appeals/{duplicate}/timeline/").content.decode()
    assert f"supervisor өтінішті {survivor} өтінішіне біріктірді" in on_dup
    on_survivor = client.get(f"/appeals/{survivor}/timeline/").content.decode()
    assert f"supervisor {duplicate} өтінішін осы өтінішке біріктірді" in on_survivor
    listed = client.get("/appeals/").content.decode()
    row = listed.split(f">{duplicate}</a>")[1].split("</tr>")[0]
    assert "біріктірілген" in row


def test_possible_duplicates_are_within_30_days_and_not_merged(api_as, pair, register):
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.appeals.selectors import possible_duplicates

    duplicate, survivor = pair
    old = register(received_at=(timezone.now() - timedelta(days=45)).isoformat())["number"]
    merged = register()["number"]
    _merge(api_as, "supervisor", survivor, merged)
    from qorgau.staff.models import User

    supervisor = User.objects.get(username="supervisor")
    found = [a.number for a in possible_duplicates(supervisor, Appeal.objects.get(number=survivor))]
    assert found == [duplicate]
    assert old not in found and merged not in found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_merges_of_one_duplicate_one_wins_the_other_gets_409(make_user):
    from qorgau.appeals.actions import appeal_register
    from qorgau.appeals.schemas import AppealIn

    consultant = make_user("c", "consultant")
    supervisors = [make_user(f"s{i}", "supervisor") for i in range(2)]
    data = AppealIn.model_validate(appeal_body())
    duplicate, *survivors = (appeal_register(actor=consultant, data=data).appeal for _ in range(3))
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = appeal_merge(
                actor=supervisors[i], duplicate=duplicate, into=survivors[i], reason="dup"
            )
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1 and conflicts[0].code == "merge_already_merged"
    assert conflicts[0].status == 409
    assert StatusChange.objects.filter(appeal=duplicate, to_status="closed").count() == 1
    assert (
        AuditRecord.objects.filter(action="appeal.merge", object_ref=duplicate.number).count() == 1
    )


def test_a_status_change_by_htmx_does_not_look_up_duplicates_again(personas, pair):
    _duplicate, survivor = pair
    client = signed_in(personas["supervisor"])
    client.post(f"/appeals/{survivor}/transition/", {"to": "in_progress"}, HTTP_HX_REQUEST="true")
    assert not AuditRecord.objects.filter(action="appeal.lookup_caller").exists()
    client.get(f"/appeals/{survivor}/")
    assert AuditRecord.objects.filter(action="appeal.lookup_caller").count() == 1
