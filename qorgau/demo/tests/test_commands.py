"""The `qorgau` commands: demo (twice changes nothing), token, audit verify."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qorgau.appeals.models import Appeal, StatusChange
from qorgau.audit.models import AuditRecord
from qorgau.casework.models import FollowUp, Note
from qorgau.conversations.models import Conversation
from qorgau.outreach.models import School, SourceCode
from qorgau.staff.models import User

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_twice_changes_nothing():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for username in [
        "consultant",
        "supervisor",
        "quality",
        "agency_officer",
        "commissioner",
        "auditor",
        "admin",
    ]:
        assert username in text
        assert User.objects.get(username=username).role == username
    counts = (Appeal.objects.count(), StatusChange.objects.count(), AuditRecord.objects.count())
    assert counts[0] == 300
    assert set(Appeal.objects.values_list("language", flat=True)) == {"kk", "ru"}
    assert Appeal.objects.values("status").distinct().count() == 5
    assert Appeal.objects.values("region").distinct().count() >= 15
    assert Appeal.objects.values("channel").distinct().count() == 7
    assert FollowUp.objects.filter(assignee__username="consultant").count() == 3
    assert Note.objects.count() == 1
    call_command("demo", "--no-serve", stdout=StringIO())
    again = (Appeal.objects.count(), StatusChange.objects.count(), AuditRecord.objects.count())
    assert again == counts
    assert FollowUp.objects.count() == 3  # loaded once
    # rule 6(s): the sample schools, two campaign codes and three QR-form conversations, once
    assert School.objects.count() == 6 and SourceCode.objects.count() == 2
    assert Conversation.objects.filter(school__isnull=False, channel="school").count() == 3
    verify = StringIO()
    call_command("audit", "verify", stdout=verify)
    assert "intact" in verify.getvalue()


def test_token_prints_a_working_token_on_the_last_line(client, personas):
    out = StringIO()
    call_command("token", "supervisor", stdout=out, stderr=StringIO())
    token = out.getvalue().strip().splitlines()[-1]
    response = client.get("/api/v1/appeals", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_demo_administrator_signs_in_with_the_printed_password_and_code():
    """Rule 5 in the demo: the administrator and the auditor have an authenticator that
    `qorgau demo-code` reads, so the README's first command still lets a person in."""
    from django.test import Client

    from qorgau.cli import command_name
    from qorgau.demo.loader import DEMO_PASSWORD, demo_users

    demo_users()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    asked = client.post(
        "/login/", {"username": "admin", "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert asked["Location"] == "/login/code/?next=%2Fadmin%2F"
    out, err = StringIO(), StringIO()
    call_command(command_name("demo-code"), "admin", stdout=out, stderr=err)
    assert "Key for an authenticator app" in err.getvalue()
    code = out.getvalue().strip().splitlines()[-1]
    assert client.post("/login/code/", {"code": code, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError):
        call_command("demo_code", "consultant", stdout=StringIO(), stderr=StringIO())
