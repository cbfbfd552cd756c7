"""A request as the agency reads it (rules 13, 15): what was sent, as labelled fields in order
and in the reader's language, dates in Kazakhstan time. One renderer for the portal page, the
e-mail and its PDF, so the three never disagree. Fields the disclosure policy withheld were
never in the content and so never appear."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from qorgau.agency_requests.disclosure import OPTIONAL
from qorgau.appeals.models import RISK_FLAGS, PersonKind, Urgency
from qorgau.core.kztime import KZ_TZ
from qorgau.reference.models import Direction, Region

Field = tuple[str, str]


def local_time(moment: datetime | str) -> str:
    """dd.mm.yyyy HH:MM in Kazakhstan time, from an aware moment or its ISO text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(KZ_TZ).strftime("%d.%m.%Y %H:%M")


def _region(value: dict[str, str], language: str) -> str:
    if value.get(language):
        return value[language]
    found = Region.objects.filter(code=value.get("code", "")).first()
    return found.name if found else value.get("kk", "")


def _direction(code: int) -> str:
    found = Direction.objects.filter(code=str(code)).first()
    return f"{code}. {found.name}" if found else str(code)


def _urgency(value: str, content: dict[str, Any]) -> str:
    label = str(Urgency(value).label) if value in Urgency.values else value
    reason = content.get("urgency_reason") or ""
    return f"{label}: {reason}" if reason else label


def _person(person: dict[str, Any]) -> str:
    kind = person.get("kind", "")
    label = str(PersonKind(kind).label) if kind in PersonKind.values else kind
    age = person.get("age")
    if age is None:
        return label.lower()
    years = ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age}
    return f"{label.lower()}, {years}"


def _persons(persons: list[dict[str, Any]]) -> str:
    text = "; ".join(_person(p) for p in persons)
    return text[:1].upper() + text[1:]


def _risks(flags: list[str]) -> str:
    return ", ".join(str(label) for name, label in RISK_FLAGS if name in flags)


# In the order the reader expects; each renders its value from the whole content.
ORDER: list[tuple[str, Callable[[], str], Callable[[Any, dict[str, Any], str], str]]] = [
    ("number", lambda: _("Registration number"), lambda v, c, lang: str(v)),
    ("received_at", lambda: _("Received"), lambda v, c, lang: local_time(v)),
    ("region", lambda: _("Region"), lambda v, c, lang: _region(v, lang)),
    ("direction", lambda: _("Direction"), lambda v, c, lang: _direction(v)),
    ("urgency", lambda: _("Urgency"), lambda v, c, lang: _urgency(v, c)),
    ("risk_flags", lambda: str(OPTIONAL["risk_flags"]), lambda v, c, lang: _risks(v)),
    ("summary", lambda: str(OPTIONAL["summary"]), lambda v, c, lang: str(v)),
    ("description", lambda: str(OPTIONAL["description"]), lambda v, c, lang: str(v)),
    ("persons", lambda: str(OPTIONAL["persons"]), lambda v, c, lang: _persons(v)),
    *[
        (key, (lambda key=key: str(OPTIONAL[key])), (lambda v, c, lang: str(v)))
        for key in (
            "applicant_name",
            "applicant_phone",
            "applicant_email",
            "applicant_iin",
            "applicant_address",
        )
    ],
]


def request_document(content: dict[str, Any], language: str) -> list[Field]:
    """The request's fields as (label, value) in `language` (kk, ru or en); empty and withheld
    fields are left out."""
    with translation.override(language):
        return [
            (label(), render(content[key], content, language))
            for key, label, render in ORDER
            if content.get(key) not in (None, "", [], {})
        ]


def request_pdf(content: dict[str, Any], languages: tuple[str, ...] = ("kk", "ru")) -> bytes:
    """The request as a PDF, one page per language (Kazakh first), in the DejaVu font."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("DejaVu", fname=settings.QORGAU_PDF_FONT)
    for language in languages:
        pdf.add_page()
        pdf.set_font("DejaVu", size=14)
        with translation.override(language):
            heading = _("Request from the «111» contact centre")
        pdf.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for label, value in request_document(content, language):
            pdf.set_font("DejaVu", size=9)
            pdf.multi_cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=11)
            pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())
