"""`qorgau token USERNAME [--days N]`: a token that works until its expiry (rule 5)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qorgau.staff.models import ApiToken
from qorgau.testing import ApiClient

pytestmark = pytest.mark.django_db


def _issue(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1], err.getvalue()


def test_token_lasts_90_days_by_default(personas):
    token, said = _issue("consultant")
    expires = ApiToken.objects.get().expires_at
    assert abs(expires - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert "(90 days)" in said
    assert ApiClient(token).get("/api/v1/appeals").status_code == 200


def test_token_days_option(personas):
    _token, said = _issue("supervisor", "--days", "7", "--label", "pbx")
    row = ApiToken.objects.get()
    assert row.label == "pbx" and "(7 days)" in said
    assert abs(row.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


@pytest.mark.parametrize("days", ["0", "-3", "5000"])
def test_token_refuses_a_senseless_lifetime(personas, days):
    with pytest.raises(CommandError, match="--days"):
        _issue("consultant", "--days", days)
    assert not ApiToken.objects.exists()
