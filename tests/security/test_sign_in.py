"""Guessing passwords and codes (rule 5): a growing wait per account and address kept in the
database, never a lock-out of the right person; the second factor for the administrator and the
auditor; API tokens that expire and can be revoked."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django_otp.oath import TOTP

from qorgau.audit.models import AuditRecord
from qorgau.staff.actions import token_issue, token_revoke
from qorgau.staff.models import ApiToken, SignInFailure, User
from qorgau.testing import ApiClient, signed_in, totp_code

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
VICTIM_DESK = "203.0.113.10"
STRONG = "Жасыл-алма-2026-көктем"


def attempt(address: str, username: str, password: str, next_url: str = "") -> object:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    return client.post("/login/", {"username": username, "password": password, "next": next_url})


def pass_time(seconds: float) -> None:
    """As if `seconds` had passed since every recorded failure."""
    SignInFailure.objects.update(at=F("at") - timedelta(seconds=seconds))


def test_guessing_from_one_address_waits_longer_after_each_failure(personas):
    free = settings.SIGN_IN_FREE_FAILURES
    for _ in range(free):
        wrong = attempt(ATTACKER, "consultant", "guess-123456")
        assert wrong.status_code == 200 and b"Wrong user name or password" in wrong.content
    refused = attempt(ATTACKER, "consultant", "pw-consultant")  # even the right one
    assert refused.status_code == 429 and b"Try again in 2 seconds" in refused.content
    waits = []
    for _ in range(4):
        pass_time(settings.SIGN_IN_MAX_WAIT_SECONDS)
        attempt(ATTACKER, "consultant", "guess-123456")
        waits.append(attempt(ATTACKER, "consultant", "guess-123456").content)
    assert b"4 seconds" in waits[0] and b"8 seconds" in waits[1] and b"16 seconds" in waits[2]
    pass_time(settings.SIGN_IN_MAX_WAIT_SECONDS)
    assert attempt(ATTACKER, "consultant", "pw-consultant").status_code == 302  # a wait, no lock


def test_the_right_password_from_a_clean_address_still_works_for_the_victim(personas):
    """Guesses spread over many addresses slow those addresses, not the consultant's desk."""
    for n in range(25):
        for _ in range(settings.SIGN_IN_FREE_FAILURES + 1):
            attempt(f"198.51.100.{n}", "consultant", "guess-123456")
    assert attempt("198.51.100.3", "consultant", "pw-consultant").status_code == 429
    signed_in = attempt(VICTIM_DESK, "consultant", "pw-consultant")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def test_one_address_spraying_many_accounts_waits(personas):
    for n in range(settings.SIGN_IN_ADDRESS_FREE_FAILURES):
        assert attempt(ATTACKER, f"staff{n}", "Qwerty-123456").status_code == 200
    assert attempt(ATTACKER, "outsider", "pw-outsider").status_code == 429
    assert attempt(VICTIM_DESK, "outsider", "pw-outsider").status_code == 302


def test_a_right_password_forgets_that_address_s_failures(personas):
    for _ in range(settings.SIGN_IN_FREE_FAILURES - 1):
        attempt(VICTIM_DESK, "consultant", "typo-in-password")
    assert attempt(VICTIM_DESK, "consultant", "pw-consultant").status_code == 302
    for _ in range(settings.SIGN_IN_FREE_FAILURES - 1):
        attempt(VICTIM_DESK, "consultant", "typo-in-password")
    assert attempt(VICTIM_DESK, "consultant", "pw-consultant").status_code == 302


def test_an_unknown_user_name_is_throttled_like_a_real_one(db):
    for _ in range(settings.SIGN_IN_FREE_FAILURES):
        assert attempt(ATTACKER, "nobody", "guess-123456").status_code == 200
    assert attempt(ATTACKER, "nobody", "guess-123456").status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failures_counted_in_another_process_slow_this_one(personas):
    """Several app processes: a failure recorded by another process counts here too."""
    for _ in range(settings.SIGN_IN_FREE_FAILURES - 1):
        attempt(ATTACKER, "consultant", "guess-123456")
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    script = (
        "import django; django.setup()\n"
        "from qorgau.staff.throttle import sign_in_begin\n"
        f"print(sign_in_begin(username='consultant', address={ATTACKER!r}).wait)\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qorgau.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert other.stdout.strip().splitlines()[-1] == "0"  # its own failure, the third
    assert attempt(ATTACKER, "consultant", "pw-consultant").status_code == 429


@pytest.mark.parametrize(
    "password",
    ["Short-1", "password1234", "qorgau-111", "aigerim.nurlanova1"],
    ids=["too-short", "common", "demo-password", "like-the-user-name"],
)
def test_createsuperuser_refuses_weak_passwords(monkeypatch, password):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError):
        call_command(
            "createsuperuser",
            interactive=False,
            username="aigerim.nurlanova",
            email="aigerim@example.kz",
            verbosity=0,
        )
    assert not User.objects.filter(username="aigerim.nurlanova").exists()


