"""Requests carry only what the policy allows (rule 15; decision 0007)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qorgau.agencies.models import AgencyKind
from qorgau.agency_requests.channels import request_body
from qorgau.agency_requests.disclosure import ALWAYS, OPTIONAL, allowed_fields, compose_request
from qorgau.agency_requests.models import AgencyRequest
from qorgau.appeals.actions import appeal_register
from qorgau.appeals.models import Appeal
from qorgau.appeals.schemas import AppealIn
from qorgau.testing import appeal_body

pytestmark = pytest.mark.django_db

IIN = "880312400506"


def test_education_department_gets_facts_not_the_callers_identity(directory, register):
    number = register(direction=4, description=f"Ана ЖСН {IIN}, телефоны 87011112233.")["number"]
    appeal = Appeal.objects.get(number=number)
    composition = compose_request(appeal, directory["almaty_education"])
    content = json.dumps(composition.content, ensure_ascii=False)
    assert composition.content["persons"] == [{"kind": "child", "age": 9}]
    assert "мектепте" not in content or "Ана ЖСН" in content  # the description goes…
    assert IIN not in content and "87011112233" not in content  # …but its IIN and phone masked
    assert "900101300027" not in content and "Айгүл" not in content
    assert {"applicant_iin", "applicant_phone", "applicant_name"} <= set(
        composition.withheld_fields
    )
    assert composition.masked["description"] == {"iin": 1, "phone": 1}


def test_police_gets_the_address_and_phone_to_reach_the_danger(directory, register):
    number = register(
        direction=2,
        urgency="urgent",
        urgency_reason="қазір ұрып жатыр",
        risk_flags=["violence_now"],
    )["number"]
    composition = compose_request(Appeal.objects.get(number=number), directory["almaty_police"])
    assert composition.content["applicant_address"] == "Алматы қ., Абай даңғылы, 10"
    assert composition.content["applicant_phone"] == "+77012345678"
    assert "applicant_iin" not in composition.content


def test_most_specific_rule_wins(db):
    assert "applicant_iin" in allowed_fields("5", AgencyKind.LOCAL)
    assert "applicant_iin" not in allowed_fields("4", AgencyKind.LOCAL)
    assert "applicant_address" in allowed_fields("7", AgencyKind.DUTY)


names = st.sampled_from(["Айгүл Серікова", "Нұрлан Ахметов", "Ольга Петрова", "Данияр"])
phones = st.sampled_from(["+7 701 234 56 78", "87774445566", "+7 (705) 111-22-33"])
iins = st.sampled_from(["900101300027", "880312400506", "850505400018"])
kinds = st.sampled_from([k.value for k in AgencyKind])


@given(
    name=names,
    phone=phones,
    iin=iins,
    direction=st.integers(1, 13),
    kind=kinds,
    urgent=st.booleans(),
    in_text=st.booleans(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_field_outside_the_policy_ever_leaves(
    directory, personas, name, phone, iin, direction, kind, urgent, in_text
):
    text = f"{name} хабарласты, тел. {phone}, ЖСН {iin}." if in_text else "Бала мектепте."
    body = appeal_body(
        direction=direction,
        description=text,
        urgency="urgent" if urgent else "normal",
        urgency_reason="қауіп",
    )
    body["applicant"].update(name=name, phone=phone, iin=iin, email="x.person@example.kz")
    registration = appeal_register(actor=personas["consultant"], data=AppealIn(**body))
    agency = directory["minedu"]
    agency.kind = kind
    composition = compose_request(registration.appeal, agency)
    allowed = allowed_fields(str(direction), kind)
    assert set(composition.content) <= set(ALWAYS) | (allowed & OPTIONAL.keys())
    request = AgencyRequest(
        agency=agency, urgent=urgent, content=json.dumps(composition.content, ensure_ascii=False)
    )
    sent = json.dumps(request_body(request), ensure_ascii=False)  # the body of every channel
    compact = re.sub(r"[\s()+-]", "", sent)
    secrets = {
        "applicant_iin": [iin],
        "applicant_email": ["x.person@example.kz"],
        "applicant_name": name.split(),
        "applicant_phone": [phone],
    }
    for field, values in secrets.items():
        if field in allowed:
            continue
        for value in values:
            assert value not in sent, (field, kind, direction)
        if field in ("applicant_iin", "applicant_phone"):
            assert "".join(c for c in values[0] if c.isdigit())[-10:] not in compact
