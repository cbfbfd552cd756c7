"""Demo directory of the bodies the "111" contact centre interacts with (docs/rules.md, chapter 3).

Pure data, no Django: a loader turns :data:`AGENCIES` into ``Agency`` rows. The directory holds

* central state bodies with national reach (``region`` is ``None``), one or more per direction
  of interaction (rule 10), and the national Commissioner for Children's Rights;
* for each of the 20 regions: the akimat's departments (kind ``"local"``), the territorial
  police and emergency departments (kind ``"central"`` with the region set, since they belong
  to a ministry), the regional Commissioner for Children's Rights, and the round-the-clock
  duty services 102 (police), 103 (emergency medical service) and 112 (unified emergency).

Everything here is demo material. E-mail addresses all sit under the reserved ``.invalid``
top-level domain, and the only phone numbers are the real, well-known short numbers (102,
103, 112). Bodies with ``webhook=True`` (about a third) are the ones the loader points at a local
receiver. :func:`check` lists what is wrong with the data; it must return ``[]``.

No migration reads this module: ``qorgau demo`` and a first installation load it through
``agencies/loader.py``, which creates only the agencies that are missing. An edit here therefore
reaches new installations only; a change every installed database must get is a new data
migration carrying its own copy of the rows (decision 0017).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

DIRECTIONS = tuple(range(1, 14))
"""The 13 directions of interaction, numbered as in rule 10."""

KINDS = ("central", "local", "commissioner", "duty")

REQUIRED_REGIONAL_DIRECTIONS = (2, 4, 5, 6)
"""Directions every region must have covered by a body of its own."""

DOMAIN = "demo-gov.invalid"


@dataclass(frozen=True)
class AgencyEntry:
    key: str  # stable unique slug, e.g. "almaty.akimat.education"
    kind: str  # "central" | "local" | "commissioner" | "duty"
    name_kk: str
    name_ru: str
    name_en: str
    region: str | None  # region code; None for a body with national reach
    directions: tuple[int, ...]  # directions of interaction (rule 10) it is competent for
    round_the_clock: bool
    email: str  # demo address under ".invalid"
    phone: str  # "" unless a real well-known short number
    webhook: bool  # the loader points these at a local receiver


@dataclass(frozen=True)
class _Region:
    code: str
    kk: str  # nominative: "Абай облысы", "Алматы қаласы"
    ru_gen: str  # genitive: "Абайской области", "города Алматы"
    ru_loc: str  # prepositional, after "в": "Абайской области", "городе Алматы"
    en: str  # "Abai Region", "Almaty City"

    @property
    def is_city(self) -> bool:
        return self.code in _CITIES

    @property
    def kk_gen(self) -> str:
        # Both "облысы" and "қаласы" end in a back vowel: genitive "-ның", locative "-ндағы".
        return self.kk + "ның"

    @property
    def kk_loc(self) -> str:
        return self.kk + "ндағы"

    @property
    def mail(self) -> str:
        return self.code.replace("_", "-")


_CITIES = frozenset({"astana", "almaty", "shymkent"})

_REGIONS: tuple[_Region, ...] = (
    _Region("abai", "Абай облысы", "Абайской области", "Абайской области", "Abai Region"),
    _Region(
        "akmola", "Ақмола облысы", "Акмолинской области", "Акмолинской области", "Akmola Region"
    ),
    _Region(
        "aktobe", "Ақтөбе облысы", "Актюбинской области", "Актюбинской области", "Aktobe Region"
    ),
    _Region(
        "almaty_region",
        "Алматы облысы",
        "Алматинской области",
        "Алматинской области",
        "Almaty Region",
    ),
    _Region("atyrau", "Атырау облысы", "Атырауской области", "Атырауской области", "Atyrau Region"),
    _Region(
        "east_kazakhstan",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанской области",
        "Восточно-Казахстанской области",
        "East Kazakhstan Region",
    ),
    _Region(
        "zhambyl", "Жамбыл облысы", "Жамбылской области", "Жамбылской области", "Zhambyl Region"
    ),
    _Region(
        "zhetysu", "Жетісу облысы", "Жетысуской области", "Жетысуской области", "Zhetysu Region"
    ),
    _Region(
        "west_kazakhstan",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанской области",
        "Западно-Казахстанской области",
        "West Kazakhstan Region",
    ),
    _Region(
        "karaganda",
        "Қарағанды облысы",
        "Карагандинской области",
        "Карагандинской области",
        "Karaganda Region",
    ),
    _Region(
        "kostanay",
        "Қостанай облысы",
        "Костанайской области",
        "Костанайской области",
        "Kostanay Region",
    ),
    _Region(
        "kyzylorda",
        "Қызылорда облысы",
        "Кызылординской области",
        "Кызылординской области",
        "Kyzylorda Region",
    ),
    _Region(
        "mangystau",
        "Маңғыстау облысы",
        "Мангистауской области",
        "Мангистауской области",
        "Mangystau Region",
    ),
    _Region(
        "pavlodar",
        "Павлодар облысы",
        "Павлодарской области",
        "Павлодарской области",
        "Pavlodar Region",
    ),
    _Region(
        "north_kazakhstan",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанской области",
        "Северо-Казахстанской области",
        "North Kazakhstan Region",
    ),
    _Region(
        "turkistan",
        "Түркістан облысы",
        "Туркестанской области",
        "Туркестанской области",
        "Turkistan Region",
    ),
    _Region("ulytau", "Ұлытау облысы", "Улытауской области", "Улытауской области", "Ulytau Region"),
    _Region("astana", "Астана қаласы", "города Астаны", "городе Астане", "Astana City"),
    _Region("almaty", "Алматы қаласы", "города Алматы", "городе Алматы", "Almaty City"),
    _Region("shymkent", "Шымкент қаласы", "города Шымкента", "городе Шымкенте", "Shymkent City"),
)

REGION_CODES: tuple[str, ...] = tuple(r.code for r in _REGIONS)


# --- central state bodies ------------------------------------------------------------------

_RK_KK = "Қазақстан Республикасының"
_RK_RU = "Республики Казахстан"
_RK_EN = "of the Republic of Kazakhstan"

# (slug, kk without the country, ru without the country, en without the country,
#  directions, webhook)
_CENTRAL: tuple[tuple[str, str, str, str, tuple[int, ...], bool], ...] = (
    (
        "gp",
        "Бас прокуратурасы",
        "Генеральная прокуратура",
        "Prosecutor General's Office",
        (1,),
        True,
    ),
    (
        "mvd",
        "Ішкі істер министрлігі",
        "Министерство внутренних дел",
        "Ministry of Internal Affairs",
        (2,),
        True,
    ),
    ("minjust", "Әділет министрлігі", "Министерство юстиции", "Ministry of Justice", (3,), False),
    (
        "minedu",
        "Оқу-ағарту министрлігі",
        "Министерство просвещения",
        "Ministry of Enlightenment",
        (4,),
        True,
    ),
    (
        "minscience",
        "Ғылым және жоғары білім министрлігі",
        "Министерство науки и высшего образования",
        "Ministry of Science and Higher Education",
        (4,),
        False,
    ),
    (
        "enbek",
        "Еңбек және халықты әлеуметтік қорғау министрлігі",
        "Министерство труда и социальной защиты населения",
        "Ministry of Labour and Social Protection of the Population",
        (5,),
        False,
    ),
    (
        "minhealth",
        "Денсаулық сақтау министрлігі",
        "Министерство здравоохранения",
        "Ministry of Health",
        (6,),
        True,
    ),
    (
        "mchs",
        "Төтенше жағдайлар министрлігі",
        "Министерство по чрезвычайным ситуациям",
        "Ministry of Emergency Situations",
        (7,),
        True,
    ),
    (
        "mfa",
        "Сыртқы істер министрлігі",
        "Министерство иностранных дел",
        "Ministry of Foreign Affairs",
        (8,),
        False,
    ),
    (
        "mci",
        "Мәдениет және ақпарат министрлігі",
        "Министерство культуры и информации",
        "Ministry of Culture and Information",
        (9,),
        False,
    ),
    ("mod", "Қорғаныс министрлігі", "Министерство обороны", "Ministry of Defence", (10,), False),
    (
        "moa",
        "Ауыл шаруашылығы министрлігі",
        "Министерство сельского хозяйства",
        "Ministry of Agriculture",
        (11,),
        False,
    ),
    (
        "mintrans",
        "Көлік министрлігі",
        "Министерство транспорта",
        "Ministry of Transport",
        (12,),
        False,
    ),
    (
        "mts",
        "Туризм және спорт министрлігі",
        "Министерство туризма и спорта",
        "Ministry of Tourism and Sport",
        (13,),
        False,
    ),
)


def _central() -> list[AgencyEntry]:
    entries = [
        AgencyEntry(
            key=f"central.{slug}",
            kind="central",
            name_kk=f"{_RK_KK} {kk}",
            name_ru=f"{ru} {_RK_RU}",
            name_en=f"{en} {_RK_EN}",
            region=None,
            directions=directions,
            round_the_clock=False,
            email=f"{slug}@{DOMAIN}",
            phone="",
            webhook=webhook,
        )
        for slug, kk, ru, en, directions, webhook in _CENTRAL
    ]
    entries.append(
        AgencyEntry(
            key="commissioner.national",
            kind="commissioner",
            name_kk="Қазақстан Республикасындағы Бала құқықтары жөніндегі уәкіл",
            name_ru="Уполномоченный по правам ребёнка в Республике Казахстан",
            name_en="Commissioner for Children's Rights in the Republic of Kazakhstan",
            region=None,
            directions=(4, 1),
            round_the_clock=False,
            email=f"children@ombudsman.{DOMAIN}",
            phone="",
            webhook=True,
        )
    )
    return entries


# --- regional bodies -----------------------------------------------------------------------

# Akimat departments: (slug, kk after the region's genitive, ru before the region's genitive,
# en before "of <region>", directions, cities too?)
_AKIMAT: tuple[tuple[str, str, str, str, tuple[int, ...], bool], ...] = (
    ("education", "білім басқармасы", "Управление образования", "Education Department", (4,), True),
    (
        "employment",
        "жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы",
        "Управление координации занятости и социальных программ",
        "Department of Employment Coordination and Social Programmes",
        (5,),
        True,
    ),
    (
        "health",
        "денсаулық сақтау басқармасы",
        "Управление здравоохранения",
        "Health Department",
        (6,),
        True,
    ),
    (
        "internal_policy",
        "ішкі саясат басқармасы",
        "Управление внутренней политики",
        "Department of Internal Policy",
        (9,),
        True,
    ),
    (
        "youth",
        "жастар саясаты мәселелері жөніндегі басқармасы",
        "Управление по вопросам молодёжной политики",
        "Department of Youth Policy",
        (9,),
        True,
    ),
    (
        "veterinary",
        "ветеринария басқармасы",
        "Управление ветеринарии",
        "Veterinary Department",
        (11,),
        False,
    ),
    (
        "land",
        "жер қатынастары басқармасы",
        "Управление земельных отношений",
        "Department of Land Relations",
        (11,),
        True,
    ),
    (
        "transport",
        "жолаушылар көлігі және автомобиль жолдары басқармасы",
        "Управление пассажирского транспорта и автомобильных дорог",
        "Department of Passenger Transport and Motor Roads",
        (12,),
        True,
    ),
    (
        "sport",
        "дене шынықтыру және спорт басқармасы",
        "Управление физической культуры и спорта",
        "Department of Physical Culture and Sport",
        (13,),
        True,
    ),
)


# The bodies every region has beside its akimat's departments: key suffix, kind, names (kk, ru,
# en, with the region's name forms filled in), directions, round the clock, mailbox, phone. The
# police and emergency departments belong to a ministry, hence kind "central" with a region.
# All but the commissioner take requests electronically (webhook).
_REGIONAL_BODIES: tuple[
    tuple[str, str, tuple[str, str, str], tuple[int, ...], bool, str, str], ...
] = (
    (
        "police",
        "central",
        (
            "{kk_gen} Полиция департаменті",
            "Департамент полиции {ru_gen}",
            "Police Department of {en}",
        ),
        (2,),
        False,
        "police.{mail}@{domain}",
        "",
    ),
    (
        "emergency",
        "central",
        (
            "{kk_gen} Төтенше жағдайлар департаменті",
            "Департамент по чрезвычайным ситуациям {ru_gen}",
            "Department of Emergency Situations of {en}",
        ),
        (7,),
        False,
        "emergency.{mail}@{domain}",
        "",
    ),
    (
        "commissioner",
        "commissioner",
        (
            "{kk_loc} бала құқықтары жөніндегі уәкіл",
            "Уполномоченный по правам ребёнка в {ru_loc}",
            "Commissioner for Children's Rights in {en}",
        ),
        (4, 1),
        False,
        "children.{mail}@ombudsman.{domain}",
        "",
    ),
    (
        "police.102",
        "duty",
        (
            "{kk} Полиция департаментінің «102» қызметі",
            "Служба «102» Департамента полиции {ru_gen}",
            "Police 102 Service, {en}",
        ),
        (2,),
        True,
        "duty102.{mail}@{domain}",
        "102",
    ),
    (
        "emergency.112",
        "duty",
        (
            "{kk_gen} «112» бірыңғай кезекші-диспетчерлік қызметі",
            "Единая дежурно-диспетчерская служба «112» {ru_gen}",
            "Unified Duty Dispatch Service 112, {en}",
        ),
        (7, 2),
        True,
        "duty112.{mail}@{domain}",
        "112",
    ),
    (
        "ambulance.103",
        "duty",
        (
            "{kk_gen} «103» жедел медициналық жәрдем қызметі",
            "Служба скорой медицинской помощи «103» {ru_gen}",
            "Emergency Medical Service 103, {en}",
        ),
        (6,),
        True,
        "duty103.{mail}@{domain}",
        "103",
    ),
)


def _regional(r: _Region) -> list[AgencyEntry]:
    entries: list[AgencyEntry] = []
    for slug, kk, ru, en, directions, in_cities in _AKIMAT:
        if r.is_city and not in_cities:
            continue
        entries.append(
            AgencyEntry(
                key=f"{r.code}.akimat.{slug}",
                kind="local",
                name_kk=f"{r.kk_gen} {kk}",
                name_ru=f"{ru} {r.ru_gen}",
                name_en=f"{en} of {r.en}",
                region=r.code,
                directions=directions,
                round_the_clock=False,
                email=f"{slug.replace('_', '-')}.{r.mail}@{DOMAIN}",
                phone="",
                # The three cities' education departments take requests electronically.
                webhook=r.is_city and slug == "education",
            )
        )
    for suffix, kind, (kk, ru, en), directions, clock, mailbox, phone in _REGIONAL_BODIES:
        names = {
            "kk": r.kk,
            "kk_gen": r.kk_gen,
            "kk_loc": r.kk_loc,
            "ru_gen": r.ru_gen,
            "ru_loc": r.ru_loc,
            "en": r.en,
        }
        entries.append(
            AgencyEntry(
                key=f"{r.code}.{suffix}",
                kind=kind,
                name_kk=kk.format(**names),
                name_ru=ru.format(**names),
                name_en=en.format(**names),
                region=r.code,
                directions=directions,
                round_the_clock=clock,
                email=mailbox.format(mail=r.mail, domain=DOMAIN),
                phone=phone,
                webhook=kind != "commissioner",
            )
        )
    return entries


def _build() -> tuple[AgencyEntry, ...]:
    entries = _central()
    for region in _REGIONS:
        entries += _regional(region)
    return tuple(entries)


AGENCIES: tuple[AgencyEntry, ...] = _build()

DUTY_PHONES = ("102", "103", "112")
"""Every region has a duty service answering each of these well-known numbers."""

ALLOWED_PHONES = frozenset({"", *DUTY_PHONES, "111", "1414"})


def check() -> list[str]:
    """Return the problems in :data:`AGENCIES`; an empty list means the directory is sound."""
    problems: list[str] = []
    for key, count in Counter(a.key for a in AGENCIES).items():
        if count > 1:
            problems.append(f"duplicate key {key!r} ({count} entries)")
    for a in AGENCIES:
        if a.kind not in KINDS:
            problems.append(f"{a.key}: unknown kind {a.kind!r}")
        if a.region is not None and a.region not in REGION_CODES:
            problems.append(f"{a.key}: unknown region {a.region!r}")
        if not a.directions or any(d not in DIRECTIONS for d in a.directions):
            problems.append(f"{a.key}: bad directions {a.directions!r}")
        if len(set(a.directions)) != len(a.directions):
            problems.append(f"{a.key}: repeated direction in {a.directions!r}")
        local, at, domain = a.email.partition("@")
        if not local or not at or not domain.endswith(".invalid"):
            problems.append(f"{a.key}: e-mail {a.email!r} is not under .invalid")
        if a.phone not in ALLOWED_PHONES:
            problems.append(f"{a.key}: phone {a.phone!r} is not a known short number")
        if not (a.name_kk and a.name_ru and a.name_en):
            problems.append(f"{a.key}: a name is missing")
        if a.kind == "duty" and not a.round_the_clock:
            problems.append(f"{a.key}: a duty service must work round the clock")
    central = {
        d for a in AGENCIES if a.kind == "central" and a.region is None for d in a.directions
    }
    for d in DIRECTIONS:
        if d not in central:
            problems.append(f"direction {d} has no central body")
    if not any(a.kind == "commissioner" and a.region is None for a in AGENCIES):
        problems.append("no national Commissioner for Children's Rights")
    for code in REGION_CODES:
        here = [a for a in AGENCIES if a.region == code]
        covered = {d for a in here for d in a.directions}
        for d in REQUIRED_REGIONAL_DIRECTIONS:
            if d not in covered:
                problems.append(f"region {code}: direction {d} is not covered")
        if not any(a.kind == "commissioner" for a in here):
            problems.append(f"region {code}: no regional Commissioner for Children's Rights")
        for phone in DUTY_PHONES:
            if not any(a.kind == "duty" and a.phone == phone for a in here):
                problems.append(f"region {code}: no {phone} duty service")
    return problems
