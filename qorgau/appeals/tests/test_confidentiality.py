"""Personal data is encrypted at rest and found only through blind indexes (rules 5, 15)."""

from __future__ import annotations

import base64
import secrets

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import override_settings

from qorgau.appeals.models import Appeal
from qorgau.core import crypto
from qorgau.core.management.commands.rotate_keys import rotate_all

pytestmark = pytest.mark.django_db

SECRETS = [
    "Айгүл Серікова",
    "900101300027",
    "7012345678",
    "aigul@example.kz",
    "Абай даңғылы",
    "сыныптастары ұрады",
    "Нұрлан",
]


def _all_text_in_database() -> str:
    """Every table's every row as text, read with plain SQL (what a stolen backup shows)."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump.extend(str(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_no_plaintext_personal_data_in_any_table(api_as, register):
    number = register(persons=[{"kind": "child", "age": 9, "name": "Нұрлан"}])["number"]
    api_as("consultant").post(
        f"/api/v1/appeals/{number}/transitions",
        {"to": "in_progress", "comment": "Айгүл Серікова қайта қоңырау шалды"},
    )
    api_as("consultant").get(f"/api/v1/appeals/{number}")  # a view writes an audit record
    dump = _all_text_in_database()
    assert number in dump  # the dump really holds the appeal
    for secret in SECRETS:
        assert secret not in dump, secret


def test_caller_found_by_blind_index_not_by_decrypting(api_as, register):
    first = register(applicant={"kind": "individual", "name": "A", "phone": "87012345678"})
    register(applicant={"kind": "anonymous", "phone": "+7 (701) 234-56-78"})
    register(applicant={"kind": "anonymous", "phone": "+7 702 000 00 00"})
    appeal = Appeal.objects.get(number=first["number"])
    assert appeal.phone_index == crypto.blind_index("phone", "+77012345678")
    assert appeal.phone_index not in ("", "+77012345678")
    assert Appeal.objects.filter(phone_index=appeal.phone_index).count() == 2


def test_key_rotation_keeps_data_readable(register):
    number = register()["number"]
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    with override_settings(FIELD_KEYS=[new_key, *settings.FIELD_KEYS]):
        assert rotate_all() >= 1
        assert Appeal.objects.get(number=number).applicant_iin == "900101300027"
    with override_settings(FIELD_KEYS=[new_key]):  # the old key is gone
        assert Appeal.objects.get(number=number).applicant_name == "Айгүл Серікова"
    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_iin FROM appeals_appeal WHERE number = %s", [number])
        token = cursor.fetchone()[0]
    assert Fernet(new_key.encode()).decrypt(token.encode()) == b"900101300027"
