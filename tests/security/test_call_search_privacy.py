"""The call search carries a caller's phone (rule 15): it is only ever posted, never read from
a query string, never written to a log, never echoed into the page, and a refused or failed
search leaves no trace of it either."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from qorgau.audit.models import AuditRecord
from qorgau.calls.tests.test_call_search import calls  # noqa: F401 (fixture)
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db
DIGITS = "2345678"


@pytest.fixture
def log_text(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def _all_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r} {vars(r)!r}" for r in caplog.records)


def test_a_phone_in_the_query_string_is_ignored_and_not_audited(personas, calls):  # noqa: F811
    page = signed_in(personas["auditor"]).get("/calls/search/", {"phone": "87012345678"})
    assert page.status_code == 200
    assert "<table" not in page.content.decode()  # no search was run
    assert not AuditRecord.objects.filter(action="call.search_by_phone").exists()
    api = Client().get("/api/v1/calls/search", {"phone": "87012345678"})
    assert api.status_code in (401, 404, 405)


@pytest.mark.parametrize("persona", ["auditor", "consultant", None])
def test_no_phone_reaches_the_log_or_the_answer(personas, calls, log_text, persona):  # noqa: F811
    client = signed_in(personas[persona]) if persona else Client()
    for phone in ["8 701 234 56 78", "+7 701 234 5678 extra"]:
        response = client.post("/calls/search/", {"phone": phone})
        assert DIGITS not in response.content.decode().replace(" ", "")
        assert "234 56" not in response.content.decode()
    assert DIGITS not in _all_logged(log_text).replace(" ", "")
    for record in AuditRecord.objects.all():
        assert DIGITS not in f"{record.reason} {record.details}"
