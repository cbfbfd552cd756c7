"""Fixtures for the agency-requests tests: a small agency directory, local SMTP and webhook
peers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

from qorgau.agencies.models import Agency, AgencyContact, AgencyKind
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.models import AgencyRequest
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.agency_requests.testing import Inbox, WebhookReceiver, smtp_server
from qorgau.appeals.models import Appeal
from qorgau.reference.models import Direction, Region
from qorgau.workdays.schedule import ROUND_THE_CLOCK, STANDARD_OFFICE_HOURS


@pytest.fixture
def make_agency(db: Any) -> Callable[..., Agency]:
    def make(
        key: str,
        kind: str,
        region: str | None,
        directions: list[int],
        *,
        round_the_clock: bool = False,
        email: bool = True,
        webhook: str = "",
    ) -> Agency:
        schedule = ROUND_THE_CLOCK if round_the_clock else STANDARD_OFFICE_HOURS
        agency = Agency.objects.create(
            key=key,
            kind=kind,
            name_kk=key,
            name_ru=key,
            name_en=key,
            region=Region.objects.get(code=region) if region else None,
            round_the_clock=round_the_clock,
            schedule=schedule.to_json(),
        )
        agency.directions.set(Direction.objects.filter(code__in=[str(d) for d in directions]))
        if email:
            AgencyContact.objects.create(
                agency=agency, channel="email", address=f"{key}@demo-gov.invalid"
            )
        if webhook:
            AgencyContact.objects.create(
                agency=agency, channel="webhook", address=webhook, secret="s3cret-" + key
            )
        return agency

    return make


@pytest.fixture
def directory(make_agency: Callable[..., Agency]) -> dict[str, Agency]:
    """Almaty city: education, police, 102, commissioner; nationally: ministries, Commissioner."""
    k = AgencyKind
    return {
        "almaty_education": make_agency("almaty.education", k.LOCAL, "almaty", [4]),
        "almaty_police": make_agency("almaty.police", k.CENTRAL, "almaty", [2]),
        "almaty_102": make_agency("almaty.102", k.DUTY, "almaty", [2], round_the_clock=True),
        "almaty_commissioner": make_agency("almaty.commissioner", k.COMMISSIONER, "almaty", [4, 1]),
        "minedu": make_agency("central.minedu", k.CENTRAL, None, [4]),
        "enbek": make_agency("central.enbek", k.CENTRAL, None, [5]),
        "national_commissioner": make_agency("commissioner.national", k.COMMISSIONER, None, [4, 1]),
    }


@pytest.fixture
def request_to_school(
    personas: dict[str, Any],
    make_agency: Callable[..., Agency],
    register: Callable[..., dict[str, Any]],
    mail: Inbox,
) -> AgencyRequest:
    """A request to a school department that works round the clock, delivered by e-mail (the
    inbox emptied after)."""
    agency = make_agency("almaty.education", "local", "almaty", [4], round_the_clock=True)
    appeal = Appeal.objects.get(number=register(direction=4)["number"])
    request = request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    for delivery in claim("w", 10):
        deliver_one(delivery, "w")
    mail.messages.clear()
    return AgencyRequest.objects.get(pk=request.pk)


@pytest.fixture
def sent(
    api_as: Callable[..., Any],
    personas: dict[str, Any],
    directory: dict[str, Agency],
    register: Callable[..., dict[str, Any]],
    mail: Inbox,
) -> dict[str, Any]:
    """A request to agency A (officer_a's agency) about a child at school, delivered (the
    inbox emptied after)."""
    agency = personas["officer_a"].agency
    agency.key, agency.kind, agency.round_the_clock = "agency-a", "local", True
    agency.save()
    agency.directions.set(directory["almaty_education"].directions.all())
    agency.region = directory["almaty_education"].region
    agency.save()
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    created = register(direction=4)
    request_id = (
        api_as("consultant")
        .post(f"/api/v1/appeals/{created['number']}/requests", {"agency": agency.pk})
        .json()["id"]
    )
    for delivery in claim("w", 10):
        deliver_one(delivery, "w")
    mail.messages.clear()
    return {"id": request_id, **created}


@pytest.fixture
def mail() -> Iterator[Inbox]:
    for inbox, port in smtp_server():
        with override_settings(QORGAU_SMTP_HOST="127.0.0.1", QORGAU_SMTP_PORT=port):
            yield inbox


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running