def test_createsuperuser_makes_an_administrator_with_a_strong_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    call_command("createsuperuser", interactive=False, username="boss", email="", verbosity=0)
    assert User.objects.get(username="boss").role == "admin"


def test_the_password_validators_are_the_ones_rule_5_needs(personas):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError) as weak:
        validate_password("consultant12", personas["consultant"])
    assert len(weak.value.messages) >= 1
    validate_password(STRONG, personas["consultant"])


def code_wait_passes() -> None:
    """As if the wait after the last wrong code had passed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(minutes=30)
    )


def test_administrator_without_the_second_factor_cannot_reach_admin(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["admin"])  # the password alone
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/code/")
    assert client.get("/admin/staff/apitoken/").status_code == 302


def test_auditor_pages_and_session_api_need_the_second_factor(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["auditor"])
    assert client.get("/calls/demands/")["Location"].startswith("/login/code/")
    assert client.get("/appeals/")["Location"].startswith("/login/code/")
    assert client.get("/api/v1/appeals").status_code == 401


def test_administrator_enrols_at_first_sign_in_then_gives_a_code_each_time(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=VICTIM_DESK)
    first = client.post("/login/", {"username": "admin", "password": "pw-admin", "next": "/admin/"})
    assert first.status_code == 302 and first["Location"].startswith("/login/enrol/")
    page = client.get(first["Location"])
    assert b"<svg" in page.content
    secret = page.context["secret"]
    wrong = client.post(first["Location"], {"code": "000000", "next": "/admin/"})
    assert b"Wrong or expired code" in wrong.content
    code_wait_passes()
    done = client.post(first["Location"], {"code": totp_code(secret), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    again = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=VICTIM_DESK)
    asked = again.post("/login/", {"username": "admin", "password": "pw-admin", "next": "/admin/"})
    assert asked["Location"].startswith("/login/code/")
    assert again.get("/admin/").status_code == 302
    replayed = again.post(asked["Location"], {"code": totp_code(secret), "next": "/admin/"})
    assert replayed.status_code == 200  # a code works once
    code_wait_passes()
    ok = again.post(asked["Location"], {"code": totp_code(secret, 1), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert again.get("/admin/").status_code == 200


def test_guessing_the_code_waits_longer_after_each_wrong_one(personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas["auditor"])
    device = TOTPDevice.objects.create(user=personas["auditor"], name="phone", confirmed=True)
    for wrong in range(1, 4):
        client.post("/login/code/", {"code": "123456"})
        code_wait_passes()
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == wrong
    client.post("/login/code/", {"code": "654321"})
    right = client.post("/login/code/", {"code": f"{TOTP(device.bin_key).token():06d}"})
    assert right.status_code == 200 and b"Wrong or expired code" in right.content  # must wait 8 s
    code_wait_passes()
    right = client.post("/login/code/", {"code": f"{TOTP(device.bin_key).token():06d}"})
    assert right.status_code == 302


def test_expired_token_answers_401(personas):
    token = token_issue(owner=personas["consultant"], days=1)
    assert ApiClient(token).get("/api/v1/appeals").status_code == 200
    ApiToken.objects.update(expires_at=F("expires_at") - timedelta(days=1, seconds=1))
    assert ApiClient(token).get("/api/v1/appeals").status_code == 401


def test_revoked_token_answers_401(personas):
    token = token_issue(owner=personas["consultant"])
    row = ApiToken.objects.get(user=personas["consultant"])
    token_revoke(actor=personas["admin"], token=row)
    assert ApiClient(token).get("/api/v1/appeals").status_code == 401


def test_administrator_lists_a_user_s_tokens_and_revokes_one(personas):
    kept = token_issue(owner=personas["consultant"], label="crm", days=30)
    revoked = token_issue(owner=personas["consultant"], label="old-pbx")
    token_issue(owner=personas["supervisor"], label="supervisor-laptop")
    admin = signed_in(personas["admin"], "en")
    listing = admin.get(f"/admin/staff/apitoken/?user__id__exact={personas['consultant'].pk}")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert "crm" in text and "old-pbx" in text and "supervisor-laptop" not in text
    old = ApiToken.objects.get(label="old-pbx")
    response = admin.post(
        "/admin/staff/apitoken/",
        {"action": "revoke", "_selected_action": [old.pk], "index": 0},
    )
    assert response.status_code == 302
    assert ApiClient(revoked).get("/api/v1/appeals").status_code == 401
    assert ApiClient(kept).get("/api/v1/appeals").status_code == 200
    assert AuditRecord.objects.filter(action="token.revoke", object_ref=str(old.pk)).exists()


@pytest.mark.parametrize("persona", ["consultant", "supervisor", "auditor"])
def test_only_the_administrator_sees_the_tokens(personas, persona):
    token_issue(owner=personas["consultant"], label="crm")
    assert signed_in(personas[persona]).get("/admin/staff/apitoken/").status_code == 302
