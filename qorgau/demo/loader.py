"""Demo users (one per role) and a few hundred believable appeals in kk and ru, registered
through the same actions as real ones (so they are encrypted and audited). Deterministic, and
idempotent: every demo appeal carries an idempotency key, so loading twice changes nothing."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.agencies.loader import load_directory
from qorgau.agencies.models import Agency
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.routing import propose_agencies
from qorgau.appeals.actions import appeal_register, appeal_transition
from qorgau.appeals.models import Appeal, IdempotentRequest, Status
from qorgau.appeals.schemas import AppealIn
from qorgau.calls.models import ReferralBody
from qorgau.casework.actions import followup_create, note_add
from qorgau.conversations.actions import ConversationData, conversation_open
from qorgau.conversations.models import Conversation
from qorgau.core.roles import Role
from qorgau.demo import content, fakes
from qorgau.outreach.actions import schools_import
from qorgau.outreach.models import School, SourceCode
from qorgau.reference.models import Region
from qorgau.staff.models import User
from qorgau.staff.second_factor import second_factor_required

T = TypeVar("T")

DEMO_PASSWORD = "qorgau-111"  # noqa: S105 - printed for the local demo; demo users only
# The administrator's and the auditor's authenticator (rule 5): `qorgau demo-code USERNAME`
# prints its current code; only devices of this name, which only the demo makes.
DEMO_DEVICE = "demo"
DEMO_APPEALS = 300
DEMO_OFFICER_AGENCY = "almaty.akimat.education"
DEMO_USERS: list[tuple[str, Role]] = [
    ("consultant", Role.CONSULTANT),
    ("supervisor", Role.SUPERVISOR),
    ("quality", Role.QUALITY),
    ("agency_officer", Role.AGENCY_OFFICER),
    ("commissioner", Role.COMMISSIONER),
    ("auditor", Role.AUDITOR),
    ("admin", Role.ADMIN),
]
REGION_WEIGHTS = {"almaty": 10, "astana": 7, "shymkent": 6, "turkistan": 7, "almaty_region": 6}
CITY = {
    "almaty": ("Алматы", "Алматы"),
    "astana": ("Астана", "Астана"),
    "shymkent": ("Шымкент", "Шымкент"),
}
DIRECTION_WEIGHTS = {2: 12, 3: 8, 4: 14, 5: 10, 9: 8}
CHANNEL_WEIGHTS = {
    "phone": 70,
    "web_form": 8,
    "school_qr": 6,
    "paper_letter": 3,
    "e_letter": 5,
    "oral_visit": 4,
    "video_call": 4,
}
# How far an appeal of a given age has usually gone: (min age in days, path of statuses).
PATHS = [
    [Status.ANSWERED, Status.CLOSED],
    [Status.IN_PROGRESS, Status.WAITING_AGENCY, Status.ANSWERED, Status.CLOSED],
    [Status.IN_PROGRESS, Status.WAITING_AGENCY],
    [Status.IN_PROGRESS, Status.WAITING_AGENCY, Status.ANSWERED],
    [Status.IN_PROGRESS],
    [],
]


def demo_users() -> dict[str, User]:
    load_directory()
    agency = Agency.objects.get(key=DEMO_OFFICER_AGENCY)
    almaty = Region.objects.get(code="almaty")
    users = {}
    for username, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                role=role,
                is_staff=role == Role.ADMIN,
                agency=agency if role == Role.AGENCY_OFFICER else None,
                region=almaty if role == Role.COMMISSIONER else None,
                extension="101" if role == Role.CONSULTANT else "",  # `qorgau simulate-calls`
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        if second_factor_required(user):
            TOTPDevice.objects.get_or_create(user=user, name=DEMO_DEVICE, confirmed=True)
        users[username] = user
    return users


def _weighted(rng: random.Random, weights: Mapping[T, int], universe: list[T]) -> T:
    return rng.choices(universe, weights=[weights.get(x, 2) for x in universe])[0]


def _applicant(rng: random.Random, lang: str, region: str) -> dict[str, str]:
    kind = rng.choices(["individual", "anonymous", "legal_entity"], weights=[60, 35, 5])[0]
    if kind == "anonymous":
        return {"kind": kind, "phone": fakes.phone(rng) if rng.random() < 0.3 else ""}
    female = rng.random() < 0.75
    city = CITY.get(region, ("Қарағанды", "Караганда"))[0 if lang == "kk" else 1]
    applicant = {
        "kind": kind,
        "name": fakes.full_name(rng, lang, female),
        "phone": fakes.phone(rng),
        "iin": fakes.iin(rng, rng.randint(1970, 2004), female) if rng.random() < 0.7 else "",
        "address": fakes.address(rng, city, lang) if rng.random() < 0.5 else "",
    }
    if kind == "legal_entity":
        applicant["name"] = "ЖШС «Балапан»" if lang == "kk" else "ТОО «Балапан»"
        applicant["iin"] = ""
    return applicant


def _payload(rng: random.Random, received_at: datetime) -> AppealIn:
    lang = "kk" if rng.random() < 0.6 else "ru"
    scenarios = content.scenarios()
    direction = _weighted(rng, DIRECTION_WEIGHTS, list(scenarios))
    scenario = rng.choice(scenarios[direction])
    region = _weighted(rng, REGION_WEIGHTS, list(Region.objects.values_list("code", flat=True)))
    help_kinds = ["information", "psychological", "organisational"]
    return AppealIn.model_validate(
        {
            "channel": _weighted(rng, CHANNEL_WEIGHTS, list(CHANNEL_WEIGHTS)),
            "received_at": received_at,
            "language": lang,
            "applicant": _applicant(rng, lang, region),
            "persons": [{"kind": k, "age": a} for k, a in scenario.persons],
            "region": region,
            "direction": direction,
            "summary": getattr(scenario, f"summary_{lang}"),
            "description": getattr(scenario, f"description_{lang}"),
            "urgency": "urgent" if scenario.urgent else "normal",
            "urgency_reason": getattr(scenario, f"urgency_reason_{lang}")
            if scenario.urgent
            else "",
            "risk_flags": list(scenario.risk_flags),
            "help_given": rng.sample(help_kinds, rng.randint(1, 2)),
        }
    )


def _advance(rng: random.Random, users: dict[str, User], appeal: Appeal, age_days: float) -> None:
    path = PATHS[
        min(int(age_days // 8), len(PATHS) - 1) if rng.random() < 0.8 else rng.randrange(len(PATHS))
    ]
    if age_days < 2:
        path = PATHS[-1] if rng.random() < 0.5 else PATHS[-2]
    step_at = appeal.received_at
    for status in path:
        step_at = min(step_at + timedelta(hours=rng.uniform(0.2, 48)), timezone.now())
        actor = users["supervisor"] if status == Status.CLOSED else users["consultant"]
        appeal = appeal_transition(actor=actor, appeal=appeal, to_status=status, at=step_at)


def load_demo(count: int = DEMO_APPEALS) -> int:
    """Load demo users and appeals; return how many appeals were new."""
    users = demo_users()
    _demo_referral_bodies()
    loaded = set(
        IdempotentRequest.objects.filter(
            user=users["consultant"], key__startswith="demo-"
        ).values_list("key", flat=True)
    )
    rng = random.Random(111)
    now = timezone.now()
    created = 0
    for i in range(count):
        age_days = rng.uniform(0, 90) if i % 10 else rng.uniform(0, 1)
        payload = _payload(rng, now - timedelta(days=age_days))
        if f"demo-{i}" in loaded:
            continue
        with transaction.atomic():
            registration = appeal_register(
                actor=users["consultant"], data=payload, idempotency_key=f"demo-{i}"
            )
            _advance(rng, users, registration.appeal, age_days)
        created += 1
    if created:
        _demo_requests(users)
        _demo_casework(users)
    _demo_outreach()
    return created


SCHOOLS_SAMPLE = Path(__file__).resolve().parent.parent / "outreach" / "data" / "schools-sample.csv"
DEMO_SOURCES = [
    ("tv-2026", "Телеарна: «111» туралы ролик / Телеролик о «111»", None),
    ("bus-almaty", "Автобустағы жарнама / Реклама в автобусах", "almaty"),
]
DEMO_SCHOOL_MESSAGES = [  # (school's position in the sample, language, text, heard from)
    (0, "kk", "Үзілісте жоғары сынып оқушылары ақша сұрайды. Не істеуім керек?", "school"),
    (0, "ru", "Мне страшно идти домой, родители всё время ругаются.", "teacher"),
    (2, "kk", "Досым өзіне зиян келтіремін дейді. Қалай көмектесемін?", "poster"),
]


def _demo_outreach() -> None:
    """The sample schools (their posters on /schools/), two campaign codes, and three written
    appeals that came by a school's QR form; loading twice changes nothing."""
    schools_import(actor=None, data=SCHOOLS_SAMPLE.read_bytes())
    for code, name, region in DEMO_SOURCES:
        SourceCode.objects.get_or_create(
            code=code,
            defaults={"name": name, "region": Region.objects.filter(code=region or "").first()},
        )
    if Conversation.objects.filter(school__isnull=False).exists():
        return
    schools = list(School.objects.filter(name__endswith="(демо)").order_by("pk"))
    for index, lang, text, heard in DEMO_SCHOOL_MESSAGES:
        if index < len(schools):
            data = ConversationData(text=text, school=schools[index], heard_from=heard)
            conversation_open(data=data, language=lang)


