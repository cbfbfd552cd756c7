"""Pytest fixtures: personas for every role, and API clients that authenticate as them. This module
sits above every app (it makes users, agencies and regions), so it lives outside the layers.

Personas: consultant, supervisor, quality, officer_a and officer_b (agencies A and B),
commissioner (Almaty city), national_commissioner, auditor, admin, outsider (no role).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from qorgau.core.roles import Role

VALID_IIN = "900101300027"  # checked in appeals/tests/test_identifiers.py
PERSONA_NAMES = (  # every key of the `personas` fixture, for tests parametrised by persona
    "consultant",
    "supervisor",
    "quality",
    "officer_a",
    "officer_b",
    "commissioner",
    "national_commissioner",
    "auditor",
    "admin",
    "outsider",
)


class ApiClient:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, token: str | None, language: str = "en") -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def patch(self, path: str, body: Any = None) -> Any:
        return self.client.patch(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )


def signed_in(user: Any, language: str = "kk") -> Client:
    """Django's test client signed in as the user (pages), in the given language; for the roles
    that need it, with the second factor given (rule 5), as the code page would do."""
    from qorgau.staff.second_factor import second_factor_required

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if second_factor_required(user):
        give_second_factor(client, user)
    return client


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for a base32 key, now or some 30-second steps on
    (each code works once)."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def give_second_factor(client: Client, user: Any) -> None:
    """Mark the client's session as verified with an enrolled authenticator of the user."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from qorgau.staff.models import User

    def make(username: str, role: str = "", **extra: Any) -> User:
        user = User.objects.create_user(
            username=username, password="pw-" + username, role=role, **extra
        )
        return user

    return make


@pytest.fixture
def agencies(db: Any) -> tuple[Any, Any]:
    from qorgau.agencies.models import Agency, AgencyKind

    a = Agency.objects.create(kind=AgencyKind.LOCAL, name_kk="A", name_ru="A", name_en="Agency A")
    b = Agency.objects.create(kind=AgencyKind.LOCAL, name_kk="B", name_ru="B", name_en="Agency B")
    return a, b


@pytest.fixture
def personas(make_user: Callable[..., Any], agencies: tuple[Any, Any]) -> dict[str, Any]:
    from qorgau.reference.models import Region

    almaty = Region.objects.get(code="almaty")
    return {
        "consultant": make_user("consultant", Role.CONSULTANT),
        "supervisor": make_user("supervisor", Role.SUPERVISOR),
        "quality": make_user("quality", Role.QUALITY),
        "officer_a": make_user("officer_a", Role.AGENCY_OFFICER, agency=agencies[0]),
        "officer_b": make_user("officer_b", Role.AGENCY_OFFICER, agency=agencies[1]),
        "commissioner": make_user("commissioner", Role.COMMISSIONER, region=almaty),
        "national_commissioner": make_user("national_commissioner", Role.COMMISSIONER),
        "auditor": make_user("auditor", Role.AUDITOR),
        "admin": make_user("admin", Role.ADMIN),
        "outsider": make_user("outsider", ""),
    }


@pytest.fixture
def api_as(personas: dict[str, Any]) -> Callable[..., ApiClient]:
    from qorgau.staff.actions import token_issue

    def client(name: str | None, language: str = "en") -> ApiClient:
        token = token_issue(owner=personas[name]) if name else None
        return ApiClient(token, language)

    return client


def appeal_body(**overrides: Any) -> dict[str, Any]:
    """A valid registration body; override any field."""
    body: dict[str, Any] = {
        "channel": "phone",
        "language": "kk",
        "applicant": {
            "kind": "individual",
            "name": "Айгүл Серікова",
            "iin": VALID_IIN,
            "phone": "+7 701 234 56 78",
            "email": "aigul@example.kz",
            "address": "Алматы қ., Абай даңғылы, 10",
        },
        "persons": [{"kind": "child", "age": 9}],
        "region": "almaty",
        "direction": 4,
        "summary": "Мектепте қорлау",
        "description": "Баласын сыныптастары ұрады, мұғалім шара қолданбайды.",
        "urgency": "normal",
    }
    body.update(overrides)
    return body


@pytest.fixture
def register(api_as: Callable[..., ApiClient]) -> Callable[..., dict[str, Any]]:
    """Register an appeal as the consultant; returns the 201 body (number, code)."""
    consultant = api_as("consultant")

    def do(**overrides: Any) -> dict[str, Any]:
        response = consultant.post("/api/v1/appeals", appeal_body(**overrides))
        assert response.status_code == 201, response.content
        return dict(response.json())

    return do


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` run only when the suite runs on PostgreSQL."""
    from django.conf import settings

    if (
        item.get_closest_marker("postgres")
        and "postgresql" not in settings.DATABASES["default"]["ENGINE"]
    ):
        pytest.skip("needs PostgreSQL (run the suite with DATABASE_URL=postgres://…)")


def assert_constant_queries(fetch: Callable[[], Any], grow: Callable[[], Any]) -> None:
    """A list page keeps its number of queries as its rows grow: count the queries of `fetch`,
    `grow` the data (ten times as many rows), count again; each count after a first fetch that
    warms the per-process caches (the search's vocabulary, sessions)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch()
    with CaptureQueriesContext(connection) as few:
        fetch()
    grow()
    fetch()
    with CaptureQueriesContext(connection) as many:
        fetch()
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Django deletes the SQLite test database file at the end; WAL leaves its two side files
    (`-wal`, `-shm`) when a live server thread still held a connection. Remove them too."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
