"""Page forms are validated like the API: whatever is posted to any of them, the answer is a
page (or a clear error) in the user's language, never a 500 (rule 6(a); docs/architecture/
pages-and-languages.md). Each form gets the same garbage in every field at once."""

from __future__ import annotations

from typing import Any

import pytest

from qorgau.appeals.forms import APPLICANT_FIELDS, TEXT_FIELDS
from qorgau.testing import signed_in
from tests.security import test_not_found_parity as parity

pytestmark = pytest.mark.django_db
world = parity.world  # one of everything, outside other personas' scope

GARBAGE = [
    "abc",
    "-1",
    "1.5",
    "1e999",
    "99999999999999999999999999",
    "",
    " ",
    "\x00",
    "٣",  # an Arabic-Indic digit: isdigit() but not a number for the database
    "2026-02-31",
    "<script>alert(1)</script>",
    "ә" * 5000,
]
APPEAL_FIELDS = [*TEXT_FIELDS, "direction", "form_key", "call", "risk_flags", "help_given"]
APPEAL_FIELDS += [f"applicant.{f}" for f in APPLICANT_FIELDS]
APPEAL_FIELDS += ["persons.0.kind", "persons.0.age"]
ARTICLE_FIELDS = ["key", "lang", "title", "body", "tags", "directions", "audience", "pair"]
ARTICLE_FIELDS += ["review_by"]
PORTAL_FIELDS = ["confirmed", "measures", "question", "until", "reason", "agency", "text"]
STEPS = ["acknowledge", "confirmation", "clarification", "extension", "pass-on", "answer", "nope"]

# (persona, url with {placeholders} from the world fixture, field names)
FORMS: list[tuple[str, str, list[str]]] = [
    ("consultant", "/appeals/new/", APPEAL_FIELDS),
    ("consultant", "/appeals/{number}/transition/", ["to", "comment"]),
    ("consultant", "/kb/appeals/{number}/use/{key}/", []),
    ("supervisor", "/calls/{pk}/outcome/", ["kind", "note", "referral_body"]),
    ("auditor", "/calls/demands/", ["number", "dated", "signer", "deadline", "calls", "recipient"]),
    ("supervisor", "/calls/demands/{demand_id}/decide/", ["approve"]),
    ("supervisor", "/kb/new/", ARTICLE_FIELDS),
    ("supervisor", "/kb/{key}/edit/", ARTICLE_FIELDS),
    ("supervisor", "/kb/{key}/status/", ["status"]),
    *[("officer_a", f"/agency/requests/{{request_id}}/{s}/", PORTAL_FIELDS) for s in STEPS],
    ("", "/status/", ["number", "code"]),
    ("", "/i18n/setlang/", ["language", "next"]),
    ("", "/login/", ["username", "password"]),
]


def _post(personas: dict[str, Any], who: str, url: str, data: dict[str, str]) -> Any:
    from django.test import Client

    client = signed_in(personas[who], "kk") if who else Client(HTTP_ACCEPT_LANGUAGE="kk")
    return client.post(url, data)


@pytest.mark.parametrize(("who", "url", "fields"), FORMS, ids=[f[1] for f in FORMS])
def test_garbage_in_every_field_is_never_a_500(who, url, fields, world, personas) -> None:
    target = url.format(**world)
    for value in GARBAGE:
        response = _post(personas, who, target, dict.fromkeys(fields, value))
        assert response.status_code < 500, (value, response.status_code)
        body = response.content.decode(errors="replace")
        assert "invalid literal" not in body and "Traceback" not in body, value


def test_a_word_for_a_referral_body_is_a_field_error_in_kazakh(world, personas) -> None:
    data = {"kind": "referral", "note": "Айтылды.", "referral_body": "abc"}
    response = _post(personas, "supervisor", f"/calls/{world['pk']}/outcome/", data)
    assert response.status_code == 200
    assert "Бүтін сан болуы керек." in response.content.decode()


def test_a_word_for_an_agency_is_a_field_error_in_kazakh(world, personas) -> None:
    data = {"agency": "abc", "reason": "Біздің құзыретімізде емес."}
    url = f"/agency/requests/{world['request_id']}/pass-on/"
    response = _post(personas, "officer_a", url, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Бүтін сан болуы керек." in page and "invalid literal" not in page
