"""The administrator manages accounts and tokens in the admin (rule 5), and every change made
there leaves an audit row naming the administrator."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.staff.actions import token_issue
from qorgau.staff.models import ApiToken, User
from qorgau.testing import ApiClient, signed_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tau-Samal-2026!"


@pytest.fixture
def admin_client(personas):
    return signed_in(personas["admin"], "en")


def _audited(user: User, action: str) -> list[dict | None]:
    """The details of the administrator's audit rows of `action` on the account."""
    rows = AuditRecord.objects.filter(
        actor_username="admin", action=action, object_type="staff.user", object_ref=str(user.pk)
    )
    return [row.details for row in rows]


def test_administrator_creates_an_officer_bound_to_an_agency(admin_client, agencies):
    answer = admin_client.post(
        "/admin/staff/user/add/",
        {
            "username": "dana",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "agency_officer",
            "agency": agencies[0].pk,
            "extension": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    dana = User.objects.get(username="dana")
    assert (dana.role, dana.agency, dana.check_password(NEW_PASSWORD)) == (
        "agency_officer",
        agencies[0],
        True,
    )
    assert AuditRecord.objects.filter(action="admin.add", object_ref=str(dana.pk)).exists()


def test_an_officer_without_an_agency_is_refused(admin_client):
    answer = admin_client.post(
        "/admin/staff/user/add/",
        {
            "username": "dana",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "agency_officer",
        },
    )
    assert answer.status_code == 200 and not User.objects.filter(username="dana").exists()


def test_changing_a_consultants_extension_is_audited(admin_client, personas):
    consultant = personas["consultant"]
    page = admin_client.get(f"/admin/staff/user/{consultant.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(extension="205", date_joined_0="2026-01-01", date_joined_1="09:00")
    answer = admin_client.post(f"/admin/staff/user/{consultant.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    consultant.refresh_from_db()
    assert consultant.extension == "205"
    assert AuditRecord.objects.filter(
        action="admin.change", object_ref=str(consultant.pk), actor_username="admin"
    ).exists()


def test_a_password_set_by_the_administrator_works_and_is_audited(admin_client, personas):
    consultant = personas["consultant"]
    answer = admin_client.post(
        f"/admin/staff/user/{consultant.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    consultant.refresh_from_db()
    assert consultant.check_password(NEW_PASSWORD)
    assert _audited(consultant, "admin.change") == [{"fields": ["password"]}]


def test_deactivating_stops_sign_in_and_tokens_and_is_audited(admin_client, personas):
    consultant = personas["consultant"]
    token = token_issue(owner=consultant)
    answer = admin_client.post(
        "/admin/staff/user/",
        {"action": "deactivate", "_selected_action": [consultant.pk]},
    )
    assert answer.status_code == 302
    consultant.refresh_from_db()
    assert not consultant.is_active
    assert _audited(consultant, "admin.change") == [{"fields": ["is_active"]}]
    assert ApiClient(token).get("/api/v1/appeals").status_code == 401
    assert not Client().login(username="consultant", password="pw-consultant")


def test_revoking_tokens_in_the_admin_is_audited(admin_client, personas):
    token_issue(owner=personas["consultant"], label="crm")
    row = ApiToken.objects.get()
    answer = admin_client.post(
        "/admin/staff/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_at <= timezone.now()
    assert AuditRecord.objects.filter(
        action="token.revoke", object_ref=str(row.pk), actor_username="admin"
    ).exists()


@pytest.mark.parametrize("name", ["supervisor", "auditor", "consultant"])
def test_only_the_administrator_manages_accounts(personas, name):
    answer = signed_in(personas[name], "en").get("/admin/staff/user/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_the_administrators_own_new_password_is_audited(admin_client, personas):
    answer = admin_client.post(
        "/admin/password_change/",
        {"old_password": "pw-admin", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert _audited(personas["admin"], "admin.change") == [{"fields": ["password"]}]