# (kind, what, hours from now it is due): one already overdue, so that My tasks shows all groups
DEMO_FOLLOW_UPS = [
    (
        "callback",
        "Қайта қоңырау шалу: мектеп жауап берді ме? / Перезвонить: ответила ли школа?",
        -2,
    ),
    ("task", "Аудандық әкімдікке хат дайындау / Подготовить письмо в акимат района", 3),
    ("callback", "Перезвонить заявительнице вечером, после работы / Кешке қайта қоңырау шалу", 26),
]


def _demo_casework(users: dict[str, User]) -> None:
    """An internal note and three follow-ups on the consultant's appeals in progress, so that
    the case-work panel and My tasks have something to show."""
    consultant = users["consultant"]
    appeals = Appeal.objects.filter(
        status=Status.IN_PROGRESS, assigned_consultant=consultant
    ).order_by("pk")[: len(DEMO_FOLLOW_UPS)]
    now = timezone.now()
    for appeal, (kind, what, hours) in zip(appeals, DEMO_FOLLOW_UPS, strict=False):
        due_at = now + timedelta(hours=hours)
        planned = min(now, due_at - timedelta(hours=1))
        followup_create(
            actor=consultant, appeal=appeal, kind=kind, what=what, due_at=due_at, now=planned
        )
    if appeals:
        note_add(
            actor=consultant,
            appeal=appeals[0],
            text="Кешке ғана сөйлесе алады / Может говорить только вечером",
        )


def _demo_referral_bodies() -> None:
    for body in content.referral_bodies():
        ReferralBody.objects.get_or_create(
            name_ru=body["name_ru"],
            defaults={key: body[key] for key in ("name_kk", "handles", "contacts")},
        )


def _demo_requests(users: dict[str, User]) -> None:
    """Requests for the appeals waiting for an agency: to the first proposed agency, and a few
    to the demo officer's agency so that the agency portal has something to show."""
    officer_agency = Agency.objects.get(key=DEMO_OFFICER_AGENCY)
    waiting = Appeal.objects.filter(status=Status.WAITING_AGENCY).order_by("pk")
    for index, appeal in enumerate(waiting[:60]):
        proposals = propose_agencies(appeal)
        if index < 5:
            agency, reason = officer_agency, "Демо: білім басқармасына / в управление образования"
        elif proposals:
            agency, reason = proposals[0].agency, ""
        else:
            continue
        request_send(actor=users["consultant"], appeal=appeal, agency=agency, reason=reason)
